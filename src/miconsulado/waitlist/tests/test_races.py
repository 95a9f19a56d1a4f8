"""The waitlist under concurrency, on SQLite and PostgreSQL, with real connections (threads, one
connection each): two places freed at once and three people waiting make exactly two offers, to the
first two, however many offer runs cross; an offer accepted at the moment it expires is either
booked or offered to the next, never both."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection

from miconsulado.booking import services as booking
from miconsulado.booking.models import Appointment, AppointmentStatus
from miconsulado.booking.tests.lock_support import WAIT, waiting_on_locks
from miconsulado.core import events
from miconsulado.core.channels import Channel
from miconsulado.testing import make_office, make_procedure, make_slot, make_window
from miconsulado.waitlist import services
from miconsulado.waitlist.models import EntryState, OfferState, WaitlistEntry, WaitlistOffer
from miconsulado.waitlist.tests.support import book, join

pytestmark = pytest.mark.django_db(transaction=True)

RUNS = 8


def crossing(fn, n):
    """fn(i) for i in range(n), on n threads released together, each on its own connection."""
    gate = threading.Barrier(n)

    def run(i):
        try:
            gate.wait(timeout=WAIT)
            return fn(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=n) as pool:
        outcomes = list(pool.map(run, range(n)))
    close_old_connections()
    return outcomes


@pytest.fixture
def line():
    office = make_office("wl-race")
    procedure = make_procedure("wl-race-proc")
    slot = make_slot(make_window(office, [procedure], desks=3), capacity=3)
    return office, procedure, slot


def test_two_places_freed_at_once_three_waiting_exactly_two_offers_to_the_first_two(line):
    office, procedure, slot = line
    taken = [book(slot, procedure) for _ in range(3)]
    people = [join(office, procedure, minutes_ago=30 - i) for i in range(3)]
    for appointment in taken[:2]:
        booking.cancel_appointment(appointment=appointment, channel=Channel.WEB)
    # Each freed place's event delivered by a worker of its own, and the sweep besides, all at once.
    freed = {
        "slot": slot.pk,
        "office": office.code,
        "procedure": procedure.code,
        "slot_start": "",
        "channel": "web",
        "places": 1,
        "appointment": "",
    }

    def offer(i):
        if i % 2:
            return len(services.offer_freed_places())
        events.deliver("booking.places_freed", {**freed, "appointment": taken[i % 2].code})
        return None

    crossing(offer, RUNS)
    offers = WaitlistOffer.objects.filter(state=OfferState.OFFERED)
    assert sorted(o.entry_id for o in offers) == [people[0].pk, people[1].pk]
    assert WaitlistEntry.objects.get(pk=people[2].pk).state == EntryState.WAITING
    slot.refresh_from_db()
    assert slot.booked == 3
    assert Appointment.objects.filter(slot=slot, status=AppointmentStatus.HELD).count() == 2


def _one_offer(line):
    office, procedure, slot = line
    for _ in range(2):
        book(slot, procedure)
    first = join(office, procedure, minutes_ago=10)
    second = join(office, procedure, minutes_ago=5)
    (offer,) = services.offer_freed_places(slot_id=slot.pk)
    return slot, first, second, offer


def _booked_xor_passed_on(slot, first, second, offer):
    """Either the first person is booked and nobody else is offered the place, or their offer
    expired and the second holds it: never both."""
    services.offer_freed_places(slot_id=slot.pk, now=offer.expires_at)  # what the worker runs next
    offer.refresh_from_db()
    first.refresh_from_db()
    hold = Appointment.objects.get(pk=offer.hold_id)
    passed = WaitlistOffer.objects.filter(entry=second, state=OfferState.OFFERED).exists()
    slot.refresh_from_db()
    assert slot.booked == 3
    if offer.state == OfferState.ACCEPTED:
        assert (first.state, hold.status, passed) == (EntryState.BOOKED, AppointmentStatus.CONFIRMED, False)
    else:
        assert offer.state == OfferState.EXPIRED
        assert (first.state, hold.status, passed) == (EntryState.EXPIRED, AppointmentStatus.EXPIRED, True)
    return offer.state


def test_accept_at_the_moment_of_expiry_is_booked_or_passed_on_never_both(line):
    slot, first, second, offer = _one_offer(line)
    moment = offer.expires_at
    just_before = moment - __import__("datetime").timedelta(microseconds=1)

    def answer(i):
        try:
            if i == 0:
                services.accept(offer=offer, channel=Channel.WEB, contact_proven=True, now=just_before)
                return "accepted"
            return "expired" if services.expire_offer(offer_id=offer.pk, now=moment) else "nothing"
        except Exception as exc:  # the refusal is an outcome here
            return type(exc).__name__

    outcomes = crossing(answer, 2)
    state = _booked_xor_passed_on(slot, first, second, offer)
    assert outcomes == (
        ["accepted", "nothing"] if state == OfferState.ACCEPTED else ["OfferExpired", "expired"]
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="rows locked by concurrent writers")
@pytest.mark.parametrize("first_in", ["accept", "expire"])
def test_accept_and_expiry_crossing_on_the_offer_row(line, monkeypatch, first_in):
    """Forced order: one holds the offer's row, the other waits for it, then finds it answered."""
    slot, first, second, offer = _one_offer(line)
    moment = offer.expires_at
    just_before = moment - __import__("datetime").timedelta(microseconds=1)
    locked, go_on = threading.Event(), threading.Event()
    expire_hold = booking.expire_hold
    confirm = booking.confirm_appointment

    def pausing(fn):
        def wrapped(**kw):
            result = fn(**kw)
            locked.set()  # inside the transaction, the offer's row locked
            assert go_on.wait(WAIT)
            return result

        return wrapped

    if first_in == "accept":
        monkeypatch.setattr(booking, "confirm_appointment", pausing(confirm))
    else:
        monkeypatch.setattr(booking, "expire_hold", pausing(expire_hold))

    def accept():
        try:
            services.accept(offer=offer, channel=Channel.WEB, contact_proven=True, now=just_before)
            return "accepted"
        except Exception as exc:
            return type(exc).__name__
        finally:
            connection.close()

    def expire():
        try:
            return "expired" if services.expire_offer(offer_id=offer.pk, now=moment) else "nothing"
        finally:
            connection.close()

    first_fn, second_fn = (accept, expire) if first_in == "accept" else (expire, accept)
    with ThreadPoolExecutor(max_workers=2) as pool:
        one = pool.submit(first_fn)
        assert locked.wait(WAIT)
        two = pool.submit(second_fn)
        import time

        deadline = time.monotonic() + WAIT
        while waiting_on_locks() < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert waiting_on_locks() >= 1
        go_on.set()
        outcomes = [one.result(WAIT), two.result(WAIT)]
    close_old_connections()
    state = _booked_xor_passed_on(slot, first, second, offer)
    if first_in == "accept":
        assert (outcomes, state) == (["accepted", "nothing"], OfferState.ACCEPTED)
    else:
        assert (outcomes, state) == (["expired", "OfferExpired"], OfferState.EXPIRED)


def test_public_bookings_racing_a_cancellation_never_take_the_place_held_for_the_line(line):
    """While one person waits, a cancellation crossed by bookings hammering the full slot: the freed
    place is held for the line in the cancellation's own transaction, so every booking is refused,
    before, during and after it."""
    office, procedure, slot = line
    taken = [book(slot, procedure) for _ in range(3)]
    join(office, procedure)
    done = threading.Event()

    def run(i):
        if i == 0:
            booking.cancel_appointment(appointment=taken[0], channel=Channel.WEB)
            done.set()
            return "cancelled"
        outcomes = set()
        for _ in range(50):
            try:
                book(slot, procedure)
                outcomes.add("booked")
            except Exception as exc:  # the refusal is the outcome here
                outcomes.add(type(exc).__name__)
            if done.is_set():
                break
        return outcomes

    outcomes = crossing(run, 5)
    assert outcomes[0] == "cancelled"
    assert all(o == {"SlotFull"} for o in outcomes[1:]), outcomes
    slot.refresh_from_db()
    assert (slot.booked, slot.line_held) == (3, 1)
    assert len(services.offer_freed_places(slot_id=slot.pk)) == 1
    slot.refresh_from_db()
    assert (slot.booked, slot.line_held) == (3, 0)
