"""Apologies to the people whose booked slot a regenerated schedule no longer offers.

Scheduling keeps such a slot, flags it as a conflict and announces `SlotsInConflict` in the
regeneration's transaction (scheduling cannot import booking, a layer above it). The receiver finds
the confirmed appointments in those slots and writes one e-mail per appointment, conflict and
address (and one SMS per phone number, `...:sms:<phone>`, when SMS are on): the dedup key
`slot_conflict:<code>:<slot>:<cause digest>:email:<addr>` names the cause, so
a regeneration that finds the same conflict again writes nothing, and a new cause is told.

The message carries the reason (in the citizen's language; a closure's reason and a holiday's name
as staff wrote them) and a link to choose another time. Until the portal (issue 5) has its
reschedule page, that link is the signed cancel page (`/cita/cancelar/<token>/`), valid until the
slot's start, past the usual cut-off: the office's change lifts it (notifications.views).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.utils import timezone

from miconsulado.booking.models import Appointment, AppointmentStatus
from miconsulado.catalog.models import Office
from miconsulado.notifications.links import cancel_link_context
from miconsulado.notifications.models import Message, MessageKind
from miconsulado.notifications.services import queue_appointment_emails, queue_appointment_sms


def cause_digest(cause: str, detail: str) -> str:
    return hashlib.sha256(f"{cause}\n{detail}".encode()).hexdigest()[:12]


def queue_conflict_emails(
    *, office_code: str, slots: list[dict[str, Any]], now: dt.datetime | None = None
) -> list[Message]:
    """Write (once) the apology of every confirmed appointment in `slots` (SlotsInConflict's)."""
    now = now or timezone.now()
    office = Office.objects.get(code=office_code)
    written: list[Message] = []
    for entry in slots:
        slot_id, start = int(entry["slot"]), str(entry["start"])
        cause, detail = str(entry.get("cause", "")), str(entry.get("detail", ""))
        codes = Appointment.objects.filter(slot_id=slot_id, status=AppointmentStatus.CONFIRMED).values_list(
            "code", flat=True
        )
        for code in codes.order_by("pk"):
            extra = {"conflict_cause": cause, "conflict_detail": detail}
            extra.update(
                cancel_link_context(
                    office=office,
                    code=code,
                    slot_id=slot_id,
                    start_utc=start,
                    now=now,
                    until=dt.datetime.fromisoformat(start),
                )
            )
            version = f"{slot_id}:{cause_digest(cause, detail)}"
            facts = {"office": office_code, "slot": slot_id, "slot_start": start, "channel": ""}
            written += queue_appointment_emails(
                kind=MessageKind.SLOT_CONFLICT, code=code, version=version, facts=facts, extra_context=extra
            )
            # And an SMS to each phone number, with the e-mail's link (two segments: sms_text.py).
            written += queue_appointment_sms(
                kind=MessageKind.SLOT_CONFLICT,
                code=code,
                version=version,
                facts=facts,
                link=extra.get("cancel_url", ""),
            )
    return written
