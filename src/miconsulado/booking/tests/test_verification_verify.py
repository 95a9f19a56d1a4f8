"""verify_contact: the right code verifies the hold's contact; a wrong, expired, exhausted or
replaced code is refused on the field `verification_code`, and the refusal says what to do."""

import datetime as dt

import pytest
from django.utils import timezone

from miconsulado.booking import services
from miconsulado.booking.errors import (
    HoldExpired,
    VerificationCodeExpired,
    VerificationCodeLocked,
    VerificationCodeWrong,
    VerificationNotRequested,
)
from miconsulado.booking.models import ContactVerification
from miconsulado.booking.tests.verification_support import (  # noqa: F401  clear_tasks: autouse
    clear_tasks,
    make_hold,
    sent_code,
    wrong,
)
from miconsulado.testing import make_slot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hold(slot):
    return make_hold(slot)


def send(hold, now=None, contact="ana@example.com"):
    return services.send_verification_code(hold=hold, contact=contact, now=now)


def test_the_right_code_verifies_the_contact(hold):
    issued = send(hold)
    verified = services.verify_contact(hold=hold, code=sent_code(issued.pk))
    assert verified.pk == issued.pk and verified.verified_at is not None
    # Given again (a retried confirmation), it is still right, and nothing is counted.
    services.verify_contact(hold=hold, code=sent_code(issued.pk))
    issued.refresh_from_db()
    assert issued.attempts == 0


def test_the_code_is_stored_hashed_only(hold):
    issued = send(hold)
    code = sent_code(issued.pk)
    row = ContactVerification.objects.filter(pk=issued.pk).values()[0]
    assert not any(code in str(value) for value in row.values())


def test_a_wrong_code_says_how_many_attempts_are_left(hold):
    issued = send(hold)
    with pytest.raises(VerificationCodeWrong) as refused:
        services.verify_contact(hold=hold, code=wrong(sent_code(issued.pk)))
    assert refused.value.errors.keys() == {"verification_code"}
    assert "4" in str(refused.value)
    issued.refresh_from_db()
    assert issued.attempts == 1 and issued.verified_at is None


def test_five_wrong_attempts_kill_the_code_even_for_the_right_one(hold):
    issued = send(hold)
    code = sent_code(issued.pk)
    outcomes = []
    for _ in range(5):
        with pytest.raises((VerificationCodeWrong, VerificationCodeLocked)) as refused:
            services.verify_contact(hold=hold, code=wrong(code))
        outcomes.append(type(refused.value).__name__)
    assert outcomes == ["VerificationCodeWrong"] * 4 + ["VerificationCodeLocked"]
    with pytest.raises(VerificationCodeLocked):
        services.verify_contact(hold=hold, code=code)
    issued.refresh_from_db()
    assert issued.attempts == 5 and issued.verified_at is None


def test_a_new_code_after_the_lock_works(hold):
    first = send(hold, now=timezone.now() - dt.timedelta(minutes=2))
    for _ in range(5):
        with pytest.raises((VerificationCodeWrong, VerificationCodeLocked)):
            services.verify_contact(hold=hold, code=wrong(sent_code(first.pk)))
    second = send(hold)
    assert services.verify_contact(hold=hold, code=sent_code(second.pk)).pk == second.pk


def test_an_expired_code_is_refused_and_not_counted(hold):
    issued = send(hold, now=timezone.now() - dt.timedelta(minutes=9))
    services_now = timezone.now() + dt.timedelta(minutes=1, seconds=1)
    with pytest.raises(VerificationCodeExpired):
        services.verify_contact(hold=hold, code=sent_code(issued.pk), now=services_now)
    issued.refresh_from_db()
    assert issued.attempts == 0 and issued.verified_at is None


def test_the_code_lives_ten_minutes_by_default(hold):
    sent_at = timezone.now() - dt.timedelta(minutes=5)
    issued = send(hold, now=sent_at)
    assert issued.expires_at == sent_at + dt.timedelta(minutes=10)
    services.verify_contact(
        hold=hold, code=sent_code(issued.pk), now=sent_at + dt.timedelta(minutes=9, seconds=59)
    )


def test_a_replaced_code_no_longer_verifies(hold):
    first = send(hold, now=timezone.now() - dt.timedelta(minutes=2))
    second = send(hold)
    with pytest.raises(VerificationCodeWrong):
        services.verify_contact(hold=hold, code=sent_code(first.pk))
    assert services.verify_contact(hold=hold, code=sent_code(second.pk)).pk == second.pk


def test_a_code_for_another_hold_does_not_verify_this_one(slot, hold):
    other = make_hold(make_slot(slot.window))
    mine = send(hold)
    theirs = send(other, contact="luis@example.com")
    if sent_code(theirs.pk) == sent_code(mine.pk):  # one chance in a million
        pytest.skip("both holds drew the same code")
    with pytest.raises(VerificationCodeWrong):
        services.verify_contact(hold=hold, code=sent_code(theirs.pk))
    assert ContactVerification.objects.get(pk=theirs.pk).attempts == 0


def test_no_code_asked_for_yet(hold):
    with pytest.raises(VerificationNotRequested):
        services.verify_contact(hold=hold, code="123456")


def test_a_lapsed_hold_verifies_nothing(hold):
    issued = send(hold)
    with pytest.raises(HoldExpired):
        services.verify_contact(hold=hold, code=sent_code(issued.pk), now=hold.hold_expires_at)
