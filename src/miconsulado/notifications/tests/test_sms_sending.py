"""SMS rows from booking's events, sent by the worker: once per event and number, in the
appointment's language, failed at once on an invalid number, retried on a provider error, and not
sent twice when Twilio already has the message of a row whose worker died."""

import datetime as dt
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from miconsulado.booking import services
from miconsulado.core import events
from miconsulado.core.channels import Channel
from miconsulado.notifications import sms
from miconsulado.notifications.models import Message, MessageChannel, MessageKind, MessageState
from miconsulado.notifications.tasks import requeue_stale_messages
from miconsulado.notifications.tests.booking_support import book
from miconsulado.notifications.tests.conftest import deliver_announced, send_queued, tasks_named
from miconsulado.notifications.tests.twilio_support import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    SENDER,
    LocalTwilioHttpClient,
    Reply,
)
from miconsulado.testing import applicant, make_slot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+12135550100"


@pytest.fixture
def memory():
    sms.memory_outbox.sent.clear()
    sms.memory_outbox.fail_with = None
    with override_settings(SMS_BACKEND="memory", PUBLIC_URL="https://citas.example"):
        yield sms.memory_outbox
    sms.memory_outbox.sent.clear()
    sms.memory_outbox.fail_with = None


@pytest.fixture
def twilio(twilio_api, monkeypatch):
    """SMS_BACKEND=twilio, its client talking to the fake Twilio API."""
    client = sms.TwilioSms(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        sender=SENDER,
        http_client=LocalTwilioHttpClient(twilio_api.url, timeout=0.5),
    )
    monkeypatch.setattr(sms, "_twilio", lambda *args: client)
    with override_settings(
        SMS_BACKEND="twilio",
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        SMS_FROM=SENDER,
        PUBLIC_URL="https://citas.example",
        MICONSULADO={**_settings(), "MESSAGE_RETRY_SECONDS": 60, "MESSAGE_MAX_ATTEMPTS": 5},
    ):
        yield twilio_api


def _settings():
    from django.conf import settings

    return settings.MICONSULADO


def sms_rows():
    return Message.objects.filter(channel=MessageChannel.SMS).order_by("id")


def test_a_confirmation_writes_one_sms_per_number_beside_the_emails(memory, slot, procedure):
    family = [
        applicant(email="ana@example.com", phone="+1 213 555 0100"),
        applicant(email="luis@example.com", phone="(213) 555-0100"),  # the same number, typed otherwise
        applicant(email="", phone="+52 55 1234 5678"),
        applicant(email="", phone=""),
    ]
    appointment = book(slot, procedure, *family)
    deliver_announced()
    rows = list(sms_rows())
    assert [m.recipient for m in rows] == [PHONE, "+525512345678"]
    for message in rows:
        assert message.dedup_key == f"confirmed:{appointment.code}:{slot.pk}:sms:{message.recipient}"
        assert (message.kind, message.state, message.language) == (MessageKind.CONFIRMED, "queued", "es")
        assert message.subject == "" and message.body_html == ""
        assert appointment.code[:4] in message.body_text and "hora local" in message.body_text
        assert message.body_text.endswith(f"https://citas.example/c/{appointment.code}")
    assert Message.objects.filter(channel=MessageChannel.EMAIL).count() == 2  # e-mails as before
    assert sorted(r.args[0] for r in tasks_named("send_message")) == sorted(
        Message.objects.values_list("pk", flat=True)
    )


def test_sent_through_the_provider_with_its_reference_and_status_callback(memory, slot, procedure):
    book(slot, procedure, applicant(phone=PHONE))
    deliver_announced()
    assert MessageState.SENT in send_queued()
    message = sms_rows().get()
    (sent,) = memory.sent
    assert (sent.to, sent.body, sent.reference) == (PHONE, message.body_text, message.message_id)
    assert sent.status_callback == f"https://citas.example/notifications/sms/status?m={message.pk}"
    assert (message.state, message.provider_message_id, message.attempts) == ("sent", "memory:1", 1)


def test_a_redelivered_event_and_a_later_change_write_each_sms_once(memory, slot, window, procedure):
    appointment = book(slot, procedure, applicant(phone=PHONE))
    ((name, payload),) = [tuple(r.args[:2]) for r in tasks_named("deliver_event")]
    deliver_announced()
    events.deliver(name, payload)
    events.deliver(name, payload)
    other = make_slot(window, capacity=4)
    services.reschedule_appointment(appointment=appointment, new_slot=other, channel=Channel.PHONE)
    services.cancel_appointment(appointment=appointment, channel=Channel.STAFF)
    deliver_announced()
    code = appointment.code
    assert list(sms_rows().values_list("dedup_key", flat=True)) == [
        f"confirmed:{code}:{slot.pk}:sms:{PHONE}",
        f"rescheduled:{code}:{slot.pk}-{other.pk}:sms:{PHONE}",
        f"cancelled:{code}:{other.pk}:sms:{PHONE}",
    ]
    cancelled = sms_rows().get(kind=MessageKind.CANCELLED)
    assert "cancelada" in cancelled.body_text and cancelled.body_text.endswith("https://citas.example/")


def test_written_in_the_appointments_language(memory, slot, procedure):
    appointment = book(slot, procedure, applicant(phone=PHONE))
    type(appointment).objects.filter(pk=appointment.pk).update(language="en")
    deliver_announced()
    message = sms_rows().get()
    assert message.language == "en"
    assert "confirmed" in message.body_text and "local time" in message.body_text


def test_sms_off_writes_no_sms_rows(slot, procedure):
    with override_settings(SMS_BACKEND="off"):
        book(slot, procedure, applicant(email="ana@example.com", phone=PHONE))
        deliver_announced()
    assert not sms_rows().exists()
    assert Message.objects.filter(channel=MessageChannel.EMAIL).count() == 1


def test_an_invalid_number_fails_at_once_with_twilios_reason(twilio, slot, procedure):
    twilio.script[PHONE] = [Reply(status=400, code=21211, message="The 'To' number is not valid.")]
    book(slot, procedure, applicant(phone=PHONE))
    deliver_announced()
    assert MessageState.SENT in send_queued()
    message = sms_rows().get()
    assert (message.state, message.attempts) == ("failed", 1)
    assert "21211" in message.last_error and "not valid" in message.last_error
    assert not tasks_named("send_message")


def test_a_provider_error_is_retried_later_and_then_sent(twilio, slot, procedure):
    twilio.script[PHONE] = [Reply(status=503, code=20503, message="Service unavailable")]
    book(slot, procedure, applicant(phone=PHONE))
    deliver_announced()
    sms_pk = sms_rows().get().pk
    pending = [r for r in tasks_named("send_message") if r.args[0] == sms_pk]
    assert [r.task.call(*r.args) for r in pending] == [MessageState.QUEUED]
    for r in pending:
        from django_tasks import default_task_backend

        default_task_backend.results.remove(r)
    message = sms_rows().get()
    assert message.state == "queued" and "503" in message.last_error
    (retry,) = [r for r in tasks_named("send_message") if r.args[0] == sms_pk]
    assert retry.task.run_after == message.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
    assert MessageState.SENT in send_queued()
    message.refresh_from_db()
    assert message.state == "sent" and message.provider_message_id == twilio.messages[0]["sid"]
    assert len(twilio.messages) == 1


def test_a_timeout_after_twilio_took_the_message_does_not_send_it_twice(twilio, slot, procedure):
    # Twilio creates the message but answers after the client gave up: the row is queued again...
    twilio.script[PHONE] = [Reply(delay=1.5)]
    book(slot, procedure, applicant(phone=PHONE))
    deliver_announced()
    assert MessageState.SENT in send_queued()
    # ...and its retry finds the message Twilio has, and records it instead of sending another.
    message = sms_rows().get()
    assert message.attempts == 2 and message.state == "sent"
    creates = [r for r in twilio.requests if r[0] == "POST"]
    assert len(creates) == 1 and len(twilio.messages) == 1
    assert message.provider_message_id == twilio.messages[0]["sid"]


def test_a_worker_killed_after_handing_over_is_not_repeated_by_the_sweep(twilio, slot, procedure):
    book(slot, procedure, applicant(phone=PHONE))
    deliver_announced()
    message = sms_rows().get()
    # What a killed worker leaves: claimed (sending, one attempt), Twilio has the message, no id here.
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.SENDING, attempts=1, next_attempt_at=timezone.now() - dt.timedelta(hours=1)
    )
    sms.provider().send(
        sms.OutgoingSms(
            to=PHONE, body=message.body_text, reference=message.message_id, not_before=message.created_at
        )
    )
    from django_tasks import default_task_backend

    default_task_backend.clear()
    assert requeue_stale_messages.call() == 1
    assert MessageState.SENT in send_queued()
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 2)
    assert message.provider_message_id == twilio.messages[0]["sid"]
    assert len(twilio.messages) == 1


def test_files_in_the_demo_one_readable_file_per_message(slot, procedure, tmp_path: Path):
    with override_settings(
        SMS_BACKEND="file", SMS_FILE_PATH=str(tmp_path), PUBLIC_URL="http://127.0.0.1:8000"
    ):
        book(slot, procedure, applicant(phone=PHONE))
        deliver_announced()
        assert MessageState.SENT in send_queued()
        message = sms_rows().get()
        (path,) = tmp_path.glob("*.txt")
        text = path.read_text(encoding="utf-8")
        assert text.startswith(f"To: {PHONE}\n") and text.endswith(message.body_text + "\n")
        assert message.provider_message_id == f"file:{path.name}"
        # A retry of the same row (its worker died after writing the file) finds the file.
        outgoing = sms.OutgoingSms(
            to=PHONE, body=message.body_text, reference=message.message_id, not_before=message.created_at
        )
        assert sms.provider().find_sent(outgoing) == f"file:{path.name}"
