"""A cancellation drops the reminders (state cancelled); one that comes due before the cancellation's
event is delivered is not sent either."""

import datetime as dt

import pytest

from miconsulado.booking import services
from miconsulado.core.channels import Channel
from miconsulado.notifications.models import MessageState
from miconsulado.notifications.tests.conftest import deliver_announced
from miconsulado.notifications.tests.reminder_support import (  # noqa: F401  # reminders_on: a fixture
    book_in,
    reminders,
    reminders_on,
    send_at,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reminders_on")]


def cancel(appointment):
    services.cancel_appointment(
        appointment=appointment, channel=Channel.WEB, now=appointment.slot.start - dt.timedelta(days=5)
    )


def test_a_cancellation_cancels_the_queued_reminders(window, smtp):
    appointment = book_in(window, 10 * 24)
    deliver_announced()
    cancel(appointment)
    deliver_announced()
    rows = reminders(appointment)
    assert [(m.state, m.last_error) for m in rows] == [(MessageState.CANCELLED, "appointment cancelled")] * 2
    # Their tasks still run at the due time: they find nothing to claim.
    assert send_at(rows[0], rows[0].next_attempt_at) == ""
    assert not smtp.received


def test_a_reminder_due_before_the_cancellation_is_delivered_is_not_sent(window, smtp):
    appointment = book_in(window, 10 * 24)
    deliver_announced()
    cancel(appointment)  # its event waits in the queue
    early = reminders(appointment)[0]
    assert early.state == MessageState.QUEUED
    assert send_at(early, early.next_attempt_at) == MessageState.CANCELLED
    assert early.last_error == "appointment cancelled"
    assert not smtp.received


def test_a_cancelled_appointment_confirmed_event_delivered_late_writes_no_reminders(window):
    appointment = book_in(window, 10 * 24)
    cancel(appointment)
    deliver_announced()  # the confirmation and the cancellation, both after the fact
    assert reminders(appointment, state=MessageState.QUEUED) == []
