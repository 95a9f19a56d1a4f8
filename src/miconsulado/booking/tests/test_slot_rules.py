import datetime as dt

import pytest
from django.utils import timezone

from miconsulado.booking import services
from miconsulado.booking.errors import SlotUnavailable
from miconsulado.booking.models import Appointment
from miconsulado.catalog.models import Office
from miconsulado.core.channels import Channel
from miconsulado.scheduling.errors import OutsideHorizon, ProcedureNotOffered, SlotInPast, TooSoon
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant, make_procedure, make_slot


def book(slot, procedure):
    return services.book_appointment(
        slot=slot, procedure=procedure, applicants=[applicant()], channel=Channel.API
    ).appointment


@pytest.mark.parametrize(
    ("offset", "error"),
    [
        (dt.timedelta(hours=-1), SlotInPast),
        (dt.timedelta(minutes=30), TooSoon),  # default lead time is 2 h
        (dt.timedelta(days=95), OutsideHorizon),  # default horizon is 90 days
    ],
)
def test_slots_outside_the_booking_window_are_refused(window, procedure, offset, error):
    start = (timezone.now() + offset).replace(second=0, microsecond=0)
    slot = make_slot(window, start=start)
    with pytest.raises(error):
        book(slot, procedure)
    assert not Appointment.objects.exists()
    assert Slot.objects.get(pk=slot.pk).booked == 0


def test_conflict_slot_takes_no_new_booking(slot, procedure):
    Slot.objects.filter(pk=slot.pk).update(conflict=True, conflict_reason="Cierre")
    slot.refresh_from_db()
    with pytest.raises(SlotUnavailable):
        book(slot, procedure)


def test_inactive_office_takes_no_booking(slot, procedure, office):
    Office.objects.filter(pk=office.pk).update(active=False)
    slot.refresh_from_db()
    with pytest.raises(SlotUnavailable):
        book(slot, procedure)


def test_procedure_not_served_by_the_window(slot):
    with pytest.raises(ProcedureNotOffered):
        book(slot, make_procedure("visa"))


def test_a_slot_withdrawn_after_it_was_read_takes_no_booking(slot, procedure):
    """A regeneration may withdraw the slot between the read and the write: the guarded UPDATE decides."""
    Slot.objects.filter(pk=slot.pk).update(withdrawn=True)  # `slot` in memory still looks open
    with pytest.raises(SlotUnavailable):
        book(slot, procedure)
    assert Slot.objects.get(pk=slot.pk).booked == 0
