"""A slot read as full is refused before any write, but only if the database agrees: a stale read
or a lapsed hold must not turn a free place away."""

import datetime as dt

import pytest
from django.utils import timezone

from miconsulado.booking import services
from miconsulado.booking.errors import InvalidApplicants, SlotFull
from miconsulado.booking.models import Appointment, AppointmentStatus
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant

pytestmark = pytest.mark.django_db


def book(slot, procedure, lapsed_hold=None):
    return services.book_appointment(
        slot=slot, procedure=procedure, applicants=[applicant()], channel=Channel.API, lapsed_hold=lapsed_hold
    ).appointment


def read(slot) -> Slot:
    return Slot.objects.select_related("office").get(pk=slot.pk)


def test_a_stale_full_read_does_not_turn_a_free_place_away(slot, procedure):
    first = book(slot, procedure)
    second = book(slot, procedure)
    stale = read(slot)  # full when read
    services.cancel_appointment(appointment=second, channel=Channel.WEB)
    appointment = book(stale, procedure)
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert read(slot).booked == 2
    assert first.code != appointment.code


def read_alone(slot) -> tuple[Slot, bool | None]:
    """The slot alone: the service asks whether a lapsed hold sits in it."""
    return read(slot), None


def read_as_the_api(slot) -> tuple[Slot, bool | None]:
    """As the API reads it: with whether a lapsed hold sits in it (booking.selectors.slot_at), so
    that the service need not ask again."""
    from miconsulado.booking import selectors

    found = selectors.slot_at(office=slot.office, procedure=slot.window.procedures.get(), start=slot.start)
    assert found.slot.office == slot.office
    return found.slot, found.lapsed_hold


READERS = pytest.mark.parametrize("reader", [read_alone, read_as_the_api], ids=["read", "read_as_the_api"])


@READERS
def test_read_full_and_full_is_refused_with_nothing_written(slot, procedure, reader):
    book(slot, procedure)
    services.hold_slot(slot=slot, procedure=procedure, channel=Channel.WEB)  # still running
    full, lapsed_hold = reader(slot)
    assert lapsed_hold in (None, False)
    with pytest.raises(SlotFull):
        book(full, procedure, lapsed_hold)
    assert read(slot).booked == 2
    assert Appointment.objects.count() == 2


@READERS
def test_a_lapsed_hold_makes_room_even_when_read_full(slot, procedure, reader):
    past = timezone.now() - dt.timedelta(minutes=11)
    held = services.hold_slot(slot=slot, procedure=procedure, places=2, channel=Channel.WEB, now=past)
    full, lapsed_hold = reader(slot)
    assert full.booked == full.capacity
    assert lapsed_hold in (None, True)
    appointment = book(full, procedure, lapsed_hold)
    assert appointment.status == AppointmentStatus.CONFIRMED
    held.refresh_from_db()
    assert held.status == AppointmentStatus.EXPIRED
    assert read(slot).booked == 1


@READERS
def test_a_full_slot_is_refused_before_the_applicants_are_checked(slot, procedure, reader):
    """In a rush nearly every request comes after the last place: it is told so without spending
    the CURP, birth date, e-mail and phone checks on a place nobody can have."""
    book(slot, procedure)
    book(slot, procedure)
    malformed = applicant(curp="BOXW310820HNERXN08", email="not-an-email", phone="12")
    full, lapsed_hold = reader(slot)
    with pytest.raises(SlotFull):
        services.book_appointment(
            slot=full,
            procedure=procedure,
            applicants=[malformed],
            channel=Channel.API,
            lapsed_hold=lapsed_hold,
        )
    assert Appointment.objects.count() == 2


def test_with_room_the_applicants_are_checked(slot, procedure):
    malformed = applicant(curp="BOXW310820HNERXN08")
    with pytest.raises(InvalidApplicants):
        services.book_appointment(slot=slot, procedure=procedure, applicants=[malformed], channel=Channel.API)
    assert read(slot).booked == 0
