"""Two family bookings with the same people in opposite order (X, Z, Y and Y, Z, X), while a third
transaction holds Z and then rolls back (a booking that found its slot full after writing its people).

Taken in the order the people were given, each booking writes its first CURP and waits for the third
at Z; once the third is gone, one of them takes Z and goes on to the other's first CURP, while the
other waits for Z: each waits for the other, a deadlock,
which PostgreSQL breaks by failing one of them (a 500). Taken in CURP order, as decision 0001 has
it, the second waits for the first and then is refused: one appointment, one clean
`curp_already_booked`, on the one-statement path as on the general one. Real connections, one
thread each; PostgreSQL only (SQLite lets one writer in at a time: nothing crosses there).
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client

from miconsulado.booking import services
from miconsulado.booking.errors import CurpAlreadyBooked
from miconsulado.booking.models import Applicant, Appointment, AppointmentStatus
from miconsulado.booking.tests.api_support import person
from miconsulado.booking.tests.lock_support import WAIT, waiting_on_locks
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant, make_office, make_procedure, make_slot, make_window

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="rows locked by concurrent writers"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def family_setup():
    office = make_office("crossing-office")
    procedure = make_procedure("crossing-proc", max_persons=4)
    window = make_window(office, [procedure], desks=4)
    return procedure, [make_slot(window, capacity=4) for _ in range(3)]


def _crossing(procedure, slot, curps, attempts):
    """Hold `curps` in a transaction of a third connection until both `attempts` wait on it,
    then roll it back; the attempts' outcomes (a name each)."""
    held, release = threading.Event(), threading.Event()

    def third():
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    code="HOLDER",
                    office=slot.office,
                    procedure=procedure,
                    slot=slot,
                    places=len(curps),
                    status=AppointmentStatus.HELD,
                    hold_expires_at=slot.start,
                    channel=Channel.WEB,
                )
                for position, curp in enumerate(curps):
                    data = applicant(curp=curp)
                    Applicant.objects.create(
                        appointment=appointment,
                        procedure=procedure,
                        position=position,
                        curp=curp,
                        given_names=data.given_names,
                        first_surname=data.first_surname,
                        birth_date=data.birth_date,
                        sex=curp[10],
                    )
                held.set()
                assert release.wait(WAIT)
                raise _RolledBack()
        except _RolledBack:
            return "rolled back"
        finally:
            connection.close()

    def attempt(fn):
        assert held.wait(WAIT)
        try:
            return fn()
        except CurpAlreadyBooked:
            return "CurpAlreadyBooked"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1 + len(attempts)) as pool:
        holder = pool.submit(third)
        futures = [pool.submit(attempt, fn) for fn in attempts]
        deadline = time.monotonic() + WAIT
        while waiting_on_locks() < len(attempts):
            assert time.monotonic() < deadline, "the bookings never waited on the third transaction"
            time.sleep(0.02)
        release.set()
        assert holder.result() == "rolled back"
        return [f.result() for f in futures]


def _families():
    """Three people, in opposite orders; the one in the middle is the one the third holds."""
    people = [applicant() for _ in range(3)]
    return people, people[::-1], people[1].curp


@pytest.mark.parametrize("one_statement", [True, False], ids=["one-statement", "general"])
def test_crossing_families_get_one_appointment_and_a_clean_refusal(family_setup, settings, one_statement):
    settings.MICONSULADO = {**settings.MICONSULADO, "ONE_STATEMENT_BOOKING": one_statement}
    procedure, slots = family_setup
    first, second, held = _families()

    def book(slot, people):
        def run():
            fresh = Slot.objects.select_related("office", "window").get(pk=slot.pk)
            appointment = services.book_appointment(
                slot=fresh, procedure=procedure, applicants=people, channel=Channel.WEB
            ).appointment
            return type(appointment).__name__

        return run

    outcomes = _crossing(procedure, slots[2], [held], [book(slots[0], first), book(slots[1], second)])
    assert sorted(outcomes) == ["Appointment", "CurpAlreadyBooked"]
    assert Applicant.objects.filter(active=True).count() == 3
    booked = Slot.objects.filter(pk__in=[s.pk for s in slots]).values_list("booked", flat=True)
    assert sorted(booked) == [0, 0, 3]


@pytest.mark.parametrize("one_statement", [True, False], ids=["one-statement", "general"])
def test_crossing_families_over_http_get_201_and_409(family_setup, settings, one_statement):
    settings.MICONSULADO = {**settings.MICONSULADO, "ONE_STATEMENT_BOOKING": one_statement}
    procedure, slots = family_setup
    people = [person() for _ in range(3)]

    def post(slot, people):
        def run():
            body = {
                "office": "crossing-office",
                "procedure": "crossing-proc",
                "start": slot.start.isoformat(),
                "applicants": people,
            }
            response = Client(raise_request_exception=False).post(
                "/api/v1/appointments", body, content_type="application/json"
            )
            code = response.json()["code"] if response.status_code != 201 else "created"
            return (response.status_code, code)

        return run

    held = [people[1]["curp"]]
    outcomes = _crossing(procedure, slots[2], held, [post(slots[0], people), post(slots[1], people[::-1])])
    assert sorted(outcomes) == [(201, "created"), (409, "curp_already_booked")]


class _RolledBack(Exception):
    pass


def _deadlock_on(prefix, times=1):
    """An execute wrapper: the first `times` statements starting with `prefix` fail as PostgreSQL
    fails a deadlock's victim (SQLSTATE 40P01, through the driver and Django's error wrapper)."""
    left = [times]

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().startswith(prefix) and left[0]:
            left[0] -= 1
            return execute(
                "DO $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = '40P01'; END $$", None, many, context
            )
        return execute(sql, params, many, context)

    return wrapper


@pytest.mark.parametrize("one_statement", [True, False], ids=["one-statement", "general"])
def test_a_deadlock_victim_is_booked_after_all(family_setup, settings, one_statement):
    """The one statement, failed to break a deadlock, leaves the booking to the general path; the
    general path's transaction, failed the same way, runs once more."""
    settings.MICONSULADO = {**settings.MICONSULADO, "ONE_STATEMENT_BOOKING": one_statement}
    procedure, slots = family_setup
    prefix = "WITH taken" if one_statement else 'INSERT INTO "booking_applicant"'
    with connection.execute_wrapper(_deadlock_on(prefix)):
        appointment = services.book_appointment(
            slot=slots[0], procedure=procedure, applicants=[applicant(), applicant()], channel=Channel.WEB
        ).appointment
    assert appointment.applicants.count() == 2
    slots[0].refresh_from_db()
    assert slots[0].booked == 2


def test_a_general_path_lost_twice_to_deadlocks_fails(family_setup, settings):
    settings.MICONSULADO = {**settings.MICONSULADO, "ONE_STATEMENT_BOOKING": False}
    procedure, slots = family_setup
    with (
        connection.execute_wrapper(_deadlock_on('INSERT INTO "booking_applicant"', times=2)),
        pytest.raises(OperationalError),
    ):
        services.book_appointment(
            slot=slots[0], procedure=procedure, applicants=[applicant()], channel=Channel.WEB
        )
    assert not Appointment.objects.exists()
