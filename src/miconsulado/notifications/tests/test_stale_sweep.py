"""A message whose worker died is sent again by the sweep after the timeout, with the same
Message-ID: the only repeat there can be, and a recognisable one. Fresh rows are left alone."""

import datetime as dt

import pytest
from django.utils import timezone

from miconsulado.notifications.models import Message, MessageState
from miconsulado.notifications.tasks import requeue_stale_messages
from miconsulado.notifications.tests.booking_support import book
from miconsulado.notifications.tests.conftest import deliver_announced, send_queued, tasks_named
from miconsulado.testing import applicant

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_message_left_sending_is_sent_again_with_the_same_message_id(smtp, slot, procedure):
    book(slot, procedure, applicant(email="ana@example.com"))
    deliver_announced()
    assert send_queued() == ["sent"]
    message = Message.objects.get()
    # The worker handed it over, then died before recording it: the row still says "sending".
    long_ago = timezone.now() - dt.timedelta(minutes=11)
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.SENDING, sent_at=None, claimed_at=long_ago, next_attempt_at=long_ago
    )
    assert requeue_stale_messages.call() == 1
    assert send_queued() == ["sent"]
    first, second = smtp.received
    assert first["Message-ID"] == second["Message-ID"] == message.message_id
    message.refresh_from_db()
    assert message.state == MessageState.SENT and message.attempts == 2


def test_a_queued_message_whose_task_was_lost_is_queued_again(smtp, slot, procedure):
    book(slot, procedure, applicant(email="ana@example.com"))
    deliver_announced()
    tasks_named("send_message").clear()
    from django_tasks import default_task_backend

    default_task_backend.clear()  # its task row was taken by a worker that died
    Message.objects.update(next_attempt_at=timezone.now() - dt.timedelta(minutes=11))
    assert requeue_stale_messages.call() == 1
    assert send_queued() == ["sent"]
    assert len(smtp.received) == 1


def test_rows_in_time_are_left_alone(smtp, slot, procedure):
    book(slot, procedure, applicant(email="ana@example.com"))
    deliver_announced()
    Message.objects.update(
        state=MessageState.SENDING, next_attempt_at=timezone.now() - dt.timedelta(minutes=9)
    )
    assert requeue_stale_messages.call() == 0
    assert Message.objects.get().state == MessageState.SENDING
