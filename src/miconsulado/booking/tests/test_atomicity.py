import pytest
from django.db import DataError, connection

from miconsulado.booking import services, writes
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant, assert_nothing_booked


class Crash(Exception):
    pass


def test_a_crash_mid_booking_leaves_nothing_half_done(slot, procedure, monkeypatch, settings):
    """The general path (SQLite's, and PostgreSQL's when the one statement cannot do): taking the
    places is the last write, and failing right after it must undo the places, the appointment,
    the applicants and the history (test_kill.py does it with a real SIGKILL)."""
    settings.MICONSULADO = {**settings.MICONSULADO, "ONE_STATEMENT_BOOKING": False}

    def crash(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(services, "note_availability_changed", crash)  # right after the UPDATE
    with pytest.raises(Crash):
        services.book_appointment(
            slot=slot, procedure=procedure, applicants=[applicant()], channel=Channel.WEB
        )
    assert_nothing_booked(slot)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one statement is PostgreSQL's")
def test_a_failure_late_in_the_one_statement_undoes_it_all(slot, procedure, monkeypatch):
    """The one-statement booking takes the places first and writes the history last: a history
    row the database refuses takes the places, the appointment and the people back with it."""
    make_event = writes.history_entry

    def bad_event(*args, **kwargs):
        event = make_event(*args, **kwargs)
        event.channel = "x" * 50  # longer than the column
        return event

    monkeypatch.setattr(writes, "history_entry", bad_event)
    with pytest.raises(DataError):
        services.book_appointment(
            slot=slot, procedure=procedure, applicants=[applicant()], channel=Channel.WEB
        )
    assert_nothing_booked(slot)


def test_a_crash_mid_reschedule_keeps_the_old_slot(slot, window, procedure, monkeypatch):
    from miconsulado.testing import make_slot

    appointment = services.book_appointment(
        slot=slot, procedure=procedure, applicants=[applicant()], channel=Channel.WEB
    ).appointment
    target = make_slot(window)
    monkeypatch.setattr(writes, "record", lambda *a, **k: (_ for _ in ()).throw(Crash()))
    with pytest.raises(Crash):
        services.reschedule_appointment(appointment=appointment, new_slot=target, channel=Channel.WEB)
    slot.refresh_from_db()
    target.refresh_from_db()
    appointment.refresh_from_db()
    assert (slot.booked, target.booked, appointment.slot_id) == (1, 0, slot.pk)
