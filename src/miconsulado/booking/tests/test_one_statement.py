"""On PostgreSQL a booking is written by one statement (booking/one_statement.py); it must write
exactly the rows the general path writes, and leave to the general path whatever it cannot do."""

import datetime as dt
from dataclasses import replace

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from miconsulado.accounts.models import Role
from miconsulado.accounts.tests.factories import make_user
from miconsulado.booking import services
from miconsulado.booking.errors import CurpAlreadyBooked, SlotFull
from miconsulado.booking.models import Applicant, Appointment, AppointmentEvent, AppointmentStatus, Parent
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant, both_parents, make_procedure, make_slot, make_window

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the one statement is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),  # autocommit, as in production: no savepoint around it
]

DB_TASKS = {"default": {"BACKEND": "miconsulado.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}
NOW = dt.datetime(2026, 11, 23, 18, 0, tzinfo=dt.UTC)


@pytest.fixture
def family_procedure(db):
    return make_procedure("passport-minor", requires_both_parents=True, max_age=17, max_persons=4)


@pytest.fixture
def family_slot(office, family_procedure):
    return make_slot(make_window(office, [family_procedure], desks=4), capacity=4)


def family():
    """A minor with both parents and a younger sibling with one present and one consenting remotely."""
    present, absent = both_parents()
    remote = replace(absent, present=False, remote_consent_signed_on=dt.date(2026, 11, 1))
    return [
        applicant(birth=dt.date(2012, 5, 2), parents=both_parents()),
        applicant(birth=dt.date(2016, 3, 14), sex="M", parents=(present, remote)),
    ]


def rows_written() -> dict[str, list[dict]]:
    """Every row a booking wrote, without what differs by nature (keys, code, clock)."""
    varying = {"id", "code", "created_at", "updated_at", "appointment", "applicant", "at", "enqueued_at"}

    def plain(rows):
        return [{k: v for k, v in model_to_dict(r).items() if k not in varying} for r in rows]

    return {
        "appointments": plain(Appointment.objects.order_by("id")),
        "applicants": plain(Applicant.objects.order_by("position")),
        "parents": plain(Parent.objects.order_by("applicant__position", "role")),
        "events": [
            {**e, "data": {k: v for k, v in e["data"].items() if k != "curps"}}
            for e in plain(AppointmentEvent.objects.order_by("id"))
        ],
        "curps": [e.data.get("curps") for e in AppointmentEvent.objects.order_by("id")],
        "tasks": [
            (t.task_path, t.queue_name, t.priority, t.backend_name, t.status, t.run_after)
            for t in DBTaskResult.objects.order_by("enqueued_at")
        ],
    }


def book(slot, procedure, people, *, one_statement: bool, settings):
    settings.MICONSULADO = {**settings.MICONSULADO, "ONE_STATEMENT_BOOKING": one_statement}
    fresh = Slot.objects.select_related("office").get(pk=slot.pk)
    with CaptureQueriesContext(connection) as queries:
        appointment = services.book_appointment(
            slot=fresh, procedure=procedure, applicants=people, channel=Channel.PHONE, now=NOW
        ).appointment
    return appointment, [q["sql"] for q in queries.captured_queries]


def test_both_paths_write_the_same_rows(family_slot, family_procedure, settings):
    # Through the `settings` fixture, not an override_settings decorator: the decorator is undone
    # before the fixture restores its snapshot (taken inside it), which left TASKS changed for the
    # tests that ran after this one.
    settings.TASKS = DB_TASKS
    people = family()
    written = {}
    for one_statement in (True, False):
        appointment, sql = book(
            family_slot, family_procedure, people, one_statement=one_statement, settings=settings
        )
        assert any(s.startswith("WITH taken AS") for s in sql) == one_statement
        written[one_statement] = rows_written()
        slot = Slot.objects.get(pk=family_slot.pk)
        assert slot.booked == 2
        task = DBTaskResult.objects.get()
        name, payload = task.args_kwargs["args"]
        assert (name, payload["appointment"]) == ("booking.appointment_confirmed", appointment.code)
        # What the caller gets back is what was written.
        assert appointment.pk == Appointment.objects.get().pk
        assert [a.pk for a in appointment.applicants.all()] == list(
            Applicant.objects.order_by("position").values_list("pk", flat=True)
        )
        Appointment.objects.all().delete()
        DBTaskResult.objects.all().delete()
        Slot.objects.filter(pk=family_slot.pk).update(booked=0)
    assert written[True] == written[False]
    assert len(written[True]["parents"]) == 4


def test_the_answer_carries_the_keys_of_what_it_wrote(slot, procedure, settings):
    appointment, sql = book(slot, procedure, [applicant()], one_statement=True, settings=settings)
    writes = [s for s in sql if not s.startswith("SELECT")]  # the rest are the rules' reads
    assert len(writes) == 1 and writes[0].startswith("WITH taken AS")  # one write: the booking statement
    stored = Appointment.objects.get()
    assert (appointment.pk, appointment.code, appointment.status) == (
        stored.pk,
        stored.code,
        AppointmentStatus.CONFIRMED,
    )
    (person,) = appointment.applicants.all()
    assert person.pk == Applicant.objects.get().pk and person.appointment_id == stored.pk
    assert AppointmentEvent.objects.get().appointment_id == stored.pk
    assert Slot.objects.get(pk=slot.pk).booked == 1


def test_a_one_person_booking_is_parsed_once_by_psycopg(slot, procedure, settings):
    # psycopg keeps the parsed form of a statement of at most 50 parameters; past that it parses
    # the whole statement again on every booking (some 14 % of a booking's instructions). Its
    # NULLs are written in the SQL, so even an agent's booking with a key stays within.
    settings.TASKS = DB_TASKS
    sent = []

    def spy(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    fresh = Slot.objects.select_related("office").get(pk=slot.pk)
    with connection.execute_wrapper(spy):
        booked = services.book_appointment(
            slot=fresh,
            procedure=procedure,
            applicants=[applicant()],
            channel=Channel.PHONE,
            actor=make_user(Role.AGENT),
            idempotency_key="key-1",
        ).appointment
    ((sql, params),) = [(sql, params) for sql, params in sent if sql.startswith("WITH taken AS")]
    assert len(params) <= 50 and None not in params
    assert "CAST(NULL AS" in sql  # e.g. the appointment's hold_expires_at
    stored = Appointment.objects.get()
    assert (stored.pk, stored.hold_expires_at, stored.cancelled_at) == (booked.pk, None, None)
    assert stored.created_by_id is not None and stored.idempotency_key == "key-1"
    assert DBTaskResult.objects.get().started_at is None


def test_a_full_slot_goes_the_general_way_and_is_refused(slot, procedure, settings):
    Slot.objects.filter(pk=slot.pk).update(booked=slot.capacity)
    stale = Slot.objects.select_related("office").get(pk=slot.pk)
    stale.booked = 0  # as read a moment ago: the one statement is tried and writes nothing
    settings.MICONSULADO = {**settings.MICONSULADO, "ONE_STATEMENT_BOOKING": True}
    with pytest.raises(SlotFull):
        services.book_appointment(
            slot=stale, procedure=procedure, applicants=[applicant()], channel=Channel.WEB
        )
    assert not Appointment.objects.exists()
    assert Slot.objects.get(pk=slot.pk).booked == slot.capacity


def test_a_lapsed_hold_is_released_for_a_booking(slot, procedure, settings):
    """The one statement cannot release a lapsed hold; the general path does, and books."""
    settings.MICONSULADO = {**settings.MICONSULADO, "ONE_STATEMENT_BOOKING": True}
    earlier = timezone.now() - dt.timedelta(hours=1)
    services.hold_slot(slot=slot, procedure=procedure, places=2, channel=Channel.WEB, now=earlier)
    fresh = Slot.objects.select_related("office").get(pk=slot.pk)
    appointment = services.book_appointment(
        slot=fresh, procedure=procedure, applicants=[applicant()], channel=Channel.WEB
    ).appointment
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert Slot.objects.get(pk=slot.pk).booked == 1


def test_a_taken_curp_is_named_and_nothing_is_written(slot, window, procedure, settings):
    settings.MICONSULADO = {**settings.MICONSULADO, "ONE_STATEMENT_BOOKING": True}
    person = applicant()
    services.book_appointment(slot=slot, procedure=procedure, applicants=[person], channel=Channel.WEB)
    other = make_slot(window, capacity=3)
    with pytest.raises(CurpAlreadyBooked) as refused:
        services.book_appointment(
            slot=other, procedure=procedure, applicants=[applicant(), person], channel=Channel.WEB
        )
    assert list(refused.value.errors) == ["applicants.1.curp"]
    assert Slot.objects.get(pk=other.pk).booked == 0
    assert Appointment.objects.count() == 1
