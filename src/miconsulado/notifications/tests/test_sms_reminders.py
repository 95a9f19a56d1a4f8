"""SMS reminders follow the e-mail ones: one per offset and phone number, planned with the
appointment, moved with it, dropped when it is cancelled, skipped when already due; a short GSM-7
text with the short link."""

import pytest
from django.test import override_settings
from django.utils import timezone

from miconsulado.booking import services
from miconsulado.core.channels import Channel
from miconsulado.notifications.gsm7 import is_gsm7, segments
from miconsulado.notifications.models import MessageChannel, MessageState
from miconsulado.notifications.tests.conftest import deliver_announced
from miconsulado.notifications.tests.reminder_support import (  # noqa: F401  # reminders_on: a fixture
    HOUR,
    book_in,
    reminders,
    reminders_on,
    send_at,
    slot_in,
)
from miconsulado.testing import applicant

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reminders_on", "sms_on")]

PHONE = "+12135550100"


@pytest.fixture
def sms_on():
    with override_settings(SMS_BACKEND="memory", PUBLIC_URL="https://citas.example"):
        yield


def sms(appointment, **filters):
    return reminders(appointment, channel=MessageChannel.SMS, **filters)


def test_booked_a_reminder_sms_per_offset_beside_the_emails(window):
    appointment = book_in(window, 10 * 24, applicant(email="ana@example.com", phone=PHONE), language="en")
    deliver_announced()
    rows = sms(appointment)
    start = appointment.slot.start
    assert [(m.next_attempt_at, m.recipient, m.state) for m in rows] == [
        (start - 72 * HOUR, PHONE, MessageState.QUEUED),
        (start - 24 * HOUR, PHONE, MessageState.QUEUED),
    ]
    assert rows[0].dedup_key == f"reminder:{appointment.code}:{appointment.slot_id}:72h:sms:{PHONE}"
    text = rows[0].body_text
    assert text.startswith("Mi Consulado: reminder of booking") and text.endswith(
        f"https://citas.example/c/{appointment.code}"
    )
    assert is_gsm7(text) and segments(text) == 1
    assert len(reminders(appointment, channel=MessageChannel.EMAIL)) == 2
    deliver_announced()  # again: nothing doubled
    assert len(sms(appointment)) == 2


def test_moved_dropped_and_skipped_like_the_emails(window):
    appointment = book_in(window, 48, applicant(phone=PHONE))  # 72 h already due: skipped
    deliver_announced()
    (first,) = sms(appointment)
    assert first.next_attempt_at == appointment.slot.start - 24 * HOUR
    later = slot_in(window, 20 * 24)
    services.reschedule_appointment(
        appointment=appointment, new_slot=later, channel=Channel.WEB, now=timezone.now()
    )
    deliver_announced()
    first.refresh_from_db()
    assert (first.state, first.last_error) == (MessageState.CANCELLED, "appointment rescheduled")
    moved = sms(appointment, state=MessageState.QUEUED)
    assert [m.next_attempt_at for m in moved] == [later.start - 72 * HOUR, later.start - 24 * HOUR]
    appointment.refresh_from_db()
    services.cancel_appointment(appointment=appointment, channel=Channel.WEB, now=timezone.now())
    deliver_announced()
    assert not sms(appointment, state=MessageState.QUEUED)


def test_at_send_time_a_stale_sms_reminder_is_not_sent(window):
    appointment = book_in(window, 10 * 24, applicant(phone=PHONE))
    deliver_announced()
    first, _ = sms(appointment)
    # Cancelled behind the plan's back (its event not delivered yet): the send drops it.
    appointment.status = "cancelled"
    appointment.save(update_fields=["status"])
    assert send_at(first, first.next_attempt_at) == MessageState.CANCELLED
    assert first.last_error == "appointment cancelled"
