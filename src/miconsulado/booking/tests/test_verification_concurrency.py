"""Guesses and sends at the same moment, on real concurrent connections (threads, one connection
each): the attempts are counted under the hold's row lock, so 30 parallel guesses get 5 tries in
all, never more; 10 parallel sends issue one code. Runs on SQLite and PostgreSQL alike."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection

from miconsulado.booking import services
from miconsulado.booking.errors import (
    VerificationCodeLocked,
    VerificationCodeWrong,
    VerificationResendTooSoon,
)
from miconsulado.booking.models import Appointment, ContactVerification
from miconsulado.booking.tests.verification_support import (  # noqa: F401  clear_tasks: autouse
    clear_tasks,
    make_hold,
    sent_code,
    wrong,
)

pytestmark = pytest.mark.django_db(transaction=True)

EXPECTED = (VerificationCodeWrong, VerificationCodeLocked, VerificationResendTooSoon)


def race(fn, n):
    """fn(i) for i in range(n) on n threads released together; the outcomes' type names."""
    gate = threading.Barrier(n)

    def client(i):
        try:
            gate.wait(timeout=10)
            return type(fn(i)).__name__
        except EXPECTED as exc:  # anything else fails the test
            return type(exc).__name__
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=n) as pool:
        outcomes = list(pool.map(client, range(n)))
    close_old_connections()
    return outcomes


def test_thirty_parallel_guesses_get_five_attempts_in_all(slot):
    hold = make_hold(slot)
    issued = services.send_verification_code(hold=hold, contact="ana@example.com")
    code = sent_code(issued.pk)
    # Thirty different wrong codes, none of them the right one.
    guesses = [f"{(int(code) + 1 + i) % 1_000_000:06d}" for i in range(30)]

    def guess(i):
        return services.verify_contact(hold=Appointment.objects.get(pk=hold.pk), code=guesses[i])

    outcomes = race(guess, 30)
    assert outcomes.count("VerificationCodeWrong") == 4
    assert outcomes.count("VerificationCodeLocked") == 26
    issued.refresh_from_db()
    assert issued.attempts == 5 and issued.verified_at is None
    with pytest.raises(VerificationCodeLocked):
        services.verify_contact(hold=hold, code=code)
    with pytest.raises(VerificationCodeLocked):
        services.verify_contact(hold=hold, code=wrong(code))


def test_ten_parallel_sends_issue_one_code(slot):
    hold = make_hold(slot)

    def send(i):
        return services.send_verification_code(
            hold=Appointment.objects.get(pk=hold.pk), contact=f"p{i}@example.com"
        )

    outcomes = race(send, 10)
    assert outcomes.count("ContactVerification") == 1
    assert outcomes.count("VerificationResendTooSoon") == 9
    assert ContactVerification.objects.filter(appointment=hold).count() == 1
