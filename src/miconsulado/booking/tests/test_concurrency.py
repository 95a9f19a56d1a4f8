"""Races decided by the database, with real concurrent connections (threads, one connection each),
through the booking service and through the HTTP API (201 or 409, nothing else).

PostgreSQL allows 100 connections on the test machines, so at most 60 clients hold a connection at
once; all 200 are started together and compete for the same rows.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from miconsulado.accounts.models import Role
from miconsulado.accounts.tests.factories import make_user
from miconsulado.booking import services
from miconsulado.booking.errors import CurpAlreadyBooked, SlotFull
from miconsulado.booking.models import Applicant, Appointment
from miconsulado.booking.tests.api_support import person
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
            except (
                SlotFull,
                CurpAlreadyBooked,
            ) as exc:  # the expected refusals; anything else fails the test
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
        ).appointment

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
        ).appointment

    outcomes = race(book, 40)
    assert outcomes.count("Appointment") == 1
    assert outcomes.count("CurpAlreadyBooked") == 39
    assert Applicant.objects.filter(curp=person.curp, active=True).count() == 1
    assert sum(Slot.objects.filter(pk__in=[s.pk for s in slots]).values_list("booked", flat=True)) == 1


def test_crossing_reschedules_keep_both_counts_right(db):
    office = make_office("race-office-3")
    procedure = make_procedure("race-proc-3")
    window = make_window(office, [procedure], desks=40)
    a, b = make_slot(window, capacity=40), make_slot(window, capacity=40)
    at_a = [
        services.book_appointment(
            slot=a, procedure=procedure, applicants=[applicant()], channel=Channel.WEB
        ).appointment
        for _ in range(15)
    ]
    at_b = [
        services.book_appointment(
            slot=b, procedure=procedure, applicants=[applicant()], channel=Channel.WEB
        ).appointment
        for _ in range(15)
    ]
    moves = [(appt, b) for appt in at_a] + [(appt, a) for appt in at_b]

    def move(i):
        appointment, target = moves[i]
        fresh = Slot.objects.select_related("office", "window").get(pk=target.pk)
        return services.reschedule_appointment(
            appointment=Appointment.objects.get(pk=appointment.pk), new_slot=fresh, channel=Channel.PHONE
        )

    outcomes = race(move, len(moves))
    assert outcomes.count("Appointment") == 30
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.booked, b.booked) == (15, 15)


def _http_race(bodies):
    """POST each body to the API from its own thread (the race harness above); the answers."""
    answers = [None] * len(bodies)

    def post(i):
        response = Client().post("/api/v1/appointments", bodies[i], content_type="application/json")
        answers[i] = (response.status_code, response.json()["code"])

    race(post, len(bodies))
    return answers


def test_200_http_clients_for_the_last_10_places(setup):
    _procedure, slot = setup
    start = slot.start.isoformat()
    bodies = [
        {"office": "race-office", "procedure": "race-proc", "start": start, "applicants": [person()]}
        for _ in range(CLIENTS)
    ]
    answers = _http_race(bodies)
    assert sum(1 for status, _ in answers if status == 201) == 10
    assert sorted({a for a in answers if a[0] != 201}) == [(409, "slot_full")]
    slot.refresh_from_db()
    assert slot.booked == 10
    assert Appointment.objects.filter(slot=slot, status="confirmed").count() == 10


def test_same_curp_racing_itself_over_http_gets_one_appointment(setup):
    _procedure, slot = setup
    Slot.objects.filter(pk=slot.pk).update(capacity=50)
    body = {
        "office": "race-office",
        "procedure": "race-proc",
        "start": slot.start.isoformat(),
        "applicants": [person()],
    }
    answers = _http_race([body] * 40)
    assert sum(1 for status, _ in answers if status == 201) == 1
    assert sorted({a for a in answers if a[0] != 201}) == [(409, "curp_already_booked")]
    assert Slot.objects.get(pk=slot.pk).booked == 1


def test_retries_racing_under_one_key_get_their_own_callers_appointment(setup):
    """Two agents' clients each retry at once under the same key: one appointment per agent, and
    every retry answered with its own agent's (never the other's, never an error)."""
    procedure, slot = setup
    agents = [make_user(Role.AGENT), make_user(Role.AGENT)]
    people = [applicant(), applicant()]
    answers = {}

    def book(i):
        fresh = Slot.objects.select_related("office", "window").get(pk=slot.pk)
        appointment = services.book_appointment(
            slot=fresh,
            procedure=procedure,
            applicants=[people[i % 2]],
            channel=Channel.PHONE,
            actor=agents[i % 2],
            idempotency_key="the-same-key",
            fingerprint="the-same-body",
        ).appointment
        answers[i] = appointment.pk
        return appointment

    outcomes = race(book, 20)
    assert outcomes == ["Appointment"] * 20
    mine = {
        agent.pk: Appointment.objects.get(created_by=agent, idempotency_key="the-same-key").pk
        for agent in agents
    }
    assert all(answers[i] == mine[agents[i % 2].pk] for i in range(20))
    slot.refresh_from_db()
    assert slot.booked == 2
