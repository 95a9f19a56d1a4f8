"""A place given back while people wait for it is held for the line in the freeing transaction: no
availability read and no public booking sees it free, not even before the offer task runs. With
nobody waiting it is free at once; what nobody in line can take goes back to everybody; a declined
or lapsed offer passes its place to the next person without it ever being free. Decision 0010."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from miconsulado.booking import services as booking
from miconsulado.booking.errors import SlotFull
from miconsulado.booking.models import AppointmentStatus
from miconsulado.booking.tests.api_support import booking as booking_body
from miconsulado.booking.tests.api_support import local_start
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot
from miconsulado.scheduling.selectors import availability_version, open_slots
from miconsulado.scheduling.services import generate_slots
from miconsulado.testing import applicant, make_slot
from miconsulado.waitlist import services
from miconsulado.waitlist.models import EntryState, OfferState, WaitlistOffer
from miconsulado.waitlist.tests.support import book, committing, deliver_queued, fill, join

pytestmark = pytest.mark.django_db


def _state(slot):
    fresh = Slot.objects.get(pk=slot.pk)
    return fresh.booked, fresh.line_held


def _publicly_free(office, procedure, slot) -> bool:
    return any(s.id == slot.pk for s in open_slots(office=office, procedure=procedure))


def _shown_by_the_api(office, procedure, slot) -> bool:
    """The public availability API (cached answers included) lists the slot's time."""
    day = slot.start.astimezone(dt.UTC).date()
    response = Client().get(
        f"/api/v1/offices/{office.code}/availability",
        {
            "procedure": procedure.code,
            "from": (day - dt.timedelta(days=1)).isoformat(),
            "to": (day + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200, response.content
    return any(dt.datetime.fromisoformat(s["start"]) == slot.start for s in response.json()["slots"])


def test_with_someone_waiting_a_cancelled_place_is_not_free_before_any_task_runs(office, procedure, slot):
    taken = fill(slot, procedure)
    waiting = join(office, procedure)
    assert not _shown_by_the_api(office, procedure, slot)  # full, and the answer is cached
    with committing():
        booking.cancel_appointment(appointment=taken[0], channel=Channel.WEB)
    assert not WaitlistOffer.objects.exists()  # no task has run
    assert _state(slot) == (2, 1)  # still taken, held for the line
    assert not _publicly_free(office, procedure, slot)
    assert not _shown_by_the_api(office, procedure, slot)
    # A public booking of the slot, by the service and by the API, is refused as full.
    with pytest.raises(SlotFull):
        book(slot, procedure)
    response = Client().post(
        "/api/v1/appointments",
        booking_body(slot, procedure.code, start=local_start(slot, office)),
        content_type="application/json",
    )
    assert response.status_code == 409, response.content
    # The task offers it to the person waiting; nothing was ever free.
    deliver_queued()
    offer = WaitlistOffer.objects.get()
    assert offer.entry == waiting and offer.hold.status == AppointmentStatus.HELD
    assert _state(slot) == (2, 0)


def test_with_nobody_waiting_the_place_is_free_at_once(office, procedure, slot):
    taken = fill(slot, procedure)
    assert not _shown_by_the_api(office, procedure, slot)
    version = availability_version(office.pk)
    booking.cancel_appointment(appointment=taken[0], channel=Channel.WEB)
    assert _state(slot) == (1, 0)
    assert _publicly_free(office, procedure, slot)
    assert _shown_by_the_api(office, procedure, slot)
    assert availability_version(office.pk) > version  # caches see it
    book(slot, procedure)


def test_someone_waiting_for_other_dates_or_procedures_does_not_hold_it(office, procedure, slot):
    day = slot.start.astimezone(dt.UTC).date()
    taken = fill(slot, procedure)
    join(office, procedure, date_from=day + dt.timedelta(days=3))
    join(office, procedure, date_to=day - dt.timedelta(days=3))
    booking.cancel_appointment(appointment=taken[0], channel=Channel.WEB)
    assert _state(slot) == (1, 0)


def test_the_line_holds_no_more_places_than_people_wait(office, procedure, slot):
    taken = fill(slot, procedure)
    join(office, procedure)
    for appointment in taken:
        booking.cancel_appointment(appointment=appointment, channel=Channel.WEB)
    assert _state(slot) == (1, 1)  # one for the one person waiting; the other is free


def test_a_place_nobody_in_line_can_take_goes_back_to_everybody(office, procedure, slot):
    taken = fill(slot, procedure)
    entry = join(office, procedure)
    assert not _shown_by_the_api(office, procedure, slot)
    booking.cancel_appointment(appointment=taken[0], channel=Channel.WEB)
    assert _state(slot) == (2, 1)
    services.leave(entry=entry, channel=Channel.WEB)
    version = availability_version(office.pk)
    assert services.offer_freed_places() == []  # the sweep
    assert _state(slot) == (1, 0)
    assert availability_version(office.pk) > version
    assert _publicly_free(office, procedure, slot)
    assert _shown_by_the_api(office, procedure, slot)


def test_a_place_too_late_to_offer_goes_back_to_everybody(office, procedure, window):
    soon = make_slot(window, start=timezone.now() + dt.timedelta(hours=26), capacity=1)
    (taken,) = fill(soon, procedure)
    join(office, procedure)
    booking.cancel_appointment(appointment=taken, channel=Channel.WEB, force=True)
    assert _state(soon) == (1, 1)
    # The lead time (2 h) has come: no offer can be made any more.
    assert services.offer_freed_places(slot_id=soon.pk, now=soon.start - dt.timedelta(hours=1)) == []
    assert _state(soon) == (0, 0)


def test_one_waiting_two_slots_freed_one_offered_the_other_given_back(office, procedure, window, slot):
    other = make_slot(window, days_ahead=8)
    taken = fill(slot, procedure) + fill(other, procedure)
    join(office, procedure)
    booking.cancel_appointment(appointment=taken[0], channel=Channel.WEB)
    booking.cancel_appointment(appointment=taken[2], channel=Channel.WEB)
    assert _state(slot) == (2, 1) and _state(other) == (2, 1)  # held for the one person, in both
    (offer,) = services.offer_freed_places()
    assert offer.slot_id == slot.pk  # the earliest
    assert _state(slot) == (2, 0) and _state(other) == (1, 0)


def test_a_declined_offer_passes_to_the_next_without_being_free(office, procedure, slot):
    fill(slot, procedure)
    first = join(office, procedure, minutes_ago=10)
    second = join(office, procedure, minutes_ago=5)
    taken = slot.appointments.filter(status=AppointmentStatus.CONFIRMED).first()
    booking.cancel_appointment(appointment=taken, channel=Channel.WEB)
    (offer,) = services.offer_freed_places(slot_id=slot.pk)
    assert offer.entry == first
    with committing():
        services.decline(offer=offer, channel=Channel.WEB)
    assert _state(slot) == (2, 1)  # held for the second, before any task
    assert not _publicly_free(office, procedure, slot)
    with pytest.raises(SlotFull):
        book(slot, procedure)
    deliver_queued()
    passed = WaitlistOffer.objects.get(state=OfferState.OFFERED)
    assert passed.entry == second
    assert _state(slot) == (2, 0)


def test_a_lapsed_offer_passes_to_the_next_without_being_free(office, procedure, slot):
    taken = fill(slot, procedure)
    join(office, procedure, minutes_ago=10)
    second = join(office, procedure, minutes_ago=5)
    booking.cancel_appointment(appointment=taken[0], channel=Channel.WEB)
    (offer,) = services.offer_freed_places(slot_id=slot.pk)
    assert services.expire_offer(offer_id=offer.pk, now=offer.expires_at)
    assert _state(slot) == (2, 1)
    (passed,) = services.offer_freed_places(slot_id=slot.pk, now=offer.expires_at)
    assert passed.entry == second


def test_the_last_offer_declined_frees_the_place_for_everybody(office, procedure, slot):
    taken = fill(slot, procedure)
    join(office, procedure)
    booking.cancel_appointment(appointment=taken[0], channel=Channel.WEB)
    (offer,) = services.offer_freed_places(slot_id=slot.pk)
    services.decline(offer=offer, channel=Channel.WEB)  # they wait on, but not for this slot
    assert _state(slot) == (1, 0)
    assert _publicly_free(office, procedure, slot)


def test_an_expired_hold_a_reschedule_away_and_spare_places_are_held_for_the_line(office, procedure, window):
    join(office, procedure, minutes_ago=30)
    join(office, procedure, minutes_ago=20)
    join(office, procedure, minutes_ago=10)
    # A hold that lapses.
    a = make_slot(window, days_ahead=5, capacity=1)
    hold = booking.hold_slot(slot=Slot.objects.get(pk=a.pk), procedure=procedure, channel=Channel.WEB)
    assert booking.release_expired_holds(now=hold.hold_expires_at) == 1
    assert _state(a) == (1, 1)
    # A reschedule away.
    b = make_slot(window, days_ahead=6, capacity=1)
    c = make_slot(window, days_ahead=9, capacity=1)
    (moved,) = fill(b, procedure)
    booking.reschedule_appointment(appointment=moved, new_slot=Slot.objects.get(pk=c.pk), channel=Channel.WEB)
    assert _state(b) == (1, 1) and _state(c) == (1, 0)
    # A hold of two confirmed for one person.
    d = make_slot(window, days_ahead=10, capacity=2)
    two = booking.hold_slot(
        slot=Slot.objects.get(pk=d.pk), procedure=procedure, places=2, channel=Channel.WEB
    )
    booking.confirm_appointment(
        appointment=two, applicants=[applicant()], channel=Channel.WEB, contact_proven=True
    )
    assert _state(d) == (2, 1)


def test_a_lapsed_hold_released_by_a_public_booking_goes_to_the_line(office, procedure, window):
    slot = make_slot(window, capacity=1)
    hold = booking.hold_slot(slot=Slot.objects.get(pk=slot.pk), procedure=procedure, channel=Channel.WEB)
    join(office, procedure)
    later = hold.hold_expires_at + dt.timedelta(seconds=1)
    with pytest.raises(SlotFull):
        booking.book_appointment(
            slot=Slot.objects.select_related("office").get(pk=slot.pk),
            procedure=procedure,
            applicants=[applicant()],
            channel=Channel.WEB,
            now=later,
        )
    # The booking's transaction rolled back; the place is released, for the line, by the worker.
    booking.release_expired_holds(now=later)
    assert _state(slot) == (1, 1)


def test_a_regenerated_schedule_drops_line_places_instead_of_marking_a_conflict(office, procedure, slot):
    taken = fill(slot, procedure)
    join(office, procedure)
    for appointment in taken:
        booking.cancel_appointment(appointment=appointment, channel=Channel.WEB)
    assert _state(slot) == (1, 1)
    # The office has no opening hours: the schedule no longer produces the slot.
    day = slot.start.astimezone(dt.UTC).date()
    report = generate_slots(office=office, start=day - dt.timedelta(days=1), end=day + dt.timedelta(days=1))
    assert not report.conflicts
    fresh = Slot.objects.get(pk=slot.pk)  # the cancelled appointments still point at it
    assert (fresh.withdrawn, fresh.conflict, fresh.booked, fresh.line_held) == (True, False, 0, 0)


def test_entries_booked_meanwhile_do_not_keep_a_place_held(office, procedure, slot):
    taken = fill(slot, procedure)
    person = applicant()
    entry = join(office, procedure, person)
    booking.cancel_appointment(appointment=taken[0], channel=Channel.WEB)
    assert _state(slot) == (2, 1)
    # They booked elsewhere by themselves (another slot of the procedure).
    other = make_slot(slot.window, days_ahead=12)
    book(other, procedure, person)
    assert services.offer_freed_places(slot_id=slot.pk) == []
    assert _state(slot) == (1, 0)
    entry.refresh_from_db()
    assert entry.state == EntryState.WAITING
