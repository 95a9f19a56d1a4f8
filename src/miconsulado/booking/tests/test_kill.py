"""A booking process killed (SIGKILL, no clean-up of any kind) in the middle of its writes: the
database keeps nothing half-done, and the place can be booked at once."""

import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest
from django.db import connection

from miconsulado.booking import services
from miconsulado.booking.models import Applicant, Appointment, AppointmentEvent
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant, assert_nothing_booked, make_curp

pytestmark = pytest.mark.django_db(transaction=True)  # the child must see the rows: commit them

# The child books through the real service on the test database. With "general", it takes the
# general path and hangs once every row of the booking is written inside its open transaction,
# for the parent to kill it there; with "one", it sends the one statement (PostgreSQL).
CHILD = """
import sys, time
import django
django.setup()
from django.conf import settings
from django.db import connections
marker, slot_id, database, path, curp = sys.argv[1:6]
connections["default"].settings_dict["NAME"] = database
settings.MICONSULADO["ONE_STATEMENT_BOOKING"] = path == "one"
from miconsulado.booking import services
from miconsulado.catalog.models import Procedure
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant

take_places = services._take_places

def take_then_hang(slot, places):
    take_places(slot, places)
    open(marker, "w").close()
    time.sleep(120)

services._take_places = take_then_hang
slot = Slot.objects.select_related("office").get(pk=int(slot_id))
procedure = Procedure.objects.get(code="matricula")
open(marker + ".started", "w").close()
services.book_appointment(slot=slot, procedure=procedure, applicants=[applicant(curp=curp)], channel=Channel.WEB)
"""


def start_child(marker, slot, path: str, curp: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 (our own script, our own interpreter)
        [
            sys.executable,
            "-c",
            CHILD,
            str(marker),
            str(slot.pk),
            connection.settings_dict["NAME"],
            path,
            curp,
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "miconsulado.test_settings"},
    )


def kill(child: subprocess.Popen[bytes]) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL


def wait_for(condition, child: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert child.poll() is None, f"the booking process ended before {what}"
        assert time.monotonic() < deadline, f"the booking process never got to {what}"
        time.sleep(0.05)


def the_place_goes_to_the_next_person(slot, procedure) -> None:
    """Nothing left locked either."""
    services.book_appointment(slot=slot, procedure=procedure, applicants=[applicant()], channel=Channel.WEB)
    slot.refresh_from_db()
    assert slot.booked == Appointment.objects.count()


def test_a_killed_booking_leaves_nothing(slot, procedure, tmp_path):
    marker = tmp_path / "all-written"
    child = start_child(marker, slot, "general", make_curp())
    try:
        wait_for(marker.exists, child, "its last write")
    finally:
        kill(child)

    assert_nothing_booked(slot)
    the_place_goes_to_the_next_person(slot, procedure)
    assert slot.booked == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one statement is PostgreSQL's")
def test_a_booking_killed_inside_its_one_statement_is_all_or_nothing(slot, procedure, tmp_path):
    """The statement is held up half-way (its UPDATE and appointment INSERT done, the applicant's
    INSERT waiting on another transaction that wrote the same CURP), and the client is killed.
    Whatever the server then does with the statement, it does all of it or none of it."""
    marker = tmp_path / "child"
    curp = make_curp()
    dsn = {
        k: v
        for k, v in connection.get_connection_params().items()
        if k in {"dbname", "user", "host", "port", "password"}
    }
    with psycopg.connect(**dsn) as blocker:
        # Uncommitted: the unique index makes the child's INSERT of that CURP wait for this
        # transaction (the foreign key is checked at COMMIT, which never comes).
        blocker.execute(
            "INSERT INTO booking_applicant (appointment_id, procedure_id, curp, given_names, first_surname,"
            " second_surname, birth_date, sex, email, phone, position, active)"
            " VALUES (0, %s, %s, 'X', 'Y', '', '1985-04-12', 'H', '', '', 0, true)",
            [procedure.pk, curp],
        )
        child = start_child(marker, slot, "one", curp)
        try:
            wait_for(lambda: os.path.exists(f"{marker}.started"), child, "its booking")

            def waiting() -> bool:
                # The child's only write is the statement; waiting on another transaction, it is
                # at the applicants' INSERT (pg_stat_activity's query text can lag behind).
                row = blocker.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock' AND wait_event = 'transactionid'"
                ).fetchone()
                return bool(row and row[0])

            wait_for(waiting, child, "the middle of its statement")
        finally:
            kill(child)
        blocker.rollback()  # the held-up statement may now go on, or end with its client gone

    deadline = time.monotonic() + 30
    while True:  # until the statement's backend is done, one way or the other
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND (state = 'active' OR wait_event_type = 'Lock')"
            )
            (busy,) = cursor.fetchone()
        if not busy or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    slot.refresh_from_db()
    booked = Appointment.objects.count()
    assert slot.booked == booked in (0, 1)
    assert Applicant.objects.count() == AppointmentEvent.objects.count() == booked
    the_place_goes_to_the_next_person(slot, procedure)
