"""A passing failure (SMTP 4xx, no server) puts the message back in the queue with a later run; a
permanent one (SMTP 5xx) fails it at once with the reason; the limit of attempts ends the retries."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from miconsulado.notifications.models import Message, MessageState
from miconsulado.notifications.tests.booking_support import book
from miconsulado.notifications.tests.conftest import deliver_announced, free_port, send_queued, tasks_named
from miconsulado.testing import applicant

pytestmark = pytest.mark.django_db(transaction=True)


def queued_message(slot, procedure, address="ana@example.com"):
    book(slot, procedure, applicant(email=address))
    deliver_announced()
    return Message.objects.get()


def run_pending_once():
    (result,) = tasks_named("send_message")
    from django_tasks import default_task_backend

    default_task_backend.results.remove(result)
    return result, result.task.call(*result.args)


def test_a_4xx_is_retried_later_and_then_sent_with_the_same_message_id(smtp, slot, procedure):
    message = queued_message(slot, procedure)
    smtp.replies["ana@example.com"] = "451 4.3.0 Try again later"
    before = timezone.now()
    _, outcome = run_pending_once()
    assert outcome == "queued"
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED and message.attempts == 1
    assert "451" in message.last_error
    assert message.next_attempt_at >= before + dt.timedelta(seconds=60)  # MESSAGE_RETRY_SECONDS
    (retry,) = tasks_named("send_message")
    assert retry.task.run_after == message.next_attempt_at and retry.args == [message.pk]

    smtp.replies.clear()
    assert send_queued() == ["sent"]
    (received,) = smtp.received
    assert received["Message-ID"] == message.message_id
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (MessageState.SENT, 2, "")


def test_the_delay_doubles(smtp, slot, procedure):
    message = queued_message(slot, procedure)
    smtp.replies["ana@example.com"] = "450 mailbox busy"
    delays = []
    for _ in range(3):
        start = timezone.now()
        run_pending_once()
        message.refresh_from_db()
        delays.append(round((message.next_attempt_at - start).total_seconds() / 60))
    assert delays == [1, 2, 4]


def test_a_5xx_fails_at_once_with_its_reason(smtp, slot, procedure):
    message = queued_message(slot, procedure)
    smtp.replies["ana@example.com"] = "550 5.1.1 No such user"
    assert send_queued() == ["failed"]
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and message.attempts == 1
    assert "550" in message.last_error and "No such user" in message.last_error
    assert not smtp.received and not tasks_named("send_message")


def test_no_server_is_a_passing_failure(slot, procedure):
    message = queued_message(slot, procedure)
    with override_settings(
        EMAIL_BACKEND="miconsulado.notifications.backends.SMTPBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=free_port(),  # nobody listens: connection refused
        EMAIL_TIMEOUT=2,
    ):
        _, outcome = run_pending_once()
    assert outcome == "queued"
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED and "ConnectionRefusedError" in message.last_error


def test_the_last_attempt_fails_the_message(smtp, slot, procedure, settings):
    settings.MICONSULADO = {**settings.MICONSULADO, "MESSAGE_MAX_ATTEMPTS": 2}
    message = queued_message(slot, procedure)
    smtp.replies["ana@example.com"] = "421 service not available"
    assert send_queued() == ["queued", "failed"]
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and message.attempts == 2 and "421" in message.last_error
