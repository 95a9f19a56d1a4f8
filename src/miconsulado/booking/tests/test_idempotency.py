import pytest

from miconsulado.accounts.models import Role
from miconsulado.accounts.tests.factories import make_user
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


def _book(slot, procedure, *, actor=None, key="shared-key", fingerprint="same-body", person=None):
    return services.book_appointment(
        slot=slot,
        procedure=procedure,
        applicants=[person or applicant()],
        channel=Channel.PHONE if actor else Channel.API,
        actor=actor,
        idempotency_key=key,
        fingerprint=fingerprint,
    )


def test_two_callers_with_the_same_key_get_an_appointment_each(slot, procedure):
    first = _book(slot, procedure, actor=make_user(Role.AGENT))
    second = _book(slot, procedure, actor=make_user(Role.AGENT))
    assert first.appointment.pk != second.appointment.pk
    assert second.replayed is False
    assert Appointment.objects.count() == 2


def test_an_anonymous_caller_and_a_token_with_the_same_key_get_an_appointment_each(slot, procedure):
    citizen = _book(slot, procedure).appointment
    agent = _book(slot, procedure, actor=make_user(Role.AGENT), fingerprint="another-body").appointment
    assert citizen.pk != agent.pk
    assert (citizen.idempotency_scope, agent.idempotency_scope) == (
        "anonymous",
        f"user:{agent.created_by_id}",
    )


def test_another_callers_key_with_another_body_books_instead_of_being_refused(slot, procedure):
    _book(slot, procedure, actor=make_user(Role.AGENT), fingerprint="a")
    mine = _book(slot, procedure, actor=make_user(Role.AGENT), fingerprint="b").appointment
    assert mine.status == "confirmed"
    slot.refresh_from_db()
    assert slot.booked == 2


def test_the_same_caller_is_replayed_and_refused_as_before(slot, procedure):
    agent = make_user(Role.AGENT)
    person = applicant()
    first = _book(slot, procedure, actor=agent, person=person)
    again = _book(slot, procedure, actor=agent, person=person)
    assert again.appointment.pk == first.appointment.pk
    assert again.replayed is True
    with pytest.raises(IdempotencyKeyReused):
        _book(slot, procedure, actor=agent, fingerprint="another-body")
    assert Appointment.objects.count() == 1
