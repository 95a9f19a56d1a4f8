"""Answering an offer: accept books it through the core's confirm (channel recorded); decline gives
the place to the next person and keeps the entry waiting; an answer comes once."""

import datetime as dt

import pytest
from django.utils import timezone

from miconsulado.booking.errors import CurpAlreadyBooked
from miconsulado.booking.models import Appointment, AppointmentEvent, AppointmentStatus
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant
from miconsulado.waitlist import services
from miconsulado.waitlist.errors import NotWaiting, OfferClosed, OfferExpired
from miconsulado.waitlist.models import EntryState, OfferState, WaitlistAction, WaitlistOffer
from miconsulado.waitlist.tests.support import announced, book, committing, deliver_queued, join

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_place(slot, procedure):
    book(slot, procedure)  # one of the two places taken: one left
    return slot


def test_accepting_confirms_the_hold_for_the_person(office, procedure, one_place):
    person = applicant()
    entry = join(office, procedure, person, language="en")
    (offer,) = services.offer_freed_places(slot_id=one_place.pk)
    with committing():
        services.accept(offer=offer, channel=Channel.WEB, contact_proven=True)
    appointment = Appointment.objects.get(pk=offer.hold_id)
    assert appointment.status == AppointmentStatus.CONFIRMED and appointment.language == "en"
    assert list(appointment.applicants.values_list("curp", flat=True)) == [person.curp]
    assert AppointmentEvent.objects.filter(
        appointment=appointment, action="confirmed", channel="web"
    ).exists()
    offer.refresh_from_db()
    entry.refresh_from_db()
    assert (offer.state, offer.answer_channel, entry.state) == (OfferState.ACCEPTED, "web", EntryState.BOOKED)
    assert announced("booking.appointment_confirmed")  # the core's confirmation: its e-mail follows
    assert announced("waitlist.offer_accepted")[0]["appointment"] == appointment.code


def test_an_answered_offer_cannot_be_answered_again(office, procedure, one_place):
    join(office, procedure)
    (offer,) = services.offer_freed_places(slot_id=one_place.pk)
    services.accept(offer=offer, channel=Channel.WEB, contact_proven=True)
    with pytest.raises(OfferClosed):
        services.accept(offer=offer, channel=Channel.WEB, contact_proven=True)
    with pytest.raises(OfferClosed):
        services.decline(offer=offer, channel=Channel.WEB)
    assert Appointment.objects.filter(status="confirmed").count() == 2


def test_declining_passes_the_place_to_the_next_and_keeps_the_entry_waiting(office, procedure, one_place):
    first = join(office, procedure, minutes_ago=10)
    second = join(office, procedure, minutes_ago=5)
    (offer,) = services.offer_freed_places(slot_id=one_place.pk)
    with committing():
        services.decline(offer=offer, channel=Channel.WEB)
    assert Appointment.objects.get(pk=offer.hold_id).status == AppointmentStatus.CANCELLED
    deliver_queued()  # the core's PlacesFreed, as the worker delivers it
    (passed,) = WaitlistOffer.objects.filter(state=OfferState.OFFERED)
    assert passed.entry == second and passed.slot_id == one_place.pk
    first.refresh_from_db()
    assert first.state == EntryState.WAITING  # still first in line, for another place


def test_accepting_after_the_time_is_up_books_nothing(office, procedure, one_place):
    join(office, procedure)
    (offer,) = services.offer_freed_places(slot_id=one_place.pk)
    with pytest.raises(OfferExpired):
        services.accept(offer=offer, channel=Channel.WEB, contact_proven=True, now=offer.expires_at)
    assert Appointment.objects.get(pk=offer.hold_id).status == AppointmentStatus.HELD


def test_someone_who_booked_meanwhile_cannot_accept(office, procedure, window, one_place):
    from miconsulado.testing import make_slot

    person = applicant()
    join(office, procedure, person)
    (offer,) = services.offer_freed_places(slot_id=one_place.pk)
    book(make_slot(window), procedure, person)
    with pytest.raises(CurpAlreadyBooked):
        services.accept(offer=offer, channel=Channel.WEB, contact_proven=True)
    offer.refresh_from_db()
    assert offer.state == OfferState.OFFERED


def test_leaving_with_an_open_offer_releases_its_place(office, procedure, one_place):
    entry = join(office, procedure)
    (offer,) = services.offer_freed_places(slot_id=one_place.pk)
    services.leave(entry=entry, channel=Channel.API)
    offer.refresh_from_db()
    entry.refresh_from_db()
    assert (offer.state, entry.state) == (OfferState.DECLINED, EntryState.LEFT)
    one_place.refresh_from_db()
    assert one_place.booked == 1
    with pytest.raises(NotWaiting):
        services.leave(entry=entry, channel=Channel.API)
    assert list(entry.events.values_list("action", flat=True)) == [
        WaitlistAction.JOINED,
        WaitlistAction.OFFERED,
        WaitlistAction.DECLINED,
        WaitlistAction.LEFT,
    ]


def test_expiry_ends_the_entry_and_offers_the_place_to_the_next(office, procedure, one_place):
    first = join(office, procedure, minutes_ago=10)
    second = join(office, procedure, minutes_ago=5)
    (offer,) = services.offer_freed_places(slot_id=one_place.pk)
    later = offer.expires_at + dt.timedelta(seconds=1)
    assert services.expire_offer(offer_id=offer.pk, now=timezone.now()) is False  # not yet
    (passed,) = services.offer_freed_places(slot_id=one_place.pk, now=later)  # expires, then offers
    first.refresh_from_db()
    offer.refresh_from_db()
    assert (offer.state, first.state, passed.entry) == (OfferState.EXPIRED, EntryState.EXPIRED, second)
    assert Appointment.objects.get(pk=offer.hold_id).status == AppointmentStatus.EXPIRED
