"""A hold confirmed for fewer people than it set aside (it gives the spare places back) while a
booking of one of its people in the same slot is under way.

The booking writes its people first and takes the slot's places last. A confirmation that gave its
spare places back first (locking the slot) and then wrote its people would wait for the booking's
CURP while the booking waited for the slot: a deadlock, which PostgreSQL breaks by failing one of
them (a 500 when it is the confirmation, which is not retried). Writing the people first, as a
booking does, the confirmation waits for the booking and is then refused cleanly. Real connections,
one thread each; PostgreSQL only (SQLite lets one writer in at a time).
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from miconsulado.booking import services
from miconsulado.booking.errors import CurpAlreadyBooked
from miconsulado.booking.models import Applicant
from miconsulado.booking.tests.lock_support import WAIT, waiting_on_locks
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant, make_office, make_procedure, make_slot, make_window

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="rows locked by concurrent writers"),
    pytest.mark.django_db(transaction=True),
]


def test_a_confirmation_crossing_a_booking_of_its_person_is_refused_cleanly(settings, monkeypatch):
    settings.MICONSULADO = {**settings.MICONSULADO, "ONE_STATEMENT_BOOKING": False}
    office = make_office("confirm-crossing")
    procedure = make_procedure("confirm-crossing-proc", max_persons=4)
    slot = make_slot(make_window(office, [procedure], desks=4), capacity=4)
    hold = services.hold_slot(slot=slot, procedure=procedure, places=2, channel=Channel.WEB)
    person = applicant()

    written, go_on = threading.Event(), threading.Event()
    take_places = services._take_places

    def take_places_after_the_signal(slot, places):
        if threading.current_thread().name.startswith("booking"):
            written.set()  # the booking's people are written, its transaction open
            assert go_on.wait(WAIT)
        return take_places(slot, places)

    monkeypatch.setattr(services, "_take_places", take_places_after_the_signal)

    def book():
        try:
            fresh = Slot.objects.select_related("office", "window").get(pk=slot.pk)
            services.book_appointment(
                slot=fresh, procedure=procedure, applicants=[person], channel=Channel.API
            )
            return "booked"
        except CurpAlreadyBooked:
            return "CurpAlreadyBooked"
        finally:
            connection.close()

    def confirm():
        assert written.wait(WAIT)
        try:
            services.confirm_appointment(
                contact_proven=True, appointment=hold, applicants=[person], channel=Channel.WEB
            )
            return "confirmed"
        except CurpAlreadyBooked:
            return "CurpAlreadyBooked"
        finally:
            connection.close()

    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="booking") as booking,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="confirming") as confirming,
    ):
        booked = booking.submit(book)
        confirmed = confirming.submit(confirm)
        deadline = time.monotonic() + WAIT
        while waiting_on_locks() < 1:  # the confirmation waits for the booking's CURP
            assert time.monotonic() < deadline, "the confirmation never waited on the booking"
            time.sleep(0.02)
        go_on.set()
        outcomes = (booked.result(), confirmed.result())

    assert outcomes == ("booked", "CurpAlreadyBooked")
    assert Applicant.objects.filter(curp=person.curp, active=True).count() == 1
    slot.refresh_from_db()
    assert slot.booked == 3  # the booking's place and the hold's two, still held
