"""The signed link in messages that lets a citizen cancel an appointment (core.signed_links).

The link names the appointment *and the slot it was made for* (`<code>:<slot id>`): once the
appointment is moved, links sent for the old time are worthless ("changed since"), and once it is
cancelled they only say so. It expires at the office's cancellation cut-off before that slot
(scheduling's `cancellation_cutoff_hours`, the rule booking.services enforces), except in an apology
for a slot the office no longer offers: the office's change lifts the cut-off, so that link lasts
until the slot's start (notifications.views cancels such an appointment past the cut-off).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from miconsulado.catalog.models import Office
from miconsulado.core.signed_links import sign_link
from miconsulado.scheduling.selectors import schedule_for

CANCEL = "cancel"  # the purpose: a token made for another purpose is refused


def cancel_subject(code: str, slot_id: int) -> str:
    return f"{code}:{slot_id}"


def parse_cancel_subject(subject: str) -> tuple[str, int] | None:
    """(code, slot id), or None when the signed subject is not one of ours."""
    code, _, slot = subject.rpartition(":")
    return (code, int(slot)) if code and slot.isdigit() else None


def cancel_deadline(office: Office, start: dt.datetime) -> dt.datetime:
    """Until when the citizen may cancel the appointment at `start` themselves."""
    return start - dt.timedelta(hours=schedule_for(office).cancellation_cutoff_hours)


def absolute(path: str) -> str:
    """A path of ours as the link a message carries (MICONSULADO_PUBLIC_URL).

    Without a public URL (outside DEBUG, unset) links name the local address, which only works on
    this machine: set MICONSULADO_PUBLIC_URL in production (README).
    """
    return f"{settings.PUBLIC_URL or 'http://127.0.0.1:8000'}{path}"


def cancel_url(*, code: str, slot_id: int, expires_at: dt.datetime) -> str:
    token = sign_link(purpose=CANCEL, subject=cancel_subject(code, slot_id), expires_at=expires_at)
    return absolute(reverse("cancel_appointment_link", args=[token]))


def cancel_link_context(
    *,
    office: Office,
    code: str,
    slot_id: int,
    start_utc: str,
    now: dt.datetime,
    until: dt.datetime | None = None,
) -> dict[str, str]:
    """What a message's templates need for the cancel link (notifications/email/_cancel_link.*):
    the URL and its deadline (UTC; compose states it in the office's local time), or nothing when
    the deadline has passed already (the templates then say to call the office)."""
    deadline = until or cancel_deadline(office, dt.datetime.fromisoformat(start_utc))
    if deadline <= now:
        return {}
    return {
        "cancel_url": cancel_url(code=code, slot_id=slot_id, expires_at=deadline),
        "cancel_until_utc": deadline.astimezone(dt.UTC).isoformat(),
    }
