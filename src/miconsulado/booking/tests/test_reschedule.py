import datetime as dt

import pytest

from miconsulado.booking import services
from miconsulado.booking.errors import CancellationWindowClosed, NotActive, SlotFull
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant, make_slot


@pytest.fixture
def appointment(slot, procedure):
    return services.book_appointment(
        slot=slot, procedure=procedure, applicants=[applicant(), applicant()], channel=Channel.WEB
    ).appointment


def test_reschedule_moves_all_places(appointment, slot, window):
    target = make_slot(window, capacity=3)
    moved = services.reschedule_appointment(appointment=appointment, new_slot=target, channel=Channel.PHONE)
    slot.refresh_from_db()
    target.refresh_from_db()
    assert (slot.booked, target.booked) == (0, 2)
    assert moved.slot_id == target.pk
    assert moved.code == appointment.code
    event = moved.events.last()
    assert event.action == "rescheduled"
    assert event.data["previous"]["slot"] == slot.pk
    assert event.data["slot"] == target.pk


def test_full_target_keeps_the_old_appointment_intact(appointment, slot, window):
    target = make_slot(window, capacity=1)
    with pytest.raises(SlotFull):
        services.reschedule_appointment(appointment=appointment, new_slot=target, channel=Channel.WEB)
    slot.refresh_from_db()
    target.refresh_from_db()
    appointment.refresh_from_db()
    assert (slot.booked, target.booked, appointment.slot_id) == (2, 0, slot.pk)


def test_reschedule_inside_the_cutoff_is_refused(appointment, slot, window):
    target = make_slot(window)
    with pytest.raises(CancellationWindowClosed):
        services.reschedule_appointment(
            appointment=appointment,
            new_slot=target,
            channel=Channel.WEB,
            now=slot.start - dt.timedelta(hours=2),
        )


def test_cancelled_appointment_cannot_be_rescheduled(appointment, window):
    services.cancel_appointment(appointment=appointment, channel=Channel.WEB)
    with pytest.raises(NotActive):
        services.reschedule_appointment(
            appointment=appointment, new_slot=make_slot(window), channel=Channel.WEB
        )


def test_reschedule_to_the_same_slot_changes_nothing(appointment, slot):
    services.reschedule_appointment(appointment=appointment, new_slot=slot, channel=Channel.WEB)
    slot.refresh_from_db()
    assert slot.booked == 2
    assert not appointment.events.filter(action="rescheduled").exists()
