import pytest

from miconsulado.booking import services
from miconsulado.booking.models import Applicant, Appointment, AppointmentEvent
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant


class Crash(Exception):
    pass


def test_a_crash_mid_booking_leaves_nothing_half_done(slot, procedure, monkeypatch):
    """Taking the places is the last write: failing right after it must undo the places, the
    appointment, the applicants and the history (test_kill.py does it with a real SIGKILL)."""

    def crash(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(services, "note_availability_changed", crash)  # right after the UPDATE
    with pytest.raises(Crash):
        services.book_appointment(
            slot=slot, procedure=procedure, applicants=[applicant()], channel=Channel.WEB
        )
    slot.refresh_from_db()
    assert slot.booked == 0
    assert not Appointment.objects.exists()
    assert not Applicant.objects.exists()
    assert not AppointmentEvent.objects.exists()


def test_a_crash_mid_reschedule_keeps_the_old_slot(slot, window, procedure, monkeypatch):
    from miconsulado.testing import make_slot

    appointment = services.book_appointment(
        slot=slot, procedure=procedure, applicants=[applicant()], channel=Channel.WEB
    )
    target = make_slot(window)
    monkeypatch.setattr(services, "_record", lambda *a, **k: (_ for _ in ()).throw(Crash()))
    with pytest.raises(Crash):
        services.reschedule_appointment(appointment=appointment, new_slot=target, channel=Channel.WEB)
    slot.refresh_from_db()
    target.refresh_from_db()
    appointment.refresh_from_db()
    assert (slot.booked, target.booked, appointment.slot_id) == (1, 0, slot.pk)
