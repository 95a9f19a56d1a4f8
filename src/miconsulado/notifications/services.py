"""Writing messages into the outbox, and the admin's "send again".

A message's row is written by the receiver of the booking event that causes it (receivers.py), in
the receiver's transaction, together with the task that sends it (core.outbox): both commit or
neither does. Its `dedup_key` is unique, so an event delivered twice writes one row (decision 0009).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from email.utils import make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from miconsulado.booking.models import Appointment
from miconsulado.catalog.models import Office
from miconsulado.core.outbox import enqueue_on_commit
from miconsulado.notifications.compose import render
from miconsulado.notifications.links import cancel_link_context
from miconsulado.notifications.models import Message, MessageChannel, MessageKind, MessageState


def new_message_id() -> str:
    """An RFC 5322 Message-ID in the sender's domain, fixed for the row's life."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "miconsulado.localhost"
    return make_msgid(domain=domain)


def appointment_language(appointment: Appointment) -> str:
    """The language the appointment was booked in (es or en: booking checks it)."""
    return appointment.language


def email_recipients(appointment: Appointment) -> list[str]:
    """Every distinct e-mail address among the appointment's people, in their order (a family often
    gives one address for all)."""
    seen: dict[str, str] = {}
    for address in appointment.applicants.order_by("position").values_list("email", flat=True):
        if address and address.lower() not in seen:
            seen[address.lower()] = address
    return list(seen.values())


def queue_appointment_emails(
    *,
    kind: MessageKind,
    code: str,
    version: str,
    facts: dict[str, Any],
    extra_context: dict[str, Any] | None = None,
) -> list[Message]:
    """Write (once) the e-mails of `kind` about the appointment `code` and queue their sending with
    the current transaction. `version` tells this change from another of the same kind (a second
    reschedule); `facts` are the event's; `extra_context`, what the kind's templates need besides.
    Returns the rows written now (none on a redelivery)."""
    appointment = Appointment.objects.select_related("office", "procedure").filter(code=code).first()
    if appointment is None:
        return []
    language = appointment_language(appointment)
    # One text for every recipient: rendered once, not per address.
    context = _context(appointment, facts, language)
    if kind in (MessageKind.CONFIRMED, MessageKind.RESCHEDULED):
        # The signed link to cancel (notifications/links.py), for the slot this message is about.
        context.update(
            cancel_link_context(
                office=context["office"],
                code=code,
                slot_id=int(facts["slot"]),
                start_utc=facts["slot_start"],
                now=timezone.now(),
            )
        )
    context.update(extra_context or {})
    rendered = render(kind.value, language=language, context=context)
    written = []
    for address in email_recipients(appointment):
        key = f"{kind.value}:{code}:{version}:email:{address.lower()}"
        # No look first: the event again finds its row by the unique key (_insert_once).
        message = Message(
            kind=kind,
            channel=MessageChannel.EMAIL,
            recipient=address,
            language=language,
            appointment=appointment,
            office=context["office"],
            dedup_key=key,
            message_id=new_message_id(),
            subject=rendered.subject[:300],
            body_text=rendered.text,
            body_html=rendered.html,
            next_attempt_at=timezone.now(),
        )
        if write_once(message):
            written.append(message)
    return written


def _context(appointment: Appointment, facts: dict[str, Any], language: str) -> dict[str, Any]:
    # The appointment's own office needs no query (a confirmation's, a reminder's): only a move
    # from or to another office reads the offices the event names.
    wanted = {facts["office"], facts.get("previous_office")} - {None, "", appointment.office.code}
    offices = {appointment.office.code: appointment.office}
    if wanted:
        offices.update({o.code: o for o in Office.objects.filter(code__in=wanted)})
    return {
        "language": language,
        "code": appointment.code,
        "office": offices.get(facts["office"], appointment.office),
        "procedure": appointment.procedure,
        "slot_start": facts["slot_start"],
        "channel": facts.get("channel", ""),
        "previous_office": offices.get(facts.get("previous_office") or ""),
        "previous_slot_start": facts.get("previous_slot_start", ""),
        "places": facts.get("places", appointment.places),
    }


def write_once(message: Message, *, run_after: dt.datetime | None = None) -> bool:
    """Write the message's row and queue its sending (at `run_after`), unless a row with its dedup
    key exists already (the same event again): then nothing, and False."""
    if not _insert_once(message):
        return False
    queue_send(message, run_after=run_after)
    return True


def _insert_once(message: Message) -> bool:
    """INSERT, or nothing if a row with its dedup key was written meanwhile (a concurrent delivery of
    the same event: the unique index decides, on SQLite and PostgreSQL alike)."""
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        if Message.objects.filter(dedup_key=message.dedup_key).exists():
            return False
        raise
    return True


def queue_send(message: Message, *, run_after: dt.datetime | None = None) -> None:
    """Queue the sending of `message` with the current transaction (now, or at `run_after`)."""
    from miconsulado.notifications.tasks import send_message  # tasks import this module

    enqueue_on_commit(
        send_message if run_after is None else send_message.using(run_after=run_after), message.pk
    )


def send_again(messages: Iterable[Message]) -> list[Message]:
    """The admin's "send again": a copy of each sent or failed message, as a new row with a
    Message-ID of its own (a mail program hides a message whose Message-ID it has seen) and the same
    text, queued now. Others (queued, sending, cancelled) are left alone. Returns the copies."""
    copies = []
    with transaction.atomic():
        for original in messages:
            if original.state not in (MessageState.SENT, MessageState.FAILED):
                continue
            n = Message.objects.filter(resent_from=original).count() + 1
            copy = Message(
                kind=original.kind,
                channel=original.channel,
                recipient=original.recipient,
                language=original.language,
                appointment_id=original.appointment_id,
                office_id=original.office_id,
                dedup_key=f"{original.dedup_key}:again:{n}"[:320],
                message_id=new_message_id(),
                subject=original.subject,
                body_text=original.body_text,
                body_html=original.body_html,
                next_attempt_at=timezone.now(),
                resent_from=original,
            )
            if _insert_once(copy):
                queue_send(copy)
                copies.append(copy)
    return copies


def sms_recipients(appointment: Appointment) -> list[str]:
    """Every distinct phone number (E.164, as booking stores it) among the appointment's people."""
    phones = appointment.applicants.order_by("position").values_list("phone", flat=True)
    return list(dict.fromkeys(p for p in phones if p))


def queue_appointment_sms(
    *, kind: MessageKind, code: str, version: str, facts: dict[str, Any], link: str = ""
) -> list[Message]:
    """As queue_appointment_emails, for the SMS of the appointment's phone numbers (none when SMS are
    off). Key `<kind>:<code>:<version>:sms:<phone>`. `link`: the one the text carries, if not the
    short link (sms_text.render_sms)."""
    from miconsulado.notifications.sms import sms_enabled
    from miconsulado.notifications.sms_text import render_sms

    if not sms_enabled():
        return []
    appointment = Appointment.objects.select_related("office", "procedure").filter(code=code).first()
    if appointment is None:
        return []
    language = appointment_language(appointment)
    context = _context(appointment, facts, language)
    text = render_sms(kind.value, language=language, context={**context, "link": link})
    written = []
    for phone in sms_recipients(appointment):
        key = f"{kind.value}:{code}:{version}:sms:{phone}"
        if Message.objects.filter(dedup_key=key).exists():
            continue
        message = Message(
            kind=kind,
            channel=MessageChannel.SMS,
            recipient=phone,
            language=language,
            appointment=appointment,
            office=context["office"],
            dedup_key=key,
            message_id=new_message_id(),  # the row's reference with the provider (and the file's name)
            body_text=text,
            next_attempt_at=timezone.now(),
        )
        if write_once(message):
            written.append(message)
    return written
