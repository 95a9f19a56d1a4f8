"""A reschedule moves the reminders: those for the old time are cancelled, new ones are queued for
the new time; moved back, the old rows are queued again, not doubled. A late delivery of an older
event changes nothing; a reminder for a time the appointment left is never sent."""

import pytest
from django.utils import timezone

from miconsulado.booking import services
from miconsulado.core import events
from miconsulado.core.channels import Channel
from miconsulado.notifications.models import Message, MessageKind, MessageState
from miconsulado.notifications.tests.conftest import deliver_announced, tasks_named
from miconsulado.notifications.tests.reminder_support import (  # noqa: F401  # reminders_on: a fixture
    HOUR,
    book_in,
    reminders,
    reminders_on,
    send_at,
    slot_in,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reminders_on")]


def move(appointment, slot):
    return services.reschedule_appointment(
        appointment=appointment, new_slot=slot, channel=Channel.WEB, now=timezone.now()
    )


def test_a_reschedule_cancels_the_old_reminders_and_queues_new_ones(window):
    appointment = book_in(window, 10 * 24)
    deliver_announced()
    old = reminders(appointment)
    later = slot_in(window, 20 * 24)
    move(appointment, later)
    deliver_announced()

    for row in old:
        row.refresh_from_db()
        assert (row.state, row.last_error) == (MessageState.CANCELLED, "appointment rescheduled")
    new = reminders(appointment, state=MessageState.QUEUED)
    assert [m.next_attempt_at for m in new] == [later.start - 72 * HOUR, later.start - 24 * HOUR]
    assert all(f":{later.pk}:" in m.dedup_key for m in new)
    assert {m.pk for m in new} <= {r.args[0] for r in tasks_named("send_message")}
    # The new text states the new time.
    assert new[0].body_text != old[0].body_text


def test_moved_back_the_old_rows_are_queued_again_not_doubled(window):
    appointment = book_in(window, 10 * 24)
    first = appointment.slot
    deliver_announced()
    original = {m.pk for m in reminders(appointment)}
    move(appointment, slot_in(window, 20 * 24))
    deliver_announced()
    move(appointment, first)
    deliver_announced()

    queued = reminders(appointment, state=MessageState.QUEUED)
    assert {m.pk for m in queued} == original
    assert [m.next_attempt_at for m in queued] == [first.start - 72 * HOUR, first.start - 24 * HOUR]
    assert Message.objects.filter(kind=MessageKind.REMINDER).count() == 4  # 2 for each slot, no more


def test_a_late_delivery_of_the_confirmation_does_not_bring_the_old_time_back(window):
    appointment = book_in(window, 10 * 24)
    (confirmed,) = [tuple(r.args[:2]) for r in tasks_named("deliver_event")]
    deliver_announced()
    later = slot_in(window, 20 * 24)
    move(appointment, later)
    deliver_announced()

    events.deliver(*confirmed)  # the confirmation delivered again, after the move
    queued = reminders(appointment, state=MessageState.QUEUED)
    assert len(queued) == 2 and all(f":{later.pk}:" in m.dedup_key for m in queued)


def test_a_reminder_for_the_old_time_is_not_sent_even_if_still_queued(window, smtp):
    appointment = book_in(window, 10 * 24)
    deliver_announced()
    stale = reminders(appointment)[0]
    move(appointment, slot_in(window, 20 * 24))
    # The move's event not delivered yet: the old row is still queued when its time comes.
    assert send_at(stale, stale.next_attempt_at) == MessageState.CANCELLED
    assert stale.last_error == "appointment rescheduled"
    assert not smtp.received
