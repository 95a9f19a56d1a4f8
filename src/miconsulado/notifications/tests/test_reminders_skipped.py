"""Reminders already due when the change comes are skipped, not sent late; none is sent for an
appointment that started, or whose slot the office no longer offers; a worker back after a long
stop sends the latest reminder due, not every one in a burst."""

import pytest

from miconsulado.booking import services
from miconsulado.core.channels import Channel
from miconsulado.notifications.models import Message, MessageKind, MessageState
from miconsulado.notifications.tests.conftest import deliver_announced
from miconsulado.notifications.tests.reminder_support import (  # noqa: F401  # reminders_on: a fixture
    HOUR,
    book_in,
    reminders,
    reminders_on,
    send_at,
    slot_in,
)
from miconsulado.scheduling.models import Slot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reminders_on")]


def test_confirmed_50_hours_before_only_the_24_hour_reminder(window):
    appointment = book_in(window, 50)
    deliver_announced()
    (only,) = reminders(appointment)
    assert only.next_attempt_at == appointment.slot.start - 24 * HOUR
    assert ":24h:" in only.dedup_key


def test_confirmed_10_hours_before_no_reminder(window):
    appointment = book_in(window, 10)
    deliver_announced()
    assert reminders(appointment) == []


def test_moved_to_30_hours_away_skips_the_72_hour_reminder(window):
    appointment = book_in(window, 10 * 24)
    deliver_announced()
    soon = slot_in(window, 30)
    services.reschedule_appointment(
        appointment=appointment, new_slot=soon, channel=Channel.WEB, force=True, now=soon.start - 30 * HOUR
    )
    deliver_announced()
    (only,) = reminders(appointment, state=MessageState.QUEUED)
    assert only.next_attempt_at == soon.start - 24 * HOUR


def test_a_worker_back_after_a_long_stop_sends_only_the_latest_reminder(window, smtp):
    appointment = book_in(window, 10 * 24)
    deliver_announced()
    early, late = reminders(appointment)
    back = appointment.slot.start - 20 * HOUR  # both overdue
    assert send_at(early, back) == MessageState.CANCELLED
    assert early.last_error == "superseded by the 24 h reminder"
    assert send_at(late, back) == MessageState.SENT
    assert len(smtp.received) == 1


def test_a_late_reminder_is_still_sent_while_no_later_one_is_due(window, smtp):
    appointment = book_in(window, 10 * 24)
    deliver_announced()
    early = reminders(appointment)[0]
    assert send_at(early, early.next_attempt_at + 3 * HOUR) == MessageState.SENT


def test_none_for_an_appointment_that_started(window, smtp):
    appointment = book_in(window, 10 * 24)
    deliver_announced()
    late = reminders(appointment)[1]
    assert send_at(late, appointment.slot.start) == MessageState.CANCELLED
    assert late.last_error == "appointment already started"
    assert not smtp.received


def test_none_for_a_slot_the_office_no_longer_offers(window, smtp):
    appointment = book_in(window, 10 * 24)
    deliver_announced()
    early = reminders(appointment)[0]
    Slot.objects.filter(pk=appointment.slot_id).update(conflict=True, conflict_reason="Cierre: obras")
    Message.objects.create(  # the apology (test_conflict_messages) told them
        kind=MessageKind.SLOT_CONFLICT,
        channel="email",
        recipient="ana@example.com",
        language="es",
        appointment=appointment,
        dedup_key=f"slot_conflict:{appointment.code}:{appointment.slot_id}:abc:email:ana@example.com",
        message_id="<apology@test>",
        body_text="…",
        state=MessageState.SENT,
        sent_at=early.next_attempt_at,
    )
    assert send_at(early, early.next_attempt_at) == MessageState.CANCELLED
    assert not smtp.received


def test_a_capacity_conflict_alone_does_not_stop_reminders(window, smtp):
    appointment = book_in(window, 10 * 24)
    deliver_announced()
    early = reminders(appointment)[0]
    Slot.objects.filter(pk=appointment.slot_id).update(conflict=True, conflict_reason="Capacidad reducida")
    assert send_at(early, early.next_attempt_at) == MessageState.SENT


def test_an_admin_copy_of_an_old_reminder_is_sent_though_a_later_one_is_due(window, smtp):
    from miconsulado.notifications.services import send_again

    appointment = book_in(window, 10 * 24)
    deliver_announced()
    early = reminders(appointment)[0]
    send_at(early, early.next_attempt_at)
    (copy,) = send_again([early])
    assert send_at(copy, appointment.slot.start - 20 * HOUR) == MessageState.SENT
    assert len(smtp.received) == 2
