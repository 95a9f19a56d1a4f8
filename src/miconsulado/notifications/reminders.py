"""Reminders by e-mail, MICONSULADO_REMINDER_HOURS (default 72 and 24) before a confirmed appointment.

Scheduled as rows of the outbox: a reminder is a `Message` of kind `reminder`, written (rendered) by
the receivers of booking's events in their transaction, `queued` with its due time in
`next_attempt_at` and its send task queued to run then (`run_after`). A lost task is no loss: the
sweep (`requeue_stale_messages`) queues again any `queued` row that far past its due time.

`plan_reminders` brings an appointment's reminders in line with the appointment *as it is now*, so
that every event (confirmed, rescheduled, cancelled), delivered late, twice or out of order, ends
in the same rows:

* not confirmed any more (cancelled) → its queued reminders are `cancelled`;
* confirmed → queued reminders for another slot (before a move) are `cancelled`, and one reminder
  per offset and address is written for the current slot, unless already due: a change made less
  than 72 h before skips the 72 h reminder rather than send it late. The dedup key names the
  appointment, the slot (so its start) and the offset: `reminder:<code>:<slot>:<hours>h:email:<addr>`
  (and `...:sms:<phone>` for each phone number when SMS are on: a short text with the short link).
  A row cancelled by a move and needed again (moved back to that slot) is queued again, not doubled.

At send time (`why_not_send`, from notifications.tasks) a reminder is dropped (`cancelled`, the
reason in `last_error`) if its appointment is gone, not confirmed, moved, already started, told its
slot is no longer offered, or if a later reminder is due already (a worker back after a long stop
sends the 24 h reminder, not both in a burst).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from miconsulado.booking.models import Appointment, AppointmentStatus
from miconsulado.notifications.compose import render
from miconsulado.notifications.links import cancel_link_context
from miconsulado.notifications.models import Message, MessageChannel, MessageKind, MessageState
from miconsulado.notifications.services import (
    _context,
    appointment_language,
    email_recipients,
    new_message_id,
    queue_send,
    sms_recipients,
    write_once,
)
from miconsulado.notifications.sms import sms_enabled
from miconsulado.notifications.sms_text import render_sms


def reminder_hours() -> list[int]:
    """The offsets, in hours before the start, largest first."""
    return sorted({int(h) for h in settings.MICONSULADO["REMINDER_HOURS"]}, reverse=True)


def reminder_key(code: str, slot_id: int, hours: int, address: str, channel: str = "email") -> str:
    return f"reminder:{code}:{slot_id}:{hours}h:{channel}:{address.lower()}"


def key_slot_and_hours(key: str) -> tuple[int, int] | None:
    """(slot id, hours) named by a reminder's dedup key (or its admin copy's)."""
    parts = key.split(":")
    if len(parts) < 4 or parts[0] != MessageKind.REMINDER or not parts[3].endswith("h"):
        return None
    try:
        return int(parts[2]), int(parts[3][:-1])
    except ValueError:
        return None


def _drop(pending: QuerySet[Message], *, reason: str, now: dt.datetime) -> int:
    # Conditional on `queued`: a row a worker claimed meanwhile is its to finish.
    return pending.filter(state=MessageState.QUEUED).update(
        state=MessageState.CANCELLED, last_error=reason, updated_at=now
    )


def plan_reminders(*, code: str, now: dt.datetime | None = None) -> list[Message]:
    """Make the appointment `code`'s reminders match it as it is now (module docstring), in the
    caller's transaction. Returns the rows queued now (written or queued again)."""
    now = now or timezone.now()
    # Locked: a change committed while we plan waits, and its own event plans again after us, so
    # the last plan always sees the last state.
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("office", "procedure", "slot")
        .filter(code=code)
        .first()
    )
    if appointment is None:
        return []
    pending = Message.objects.filter(appointment=appointment, kind=MessageKind.REMINDER)
    if appointment.status != AppointmentStatus.CONFIRMED:
        _drop(pending, reason=f"appointment {appointment.status}", now=now)
        return []
    slot = appointment.slot
    # The appointment's reminder rows, read once: those queued for another slot (before a move) are
    # dropped, those of this slot are not written twice. A row claimed by a worker meanwhile is left
    # to it (_drop is conditional on `queued`).
    existing = dict(pending.values_list("dedup_key", "state"))
    ours = f"reminder:{code}:{slot.pk}:"
    if any(state == MessageState.QUEUED and not key.startswith(ours) for key, state in existing.items()):
        _drop(pending.exclude(dedup_key__startswith=ours), reason="appointment rescheduled", now=now)
    addresses = email_recipients(appointment)
    # The SMS reminders (a short text with the short link) follow the same plan: same offsets, same
    # keys but for their channel, dropped and skipped alike (`pending` holds both channels).
    phones = sms_recipients(appointment) if sms_enabled() else []
    language = appointment_language(appointment)
    base_context: dict[str, Any] | None = None  # the same for every offset but its hours and link
    queued: list[Message] = []
    for hours in reminder_hours():
        due = slot.start - dt.timedelta(hours=hours)
        if due <= now:
            continue  # already due when the change came: skipped, not sent late
        keys = {reminder_key(code, slot.pk, hours, a): (MessageChannel.EMAIL, a) for a in addresses}
        keys.update({reminder_key(code, slot.pk, hours, p, "sms"): (MessageChannel.SMS, p) for p in phones})
        todo = {k: a for k, a in keys.items() if existing.get(k) in (None, MessageState.CANCELLED)}
        if not todo:
            continue
        if base_context is None:
            base_context = _base_context(appointment)
        rendered = render(
            MessageKind.REMINDER.value,
            language=language,
            context=_reminder_context(appointment, hours, due, base_context),
        )
        texts = {
            MessageChannel.EMAIL: {
                "subject": rendered.subject[:300],
                "body_text": rendered.text,
                "body_html": rendered.html,
            },
            MessageChannel.SMS: {
                "subject": "",
                "body_text": render_sms(MessageKind.REMINDER.value, language=language, context=base_context)
                if phones
                else "",
                "body_html": "",
            },
        }
        for key, (channel, address) in todo.items():
            if key in existing:  # cancelled by a move away, and the appointment is back: queue it again
                revived = Message.objects.filter(dedup_key=key, state=MessageState.CANCELLED).update(
                    state=MessageState.QUEUED,
                    **texts[channel],
                    next_attempt_at=due,
                    last_error="",
                    updated_at=now,
                )
                if revived:
                    message = Message.objects.get(dedup_key=key)
                    queue_send(message, run_after=due)
                    queued.append(message)
                continue
            message = Message(
                kind=MessageKind.REMINDER,
                channel=channel,
                recipient=address,
                language=language,
                appointment=appointment,
                office=appointment.office,
                dedup_key=key,
                message_id=new_message_id(),
                **texts[channel],
                next_attempt_at=due,
            )
            if write_once(message, run_after=due):
                queued.append(message)
    return queued


def _base_context(appointment: Appointment) -> dict[str, Any]:
    start = appointment.slot.start.astimezone(dt.UTC).isoformat()
    facts = {"office": appointment.office.code, "slot": appointment.slot_id, "slot_start": start}
    return _context(appointment, facts, appointment_language(appointment))


def _reminder_context(
    appointment: Appointment, hours: int, due: dt.datetime, base: dict[str, Any] | None = None
) -> dict[str, Any]:
    context = dict(base or _base_context(appointment))
    start = context["slot_start"]
    context["reminder_hours"] = hours
    # The link as it will be when the reminder arrives: none if the cut-off has passed by then.
    context.update(
        cancel_link_context(
            office=appointment.office,
            code=appointment.code,
            slot_id=appointment.slot_id,
            start_utc=start,
            now=due,
        )
    )
    return context


def why_not_send(message: Message, *, now: dt.datetime) -> str:
    """Why the reminder `message` must not go out now ("" if it should)."""
    named = key_slot_and_hours(message.dedup_key)
    appointment = (
        Appointment.objects.select_related("slot").filter(pk=message.appointment_id).first()
        if message.appointment_id
        else None
    )
    if appointment is None or named is None:
        return "no appointment"
    slot_id, hours = named
    if appointment.status != AppointmentStatus.CONFIRMED:
        return f"appointment {appointment.status}"
    if appointment.slot_id != slot_id:
        return "appointment rescheduled"
    start = appointment.slot.start
    if start <= now:
        return "appointment already started"
    if (
        appointment.slot.conflict
        and Message.objects.filter(
            kind=MessageKind.SLOT_CONFLICT,
            dedup_key__startswith=f"slot_conflict:{appointment.code}:{slot_id}:",
        ).exists()
    ):
        return "the office no longer offers this time (told so)"
    if message.resent_from_id is None:  # the admin's "send again" is a deliberate repeat
        for later in reminder_hours():
            if later < hours and start - dt.timedelta(hours=later) <= now:
                return f"superseded by the {later} h reminder"
    return ""
