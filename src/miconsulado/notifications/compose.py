"""What an appointment's e-mail says, rendered from templates in the message's language.

Times come from the event (the slot it concerns, in UTC) and are stated in the office's local time,
said to be local: a citizen in another zone must not convert them. Rendered when the message's row
is written, in the worker (decision 0009), never in the request that made the change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, translation

from miconsulado.catalog.localtime import to_office_time
from miconsulado.catalog.models import Office, Procedure
from miconsulado.core.channels import Channel
from miconsulado.notifications.details import fees_in_force

ARRIVE_EARLY_MINUTES = 15


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def local_when(start_utc: str, office: Office) -> dict[str, str]:
    """The office's wall-clock date and time of an instant, in the active language."""
    local = to_office_time(dt.datetime.fromisoformat(start_utc), office)
    return {
        "date": f"{formats.date_format(local, 'l')}, {formats.date_format(local, 'DATE_FORMAT')}",
        "time": local.strftime("%H:%M"),
        "zone": local.strftime("%Z"),
        "city": office.city,
    }


def fee_lines(procedure: Procedure, on: dt.date) -> list[str]:
    return [
        f"{fee.name}: {fee.amount_cents // 100:,}.{fee.amount_cents % 100:02d} {fee.currency}"
        for fee in fees_in_force(procedure, on)
    ]


def render(template: str, *, language: str, context: dict[str, Any]) -> Rendered:
    """notifications/email/<template>_subject.txt, .txt and .html, in `language`, with the
    appointment's details (office, procedure, local time, fees) worded in it."""
    with translation.override(language):
        return _parts(template, {**context, **_translated(context)})


def render_plain(template: str, *, language: str, context: dict[str, Any]) -> Rendered:
    """The same for a message about no appointment (a verification code): the context as given."""
    with translation.override(language):
        return _parts(template, dict(context))


def _parts(template: str, context: dict[str, Any]) -> Rendered:
    base = f"notifications/email/{template}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    context["subject"] = subject  # the HTML part's title
    return Rendered(
        subject=subject,
        text=render_to_string(f"{base}.txt", context).strip() + "\n",
        html=render_to_string(f"{base}.html", context),
    )


def _translated(context: dict[str, Any]) -> dict[str, Any]:
    """What depends on the active language: names, documents, dates, fees."""
    office: Office = context["office"]
    procedure: Procedure = context["procedure"]
    start: str = context["slot_start"]
    extra: dict[str, Any] = {
        "office_name": office.name,
        "office_address": office.address or office.city,  # an address names its city already
        "procedure_name": procedure.name,
        "documents": [
            line.strip(" -•\t") for line in procedure.documents.splitlines() if line.strip(" -•\t")
        ],
        "when": local_when(start, office),
        "fees": fee_lines(procedure, to_office_time(dt.datetime.fromisoformat(start), office).date()),
        "arrive_early": ARRIVE_EARLY_MINUTES,
        "channel_label": Channel(context["channel"]).label
        if context.get("channel") in Channel.values
        else "",
    }
    if context.get("cancel_until_utc"):
        extra["cancel_until"] = local_when(context["cancel_until_utc"], office)
    previous: Office | None = context.get("previous_office")
    if previous is not None and context.get("previous_slot_start"):
        extra["previous_office_name"] = previous.name
        extra["previous_when"] = local_when(context["previous_slot_start"], previous)
    return extra
