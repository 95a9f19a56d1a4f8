"""A message is claimed by one conditional UPDATE: two sends of one row send one e-mail, and a row
another worker holds (sending) or has finished is left alone."""

import threading

import pytest
from django.db import connection

from miconsulado.notifications.models import Message, MessageState
from miconsulado.notifications.tasks import send_message
from miconsulado.notifications.tests.booking_support import book
from miconsulado.notifications.tests.conftest import deliver_announced
from miconsulado.testing import applicant

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_sends_of_one_row_send_one_email(smtp, slot, procedure):
    book(slot, procedure, applicant(email="ana@example.com"))
    deliver_announced()
    message = Message.objects.get()
    assert [send_message.call(message.pk), send_message.call(message.pk)] == ["sent", ""]
    assert len(smtp.received) == 1


def test_two_workers_at_once_send_one_email(smtp, slot, procedure):
    book(slot, procedure, applicant(email="ana@example.com"))
    deliver_announced()
    message = Message.objects.get()
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            barrier.wait()
            outcomes.append(send_message.call(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["", "sent"]
    assert len(smtp.received) == 1


@pytest.mark.parametrize("state", [MessageState.SENDING, MessageState.SENT, MessageState.FAILED])
def test_a_row_not_queued_is_not_sent(smtp, slot, procedure, state):
    book(slot, procedure, applicant(email="ana@example.com"))
    deliver_announced()
    message = Message.objects.get()
    Message.objects.filter(pk=message.pk).update(state=state, sent_at=message.created_at)
    assert send_message.call(message.pk) == ""
    assert not smtp.received
