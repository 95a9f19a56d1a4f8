"""A confirmation code already in use is drawn again; the booking itself is not lost or doubled."""

import pytest

from miconsulado.booking import codes, services
from miconsulado.booking.errors import CurpAlreadyBooked
from miconsulado.booking.models import Appointment
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant, make_slot

pytestmark = pytest.mark.django_db


def draws(monkeypatch, *values):
    queue = list(values)
    monkeypatch.setattr(codes, "new_code", lambda: queue.pop(0))


def book(slot, procedure, person=None):
    return services.book_appointment(
        slot=slot, procedure=procedure, applicants=[person or applicant()], channel=Channel.WEB
    ).appointment


def test_a_taken_code_is_drawn_again(slot, procedure, monkeypatch):
    draws(monkeypatch, "AAAA3333", "AAAA3333", "CCCC4444")
    first = book(slot, procedure)
    second = book(slot, procedure)
    assert (first.code, second.code) == ("AAAA3333", "CCCC4444")
    slot.refresh_from_db()
    assert slot.booked == 2
    assert Appointment.objects.count() == 2


def test_a_hold_draws_again_too(slot, procedure, monkeypatch):
    draws(monkeypatch, "AAAA3333", "AAAA3333", "CCCC4444")
    book(slot, procedure)
    held = services.hold_slot(slot=slot, procedure=procedure, channel=Channel.WEB)
    assert held.code == "CCCC4444"


def test_endless_collisions_give_up_without_a_trace(slot, procedure, monkeypatch):
    book(slot, procedure)
    taken = Appointment.objects.get().code
    monkeypatch.setattr(codes, "new_code", lambda: taken)
    with pytest.raises(RuntimeError):
        book(slot, procedure)
    assert Slot.objects.get(pk=slot.pk).booked == 1
    assert Appointment.objects.count() == 1


def test_a_taken_curp_is_named_not_retried(window, procedure):
    slot = make_slot(window, capacity=4)
    person = applicant()
    book(slot, procedure, person)
    with pytest.raises(CurpAlreadyBooked) as refused:
        services.book_appointment(
            slot=slot, procedure=procedure, applicants=[applicant(), person], channel=Channel.WEB
        )
    assert list(refused.value.errors) == ["applicants.1.curp"]
    assert Slot.objects.get(pk=slot.pk).booked == 1
