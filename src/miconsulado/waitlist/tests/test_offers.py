"""Freed places go to the people waiting, first come first, held for them by the booking core; a
task does it (the PlacesFreed receiver), never the request that freed the place."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from miconsulado.booking import services as booking
from miconsulado.booking.models import AppointmentStatus
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot
from miconsulado.testing import make_procedure, make_slot, make_window
from miconsulado.waitlist import services
from miconsulado.waitlist.models import EntryState, OfferState, WaitlistOffer
from miconsulado.waitlist.tests.support import announced, committing, deliver_queued, fill, join

pytestmark = pytest.mark.django_db


def test_a_cancellation_offers_the_place_to_the_first_in_line_after_commit(office, procedure, slot):
    taken = fill(slot, procedure)
    second = join(office, procedure, minutes_ago=5)
    first = join(office, procedure, minutes_ago=10)
    with committing():
        booking.cancel_appointment(appointment=taken[0], channel=Channel.WEB)
    # The request that freed the place made no offer: its event is queued for the worker.
    assert not WaitlistOffer.objects.exists()
    deliver_queued()
    offer = WaitlistOffer.objects.get()
    assert offer.entry == first
    assert offer.hold.status == AppointmentStatus.HELD and offer.hold.slot_id == slot.pk
    assert offer.expires_at == offer.hold.hold_expires_at
    slot.refresh_from_db()
    assert slot.booked == slot.capacity  # held for the line: not free to everybody else
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (EntryState.OFFERED, EntryState.WAITING)
    (made,) = announced("waitlist.offer_made")
    assert made["entry"] == str(first.public_id) and made["slot"] == slot.pk


def test_a_second_delivery_of_the_event_makes_no_second_offer(office, procedure, slot):
    taken = fill(slot, procedure)
    join(office, procedure, minutes_ago=10)
    join(office, procedure, minutes_ago=5)
    booking.cancel_appointment(appointment=taken[0], channel=Channel.WEB)
    services.offer_freed_places(slot_id=slot.pk)
    services.offer_freed_places(slot_id=slot.pk)
    assert WaitlistOffer.objects.count() == 1


def test_the_offer_holds_two_hours_by_default_and_the_setting_changes_it(office, procedure, slot):
    join(office, procedure)
    now = timezone.now()
    (offer,) = services.offer_freed_places(now=now)
    assert offer.expires_at == now + dt.timedelta(hours=2)
    with override_settings(
        MICONSULADO={**__import__("django.conf").conf.settings.MICONSULADO, "WAITLIST_OFFER_HOURS": 5}
    ):
        join(office, procedure)
        (other,) = services.offer_freed_places(now=now)
    assert other.expires_at == now + dt.timedelta(hours=5)


def test_the_hold_never_runs_past_the_booking_lead_time(office, procedure, window):
    # Lead time 120 min (the default): a slot 3 h ahead is held 1 h, not 2.
    soon = make_slot(window, start=timezone.now() + dt.timedelta(hours=3))
    join(office, procedure)
    now = timezone.now()
    (offer,) = services.offer_freed_places(slot_id=soon.pk, now=now)
    assert offer.expires_at == soon.start - dt.timedelta(minutes=120)


def test_dates_and_procedure_must_fit(office, procedure, window, slot):
    day = slot.start.astimezone(dt.UTC).date()
    other = make_procedure("wl-other")
    make_window(office, [other])
    too_late = join(office, procedure, date_from=day + dt.timedelta(days=3), minutes_ago=30)
    other_procedure = join(office, other, minutes_ago=20)
    fits = join(office, procedure, date_to=day + dt.timedelta(days=1), minutes_ago=10)
    made = services.offer_freed_places(slot_id=slot.pk)
    assert [o.entry_id for o in made] == [fits.pk]
    assert WaitlistOffer.objects.filter(entry__in=[too_late, other_procedure]).count() == 0


def test_two_free_places_three_waiting_two_offers_to_the_first_two(office, procedure, slot):
    people = [join(office, procedure, minutes_ago=30 - i) for i in range(3)]
    made = services.offer_freed_places(slot_id=slot.pk)
    assert [o.entry_id for o in made] == [people[0].pk, people[1].pk]
    assert WaitlistEntry_state(people[2]) == EntryState.WAITING


def WaitlistEntry_state(entry):
    entry.refresh_from_db()
    return entry.state


def test_the_sweep_offers_places_no_event_announced(office, procedure, window):
    # Extra capacity, a new session: places appear without a PlacesFreed.
    slot = make_slot(window, capacity=1)
    fill(slot, procedure)
    entry = join(office, procedure)
    assert services.offer_freed_places() == []
    Slot.objects.filter(pk=slot.pk).update(capacity=2)
    (offer,) = services.offer_freed_places()
    assert offer.entry == entry


def test_nobody_waiting_changes_nothing(office, procedure, slot):
    assert services.offer_freed_places(slot_id=slot.pk) == []
    slot.refresh_from_db()
    assert slot.booked == 0


def test_an_offer_is_one_per_entry_and_one_per_hold_in_the_database(office, procedure, slot):
    from django.db import IntegrityError, transaction

    join(office, procedure)
    (offer,) = services.offer_freed_places(slot_id=slot.pk)
    twin = WaitlistOffer(entry=offer.entry, hold=offer.hold, slot=slot, expires_at=offer.expires_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    hold2 = booking.hold_slot(slot=Slot.objects.get(pk=slot.pk), procedure=procedure, channel=Channel.SYSTEM)
    with pytest.raises(IntegrityError), transaction.atomic():
        WaitlistOffer.objects.create(entry=offer.entry, hold=hold2, slot=slot, expires_at=offer.expires_at)
    assert WaitlistOffer.objects.filter(state=OfferState.OFFERED).count() == 1
