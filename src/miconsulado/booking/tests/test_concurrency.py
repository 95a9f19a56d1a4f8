"""Races decided by the database, with real concurrent connections (threads, one connection each).

PostgreSQL allows 100 connections on the test machines, so at most 60 clients hold a connection at
once; all 200 are started together and compete for the same rows.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection

from miconsulado.booking import services
from miconsulado.booking.errors import CurpAlreadyBooked, SlotFull
from miconsulado.booking.models import Applicant, Appointment
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant, make_office, make_procedure, make_slot, make_window

CLIENTS = 200
MAX_CONNECTIONS = 60

pytestmark = pytest.mark.django_db(transaction=True)


def race(fn, n):
    """Run fn(i) for i in range(n) on many threads released together; returns outcomes by type."""
    gate = threading.Barrier(min(n, MAX_CONNECTIONS))  # all first-wave threads start at once
    seats = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def client(i):
        with seats:
            try:
                if i < MAX_CONNECTIONS:  # the first wave starts together; the rest follow at once
                    gate.wait(timeout=10)
                return type(fn(i)).__name__
            except (SlotFull, CurpAlreadyBooked) as exc:
                return type(exc).__name__
            finally:
                connection.close()

    with ThreadPoolExecutor(max_workers=n) as pool:
        outcomes = list(pool.map(client, range(n)))
    close_old_connections()
    return outcomes


@pytest.fixture
def setup():
    office = make_office("race-office")
    procedure = make_procedure("race-proc")
    window = make_window(office, [procedure], desks=10)
    return procedure, make_slot(window, capacity=10)


def test_200_clients_for_the_last_10_places(setup):
    procedure, slot = setup
    people = [applicant() for _ in range(CLIENTS)]

    def book(i):
        fresh = Slot.objects.select_related("office", "window").get(pk=slot.pk)
        return services.book_appointment(
            slot=fresh, procedure=procedure, applicants=[people[i]], channel=Channel.API
        )

    outcomes = race(book, CLIENTS)
    assert outcomes.count("Appointment") == 10
    assert outcomes.count("SlotFull") == CLIENTS - 10
    slot.refresh_from_db()
    assert slot.booked == 10
    assert Appointment.objects.filter(slot=slot, status="confirmed").count() == 10


def test_same_curp_racing_itself_gets_one_appointment(db):
    office = make_office("race-office-2")
    procedure = make_procedure("race-proc-2")
    window = make_window(office, [procedure], desks=50)
    slots = [make_slot(window, capacity=50) for _ in range(4)]
    person = applicant()

    def book(i):
        fresh = Slot.objects.select_related("office", "window").get(pk=slots[i % 4].pk)
        return services.book_appointment(
            slot=fresh, procedure=procedure, applicants=[person], channel=Channel.WEB
        )

    outcomes = race(book, 40)
    assert outcomes.count("Appointment") == 1
    assert outcomes.count("CurpAlreadyBooked") == 39
    assert Applicant.objects.filter(curp=person.curp, active=True).count() == 1
    assert sum(Slot.objects.filter(pk__in=[s.pk for s in slots]).values_list("booked", flat=True)) == 1
