"""Codes are sent at most once a minute and five times per hold; a lapsed or confirmed hold gets
none; a bad address is refused before anything is written."""

import datetime as dt

import pytest
from django.utils import timezone

from miconsulado.booking import services
from miconsulado.booking.errors import (
    HoldExpired,
    InvalidContact,
    VerificationResendLimit,
    VerificationResendTooSoon,
)
from miconsulado.booking.models import ContactVerification
from miconsulado.booking.tests.verification_support import (  # noqa: F401  clear_tasks: autouse
    clear_tasks,
    issued_payloads,
    make_hold,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hold(slot):
    return make_hold(slot)


def send(hold, now=None, contact="ana@example.com"):
    return services.send_verification_code(hold=hold, contact=contact, now=now)


def test_a_second_code_within_a_minute_is_refused_with_the_wait(hold):
    start = timezone.now()
    send(hold, now=start)
    with pytest.raises(VerificationResendTooSoon) as refused:
        send(hold, now=start + dt.timedelta(seconds=20))
    assert refused.value.errors.keys() == {"verification_code"}
    assert "40" in str(refused.value)
    assert ContactVerification.objects.filter(appointment=hold).count() == 1
    assert len(issued_payloads()) == 1
    send(hold, now=start + dt.timedelta(seconds=60))
    assert ContactVerification.objects.filter(appointment=hold).count() == 2


def test_five_codes_per_hold_at_most(hold):
    start = timezone.now() - dt.timedelta(minutes=8)
    for n in range(5):
        send(hold, now=start + dt.timedelta(minutes=n))
    with pytest.raises(VerificationResendLimit):
        send(hold, now=start + dt.timedelta(minutes=7))
    assert len(issued_payloads()) == 5


def test_the_limits_are_settings(hold, settings):
    settings.MICONSULADO = {
        **settings.MICONSULADO,
        "VERIFICATION_RESEND_SECONDS": 0,
        "VERIFICATION_MAX_SENDS": 2,
    }
    send(hold)
    send(hold)
    with pytest.raises(VerificationResendLimit):
        send(hold)


def test_another_address_does_not_reset_the_limits(hold):
    start = timezone.now()
    send(hold, now=start)
    with pytest.raises(VerificationResendTooSoon):
        send(hold, now=start + dt.timedelta(seconds=5), contact="otra@example.com")


@pytest.mark.parametrize(
    "contact", ["", "no-at-sign", "a@b", "ana@example.com\nBcc: x@example.com", "x" * 300]
)
def test_a_bad_address_is_refused_and_nothing_is_written(hold, contact):
    with pytest.raises(InvalidContact) as refused:
        send(hold, contact=contact)
    assert refused.value.errors.keys() == {"email"}
    assert not ContactVerification.objects.exists() and not issued_payloads()


def test_a_phone_is_kept_in_e164(hold):
    issued = services.send_verification_code(hold=hold, channel="sms", contact="(213) 555-0199")
    assert issued.contact == "+12135550199"
    assert issued_payloads()[0]["channel"] == "sms"


def test_a_lapsed_hold_gets_no_code(hold):
    with pytest.raises(HoldExpired):
        send(hold, now=hold.hold_expires_at + dt.timedelta(seconds=1))
    assert not issued_payloads()


def test_the_event_carries_what_the_message_needs_but_not_the_code(hold, monkeypatch):
    from miconsulado.booking import verification

    monkeypatch.setattr(verification, "new_code", lambda: "482913")
    issued = send(hold)
    (payload,) = issued_payloads()
    assert payload["appointment"] == hold.code and payload["verification"] == issued.pk
    assert payload["contact"] == "ana@example.com" and payload["language"] == "es"
    assert payload["valid_minutes"] == 10
    assert "482913" not in repr(payload)
    assert verification.unseal(payload["sealed_code"], payload["salt"]) == "482913"
