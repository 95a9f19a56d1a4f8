import pytest

from miconsulado.booking import services
from miconsulado.booking.errors import IdempotencyKeyReused
from miconsulado.booking.models import Appointment
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant


def test_retry_with_the_same_key_returns_the_same_appointment(slot, procedure):
    person = applicant()
    fp = services.request_fingerprint({"curp": person.curp})
    booked = services.book_appointment(
        slot=slot,
        procedure=procedure,
        applicants=[person],
        channel=Channel.API,
        idempotency_key="k-1",
        fingerprint=fp,
    )
    assert booked.replayed is False
    first = booked.appointment
    again = services.book_appointment(
        slot=slot,
        procedure=procedure,
        applicants=[person],
        channel=Channel.API,
        idempotency_key="k-1",
        fingerprint=fp,
    )
    assert again.appointment.pk == first.pk
    assert again.replayed is True
    slot.refresh_from_db()
    assert slot.booked == 1
    assert Appointment.objects.count() == 1


def test_same_key_with_another_request_is_refused(slot, procedure):
    services.book_appointment(
        slot=slot,
        procedure=procedure,
        applicants=[applicant()],
        channel=Channel.API,
        idempotency_key="k-2",
        fingerprint="a",
    )
    with pytest.raises(IdempotencyKeyReused):
        services.book_appointment(
            slot=slot,
            procedure=procedure,
            applicants=[applicant()],
            channel=Channel.API,
            idempotency_key="k-2",
            fingerprint="b",
        )
    slot.refresh_from_db()
    assert slot.booked == 1
