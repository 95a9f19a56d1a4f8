"""Sending the outbox's messages, in the task worker (`db_worker`).

`send_message` claims its row with one conditional UPDATE (queued -> sending): of two workers given
the same row, one sends and the other finds nothing to do. Sent rows record the provider's id; a
passing failure (SMTP 4xx, a timeout, a refused connection) puts the row back in the queue with a
later run (1, 2, 4 … times MESSAGE_RETRY_SECONDS, at most an hour apart) until MESSAGE_MAX_ATTEMPTS;
a permanent one (SMTP 5xx, an address no server will take) fails the row at once, with the reason.

`requeue_stale_messages` (every minute, from run_scheduler) finds rows whose worker died: left in
`sending` for longer than MESSAGE_SENDING_TIMEOUT_SECONDS, or `queued` and long overdue (their task
row was taken by a worker that died before claiming them). It queues them again. A row left in
`sending` may have reached the server before the worker died: it is sent again, with the same
Message-ID — the only messages that can arrive twice, and recognisably so.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from miconsulado.notifications import sms
from miconsulado.notifications.attachments import attachments_for
from miconsulado.notifications.models import Message, MessageChannel, MessageKind, MessageState
from miconsulado.notifications.reminders import why_not_send
from miconsulado.notifications.services import queue_send

logger = logging.getLogger(__name__)

MAX_RETRY_DELAY = dt.timedelta(hours=1)


class PermanentFailure(Exception):
    """This message will never be delivered as it is (a refused address, a bad recipient)."""


def _setting(name: str) -> int:
    return int(settings.MICONSULADO[name])


@task()
def send_message(message_pk: int, now_iso: str | None = None) -> str:
    """Send one queued message; returns the state it ends in ("" if it was not ours to send).
    `now_iso`: the clock, for tests."""
    now = dt.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    # A reminder is sent at its due time, not before (a task run early finds nothing to claim; the
    # sweep takes the row once it is overdue).
    due = ~Q(kind=MessageKind.REMINDER) | Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = Message.objects.filter(due, pk=message_pk, state=MessageState.QUEUED).update(
        state=MessageState.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=now,
        next_attempt_at=now,  # the sweep's clock: sending since
        updated_at=now,
    )
    if not claimed:
        return ""  # sent, failed or being sent by another worker
    message = Message.objects.get(pk=message_pk)
    if message.kind == MessageKind.REMINDER and (reason := why_not_send(message, now=now)):
        Message.objects.filter(pk=message.pk, state=MessageState.SENDING, attempts=message.attempts).update(
            state=MessageState.CANCELLED, last_error=reason, updated_at=now
        )
        logger.info("reminder %s not sent: %s", message.pk, reason)
        return MessageState.CANCELLED
    try:
        provider_id = deliver(message)
    except Exception as exc:  # every failure is recorded on the row
        permanent, reason = classify(exc)
        return _failed(message, reason, permanent=permanent)
    return _sent(message, provider_id)


def deliver(message: Message) -> str:
    """Hand the message to its transport; returns the provider's id for it."""
    if message.channel == MessageChannel.SMS:
        return deliver_sms(message)
    if message.channel != MessageChannel.EMAIL:
        raise PermanentFailure(f"no transport for channel {message.channel!r}")
    email = email_for(message)
    with get_connection(fail_silently=False) as connection:
        if connection.send_messages([email]) != 1:
            raise PermanentFailure("the transport did not take the message")
    return str(getattr(email, "provider_message_id", "") or "")


def deliver_sms(message: Message) -> str:
    """Hand an SMS row to the configured provider. A row tried before (attempts > 1) may have been
    handed over by a worker that died, or that timed out waiting for the answer: the provider is
    asked first, and a message it already has is recorded instead of sent again (sms.py)."""
    sms_provider = sms.provider()
    outgoing = sms.OutgoingSms(
        to=message.recipient,
        body=message.body_text,
        reference=message.message_id,
        not_before=message.created_at,
        status_callback=sms.status_callback_url(message.pk),
    )
    if message.attempts > 1 and (earlier := sms_provider.find_sent(outgoing)):
        logger.info("message %s: already with the provider as %s, not sent again", message.pk, earlier)
        return earlier
    return sms_provider.send(outgoing)


def email_for(message: Message) -> EmailMultiAlternatives:
    """The e-mail of a row: text and HTML parts, its fixed Message-ID, the attachments."""
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        reply_to=list(settings.EMAIL_REPLY_TO) or None,
        headers={"Message-ID": message.message_id, "Content-Language": message.language},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in attachments_for(message):
        email.attach(attachment.filename, attachment.content, attachment.mimetype)
    return email


def classify(exc: BaseException) -> tuple[bool, str]:
    """(permanent?, reason) of a failed send."""
    if isinstance(exc, PermanentFailure | sms.PermanentSmsError):
        return True, str(exc)
    if isinstance(exc, sms.TemporarySmsError):
        return False, str(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        reason = "; ".join(f"{addr}: {code} {_text(text)}" for addr, (code, text) in exc.recipients.items())
        return bool(codes) and all(500 <= code < 600 for code in codes), f"recipient refused: {reason}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        # The server refuses our credentials: a fault of the configuration, not of this message.
        return False, f"SMTP authentication failed: {exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600, f"SMTP {exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, ValueError):  # an address Django cannot even write into a header
        return True, f"bad address: {exc}"
    # Timeouts, refused connections, a server gone mid-conversation: worth another try.
    return False, f"{type(exc).__name__}: {exc}"


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _sent(message: Message, provider_id: str) -> str:
    now = timezone.now()
    done = Message.objects.filter(
        pk=message.pk, state=MessageState.SENDING, attempts=message.attempts
    ).update(
        state=MessageState.SENT,
        sent_at=now,
        provider_message_id=provider_id[:200],
        last_error="",
        updated_at=now,
    )
    if not done:
        logger.warning("message %s was sent, but the sweep had taken it back meanwhile", message.pk)
    return MessageState.SENT


def _failed(message: Message, reason: str, *, permanent: bool) -> str:
    now = timezone.now()
    gave_up = permanent or message.attempts >= _setting("MESSAGE_MAX_ATTEMPTS")
    ours = Message.objects.filter(pk=message.pk, state=MessageState.SENDING, attempts=message.attempts)
    if gave_up:
        ours.update(state=MessageState.FAILED, last_error=reason[:2000], updated_at=now)
        logger.warning("message %s failed after %s attempt(s): %s", message.pk, message.attempts, reason)
        return MessageState.FAILED
    delay = min(
        dt.timedelta(seconds=_setting("MESSAGE_RETRY_SECONDS")) * 2 ** (message.attempts - 1), MAX_RETRY_DELAY
    )
    run_after = now + delay
    with transaction.atomic():  # the row back in the queue and its next task: both or neither
        if ours.update(
            state=MessageState.QUEUED, last_error=reason[:2000], next_attempt_at=run_after, updated_at=now
        ):
            queue_send(message, run_after=run_after)
    logger.info(
        "message %s: attempt %s failed (%s), again at %s", message.pk, message.attempts, reason, run_after
    )
    return MessageState.QUEUED


@task()
def requeue_stale_messages(now_iso: str | None = None) -> int:
    """Queue again the messages whose worker died (see the module's docstring); how many."""
    now = dt.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    stale = now - dt.timedelta(seconds=_setting("MESSAGE_SENDING_TIMEOUT_SECONDS"))
    lost = Q(state__in=[MessageState.QUEUED, MessageState.SENDING], next_attempt_at__lt=stale)
    count = 0
    for pk in Message.objects.filter(lost).values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            # Conditional again: a worker may finish the row between the query and here.
            if Message.objects.filter(Q(pk=pk) & lost).update(
                state=MessageState.QUEUED, next_attempt_at=now, claimed_at=None, updated_at=now
            ):
                queue_send(Message(pk=pk))
                count += 1
    if count:
        logger.warning("%s message(s) queued again after their worker stopped", count)
    return count
