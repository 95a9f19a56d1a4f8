"""A worker keeps its SMTP connection across messages, and opens another when the server has dropped
it: the message is then sent on the new one, once, and nothing is lost."""

import socket

import pytest

from miconsulado.notifications import backends
from miconsulado.notifications.models import Message, MessageState
from miconsulado.notifications.tests.booking_support import book
from miconsulado.notifications.tests.conftest import deliver_announced, send_queued
from miconsulado.testing import applicant

pytestmark = pytest.mark.django_db(transaction=True)


def kept_smtp():
    assert backends._kept is not None
    return backends._kept[1].connection


def test_two_messages_go_through_one_connection(smtp, slot, procedure):
    book(slot, procedure, applicant(email="ana@example.com"))
    deliver_announced()
    assert send_queued() == ["sent"]
    first = kept_smtp()
    book(slot, procedure, applicant(email="luis@example.com"))
    deliver_announced()
    assert send_queued() == ["sent"]
    assert kept_smtp() is first
    assert sorted(m["To"] for m in smtp.received) == ["ana@example.com", "luis@example.com"]


def test_a_connection_the_server_dropped_is_opened_again_and_the_message_sent_once(smtp, slot, procedure):
    book(slot, procedure, applicant(email="ana@example.com"))
    deliver_announced()
    assert send_queued() == ["sent"]
    dropped = kept_smtp()
    dropped.sock.shutdown(socket.SHUT_RDWR)  # as a server's idle timeout leaves it

    book(slot, procedure, applicant(email="luis@example.com"))
    deliver_announced()
    assert send_queued() == ["sent"]
    assert kept_smtp() is not dropped
    assert [m["To"] for m in smtp.received] == ["ana@example.com", "luis@example.com"]
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}


def test_a_failed_send_closes_the_connection(smtp, slot, procedure):
    book(slot, procedure, applicant(email="ana@example.com"))
    deliver_announced()
    smtp.replies["ana@example.com"] = "550 5.1.1 No such user"
    assert send_queued() == ["failed"]
    assert backends._kept is None  # the next message starts on a fresh connection
