"""Every way an appointment is made records its language (the one statement on PostgreSQL and the
general path alike), later changes keep it, and every event about it carries it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult

from miconsulado.accounts.callers import Caller
from miconsulado.booking import requests, services
from miconsulado.booking.models import Appointment
from miconsulado.core.channels import Channel
from miconsulado.core.languages import Language, UnsupportedLanguage
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant, assert_nothing_booked, make_slot

DB_TASKS = {"default": {"BACKEND": "miconsulado.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def clear_tasks():
    default_task_backend.clear()


def announced():
    """(event name, language) of every delivery queued so far."""
    return [
        (r.args[0], r.args[1]["language"])
        for r in default_task_backend.results
        if r.task.name == "deliver_event"
    ]


@pytest.mark.django_db(transaction=True)  # autocommit, as in production: the one statement alone
@pytest.mark.parametrize("one_statement", [True, False])
def test_a_booking_stores_it_on_either_path(slot, procedure, settings, one_statement):
    settings.MICONSULADO = {**settings.MICONSULADO, "ONE_STATEMENT_BOOKING": one_statement}
    settings.TASKS = DB_TASKS  # the confirmation's delivery, a row written with the booking
    fresh = Slot.objects.select_related("office").get(pk=slot.pk)
    with CaptureQueriesContext(connection) as queries:
        booked = services.book_appointment(
            slot=fresh,
            procedure=procedure,
            applicants=[applicant()],
            channel=Channel.WEB,
            language=Language.EN,
        ).appointment
    went_one_way = any(q["sql"].startswith("WITH taken AS") for q in queries.captured_queries)
    assert went_one_way == (one_statement and connection.vendor == "postgresql")
    assert booked.language == "en"
    assert Appointment.objects.get().language == "en"
    name, payload = DBTaskResult.objects.get().args_kwargs["args"]
    assert (name, payload["language"]) == ("booking.appointment_confirmed", "en")


@pytest.mark.django_db
def test_spanish_unless_told(slot, procedure):
    booked = services.book_appointment(
        slot=slot, procedure=procedure, applicants=[applicant()], channel=Channel.PHONE
    ).appointment
    assert Appointment.objects.get(pk=booked.pk).language == "es"


@pytest.mark.django_db
def test_a_hold_records_it_and_its_confirmation_may_change_it(
    window, procedure, django_capture_on_commit_callbacks
):
    slots = [make_slot(window, capacity=2, days_ahead=d) for d in (5, 6)]
    with django_capture_on_commit_callbacks(execute=True):
        kept = services.hold_slot(
            slot=slots[0], procedure=procedure, places=2, channel=Channel.WEB, language=Language.EN
        )
        changed = services.hold_slot(
            slot=slots[1], procedure=procedure, channel=Channel.WEB, language=Language.EN
        )
        assert Appointment.objects.get(pk=kept.pk).language == "en"
        services.confirm_appointment(
            contact_proven=True, appointment=kept, applicants=[applicant()], channel=Channel.WEB
        )
        services.confirm_appointment(
            contact_proven=True,
            appointment=changed,
            applicants=[applicant()],
            channel=Channel.WEB,
            language=Language.ES,
        )
    assert Appointment.objects.get(pk=kept.pk).language == "en"  # the hold's, when the form says none
    assert Appointment.objects.get(pk=changed.pk).language == "es"
    assert announced() == [
        ("booking.places_freed", "en"),  # the place the first hold did not need
        ("booking.appointment_confirmed", "en"),
        ("booking.appointment_confirmed", "es"),
    ]


@pytest.mark.django_db
def test_an_expired_hold_says_its_language(slot, procedure, django_capture_on_commit_callbacks):
    earlier = timezone.now() - dt.timedelta(hours=1)
    services.hold_slot(slot=slot, procedure=procedure, channel=Channel.WEB, language=Language.EN, now=earlier)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.release_expired_holds() == 1
    assert announced() == [("booking.appointment_expired", "en"), ("booking.places_freed", "en")]


@pytest.mark.django_db
def test_a_reschedule_keeps_it(slot, window, procedure, django_capture_on_commit_callbacks):
    booked = services.book_appointment(
        slot=slot, procedure=procedure, applicants=[applicant()], channel=Channel.WEB, language=Language.EN
    ).appointment
    later = make_slot(window, capacity=1, days_ahead=10)
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.reschedule_appointment(appointment=booked, new_slot=later, channel=Channel.STAFF)
    assert moved.language == "en" and Appointment.objects.get(pk=booked.pk).language == "en"
    assert announced() == [("booking.appointment_rescheduled", "en"), ("booking.places_freed", "en")]


@pytest.mark.django_db
@pytest.mark.parametrize(("given", "stored"), [("en", "en"), ("es", "es"), (None, "es")])
def test_every_channel_chooses_it_through_requests(slot, given, stored):
    start = slot.start
    booked = requests.book(
        caller=Caller(None),
        office=slot.office.code,
        procedure="matricula",
        start=start,
        applicants=[applicant()],
        language=given,
    ).appointment
    assert Appointment.objects.get(pk=booked.pk).language == stored


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["fr", "EN", "english"])
def test_requests_refuse_any_other_language_before_writing(slot, bad):
    with pytest.raises(UnsupportedLanguage) as refused:
        requests.book(
            caller=Caller(None),
            office=slot.office.code,
            procedure="matricula",
            start=slot.start,
            applicants=[applicant()],
            language=bad,
        )
    assert list(refused.value.errors) == ["language"]
    assert_nothing_booked(slot)
