"""The e-mail that carries a hold's verification code (booking's VerificationCodeIssued).

One message per issued code (its dedup key names the code's row), in the hold's language, with the
six digits prominent, how long they last, and what to do if the person did not ask for them. No
attachments: the hold is not an appointment yet (notifications/attachments.py).

The code reaches this module sealed (booking/verification.py) and is opened only to render the
message. The message's row must hold the text that is sent; the admin shows that text with the code
masked (notifications/admin.py), and nothing here logs it.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from miconsulado.booking import verification
from miconsulado.booking.events import VerificationCodeIssued
from miconsulado.booking.models import Appointment
from miconsulado.catalog.models import Office
from miconsulado.notifications.compose import render_plain
from miconsulado.notifications.models import Message, MessageChannel, MessageKind
from miconsulado.notifications.services import new_message_id, write_once

TEMPLATE = "verification_code"


def dedup_key(event: VerificationCodeIssued) -> str:
    return f"{MessageKind.VERIFICATION_CODE.value}:{event.verification}:email"


def queue_verification_email(event: VerificationCodeIssued) -> Message | None:
    """Write (once) the e-mail of the code `event` issued and queue its sending with the current
    transaction. None when it was written already (a redelivered event) or the code goes by SMS."""
    if event.channel != MessageChannel.EMAIL:
        return None
    key = dedup_key(event)
    if Message.objects.filter(dedup_key=key).exists():
        return None
    language = event.language if event.language in ("es", "en") else "es"
    context: dict[str, Any] = {
        "language": language,
        "code": verification.unseal(event.sealed_code, event.salt),
        "minutes": event.valid_minutes,
    }
    rendered = render_plain(TEMPLATE, language=language, context=context)
    message = Message(
        kind=MessageKind.VERIFICATION_CODE,
        channel=MessageChannel.EMAIL,
        recipient=event.contact,
        language=language,
        # The hold, for the admin's search by code; it may have lapsed or been confirmed since.
        appointment=Appointment.objects.filter(code=event.appointment).first(),
        office=Office.objects.filter(code=event.office).first(),
        dedup_key=key,
        message_id=new_message_id(),
        subject=rendered.subject[:300],
        body_text=rendered.text,
        body_html=rendered.html,
        next_attempt_at=timezone.now(),
    )
    return message if write_once(message) else None
