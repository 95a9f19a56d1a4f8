"""Every change booking makes announces what happened (booking.events), with the change: on its
commit, never for a change rolled back; a receiver of another app, registered without booking
importing it, gets it, and its failure undoes nothing and is retried."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult

from miconsulado.booking import events as booking_events
from miconsulado.booking import services
from miconsulado.booking.models import Appointment, AppointmentStatus
from miconsulado.core import events
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant, make_office, make_slot, make_window

DB_TASKS = {"default": {"BACKEND": "miconsulado.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def clear_tasks():
    default_task_backend.clear()


def announced():
    """(event name, payload) of every delivery queued so far."""
    return [tuple(r.args[:2]) for r in default_task_backend.results if r.task.name == "deliver_event"]


def facts(appointment, slot, channel, places, **more):
    return {
        "appointment": appointment.code,
        "office": slot.office.code,
        "procedure": appointment.procedure.code,
        "slot": slot.pk,
        "slot_start": slot.start.astimezone(dt.UTC).isoformat(),
        "channel": channel,
        "places": places,
        "language": "es",
        **more,
    }


def book(slot, procedure, *people, channel=Channel.WEB):
    fresh = Slot.objects.select_related("office").get(pk=slot.pk)
    return services.book_appointment(
        slot=fresh, procedure=procedure, applicants=list(people) or [applicant()], channel=channel
    ).appointment


@pytest.mark.django_db(transaction=True)
def test_a_booking_announces_it_is_confirmed(slot, procedure):
    appointment = book(slot, procedure, applicant(), applicant(), channel=Channel.PHONE)
    assert announced() == [("booking.appointment_confirmed", facts(appointment, slot, "phone", 2))]
    assert facts(appointment, slot, "phone", 2)["slot_start"].endswith("+00:00")


@pytest.mark.django_db(transaction=True)
def test_confirming_a_hold_for_fewer_people_frees_the_spare_places(slot, procedure):
    hold = services.hold_slot(slot=slot, procedure=procedure, places=2, channel=Channel.WEB)
    confirmed = services.confirm_appointment(
        contact_proven=True, appointment=hold, applicants=[applicant()], channel=Channel.WEB
    )
    assert announced() == [
        ("booking.places_freed", facts(confirmed, slot, "web", 1)),
        ("booking.appointment_confirmed", facts(confirmed, slot, "web", 1)),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_cancellation_announces_itself_and_the_freed_places(slot, procedure):
    appointment = book(slot, procedure)
    default_task_backend.clear()
    services.cancel_appointment(appointment=appointment, channel=Channel.API)
    about = facts(appointment, slot, "api", 1)
    assert announced() == [("booking.appointment_cancelled", about), ("booking.places_freed", about)]


@pytest.mark.django_db(transaction=True)
def test_a_reschedule_announces_the_move_and_the_places_freed_where_it_was(slot, procedure):
    appointment = book(slot, procedure)
    elsewhere = make_slot(make_window(make_office("sandiego"), [procedure]), days_ahead=9)
    new_slot = Slot.objects.select_related("office").get(pk=elsewhere.pk)
    default_task_backend.clear()
    services.reschedule_appointment(appointment=appointment, new_slot=new_slot, channel=Channel.STAFF)
    left = facts(appointment, slot, "staff", 1)
    assert announced() == [
        (
            "booking.appointment_rescheduled",
            facts(
                appointment,
                new_slot,
                "staff",
                1,
                previous_office=left["office"],
                previous_slot=left["slot"],
                previous_slot_start=left["slot_start"],
            ),
        ),
        ("booking.places_freed", left),
    ]
    assert left["office"] == "losangeles" and announced()[0][1]["office"] == "sandiego"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["sweep", "its own task"])
def test_an_expired_hold_announces_it_and_the_freed_places(slot, procedure, how):
    hold = services.hold_slot(slot=slot, procedure=procedure, places=2, channel=Channel.WEB)
    later = hold.hold_expires_at + dt.timedelta(seconds=1)
    if how == "sweep":
        assert services.release_expired_holds(now=later) == 1
    else:
        assert services.expire_hold(appointment_id=hold.pk, now=later) is True
    about = facts(hold, slot, "system", 2)
    assert announced() == [("booking.appointment_expired", about), ("booking.places_freed", about)]


@pytest.mark.django_db(transaction=True)
def test_a_booking_rolled_back_announces_nothing(slot, procedure):
    with pytest.raises(RuntimeError), transaction.atomic():
        book(slot, procedure)
        raise RuntimeError("the caller's transaction fails after the booking")
    assert announced() == []
    assert not Appointment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_refused_change_announces_nothing(slot, procedure):
    person = applicant()
    book(slot, procedure, person)
    default_task_backend.clear()
    with pytest.raises(Exception, match="CURP"):
        book(slot, procedure, person)
    assert announced() == []


# A receiver of another app: registered by it (here, the test), never imported by booking.
received = []


def count_confirmations(event: booking_events.AppointmentConfirmed) -> None:
    received.append(event)


def fail_on_confirmation(event: booking_events.AppointmentConfirmed) -> None:
    received.append("tried")
    raise RuntimeError("the other app's bug")


@pytest.fixture
def other_apps_receivers(monkeypatch):
    monkeypatch.setattr(events, "_receivers", {k: dict(v) for k, v in events._receivers.items()})
    received.clear()
    events.receiver(booking_events.AppointmentConfirmed)(count_confirmations)
    events.receiver(booking_events.AppointmentConfirmed)(fail_on_confirmation)


def test_booking_registers_its_own_receiver_of_confirmations():
    from miconsulado.booking import receivers

    assert receivers.log_confirmation in events.receivers(booking_events.AppointmentConfirmed).values()


@override_settings(TASKS=DB_TASKS)
@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_undoes_nothing_and_is_retried_while_the_others_ran_once(
    slot, procedure, other_apps_receivers, caplog
):
    appointment = book(slot, procedure)
    [delivery] = DBTaskResult.objects.all()
    assert delivery.task_path == "miconsulado.core.tasks.deliver_event"
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert [e for e in received if e != "tried"] == [
        booking_events.AppointmentConfirmed(**facts(appointment, slot, "web", 1))
    ]
    assert "appointment confirmed: " + appointment.code in caplog.text  # booking's own receiver ran
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.CONFIRMED
    slot.refresh_from_db()
    assert slot.booked == 1
    retry = DBTaskResult.objects.exclude(pk=delivery.pk).filter(task_path=delivery.task_path).get()
    assert retry.args_kwargs["args"][2:] == [[events.receiver_path(fail_on_confirmation)], 2]
    # When it is due, the retry runs the failing receiver alone.
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    received.clear()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert received == ["tried"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one statement is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_the_one_statement_writes_exactly_one_delivery_row(slot, procedure, settings):
    # Both through the `settings` fixture: an override_settings decorator would be undone before
    # the fixture restores its own snapshot (taken inside the override), leaving TASKS changed.
    settings.TASKS = DB_TASKS
    settings.MICONSULADO = {**settings.MICONSULADO, "ONE_STATEMENT_BOOKING": True}
    fresh = Slot.objects.select_related("office").get(pk=slot.pk)
    people = [applicant(), applicant()]
    with CaptureQueriesContext(connection) as queries:
        appointment = services.book_appointment(
            slot=fresh, procedure=procedure, applicants=people, channel=Channel.API
        ).appointment
    writes = [q["sql"] for q in queries.captured_queries if not q["sql"].lstrip().startswith("SELECT")]
    assert len(writes) == 1 and writes[0].lstrip().startswith("WITH taken")
    [row] = DBTaskResult.objects.all()
    assert row.task_path == "miconsulado.core.tasks.deliver_event"
    assert row.args_kwargs["args"] == ["booking.appointment_confirmed", facts(appointment, slot, "api", 2)]
