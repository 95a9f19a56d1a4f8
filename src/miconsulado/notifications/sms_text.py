"""What an appointment's SMS says: code, office, local date and time, a link — one GSM-7 segment.

Rendered from notifications/sms/<kind>.txt in the message's language, on one line, then made GSM-7
(gsm7.py: accents GSM lacks are dropped, so the text never falls back to UCS-2). The office is named
in full when the text still fits in 160 septets, else by its city ("Consulado en San Bernardino").
With MICONSULADO_PUBLIC_URL up to PUBLIC_URL_BUDGET characters every SMS fits one segment (the
tests render every kind for all offices in both languages); a longer URL may make a two-part SMS:
the link is never cut.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, translation
from django.utils.translation import gettext as _

from miconsulado.booking.codes import display_code
from miconsulado.catalog.localtime import to_office_time
from miconsulado.catalog.models import Office
from miconsulado.notifications.gsm7 import SINGLE_SEGMENT, septets, to_gsm7

PUBLIC_URL_BUDGET = 40  # characters of MICONSULADO_PUBLIC_URL that still leave every SMS one segment


def appointment_link(code: str) -> str:
    """The short public link to an appointment (the page that shows, cancels or moves it)."""
    if not settings.PUBLIC_URL:
        return ""
    return settings.PUBLIC_URL + reverse("sms:appointment-link", kwargs={"code": code})


def booking_link() -> str:
    return f"{settings.PUBLIC_URL}/" if settings.PUBLIC_URL else ""


def render_sms(kind: str, *, language: str, context: dict[str, Any]) -> str:
    """The SMS of `kind` (confirmed, cancelled, rescheduled) from the receiver's context (the
    appointment's code, its office and the slot's start in UTC, ISO 8601)."""
    office: Office = context["office"]
    local = to_office_time(dt.datetime.fromisoformat(context["slot_start"]), office)
    link = booking_link() if kind == "cancelled" else appointment_link(context["code"])
    with translation.override(language):
        # Translators: a Django date format for an SMS, short (docs: "date" template filter).
        date = dateformat.format(local, _("D j b Y"))
        names = [office.name, _("Consulado en %(city)s") % {"city": office.city}]
        text = ""
        for name in names:
            values = {
                "code": display_code(context["code"]),
                "office": name,
                "date": date,
                "time": local.strftime("%H:%M"),
                "link": link,
            }
            text = to_gsm7(" ".join(render_to_string(f"notifications/sms/{kind}.txt", values).split()))
            if septets(text) <= SINGLE_SEGMENT:
                break
        return text
