"""What an appointment's SMS says: code, office, local date and time, a link — one GSM-7 segment.

Rendered from notifications/sms/<kind>.txt in the message's language, on one line, then made GSM-7
(gsm7.py: accents GSM lacks are dropped, so the text never falls back to UCS-2). The office is named
in full when the text still fits in 160 septets, else by its city ("Consulado en San Bernardino").
With MICONSULADO_PUBLIC_URL up to PUBLIC_URL_BUDGET characters every SMS that carries the short link
(confirmed, cancelled, rescheduled, reminder) fits one segment (the tests render every kind for all
offices in both languages); a longer URL may make a two-part SMS: the link is never cut. A slot
conflict's SMS carries the e-mail's signed cancel link (about 120 characters of path) and an offer's
the signed accept link (about 155): neither fits one segment with any text, so those are two.
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
from miconsulado.notifications.gsm7 import SINGLE_SEGMENT, segments, septets, to_gsm7

PUBLIC_URL_BUDGET = 40  # characters of MICONSULADO_PUBLIC_URL that still leave every SMS one segment


def appointment_link(code: str) -> str:
    """The short public link to an appointment (the page that shows, cancels or moves it)."""
    if not settings.PUBLIC_URL:
        return ""
    return settings.PUBLIC_URL + reverse("sms:appointment-link", kwargs={"code": code})


def booking_link() -> str:
    return f"{settings.PUBLIC_URL}/" if settings.PUBLIC_URL else ""


def render_sms(kind: str, *, language: str, context: dict[str, Any]) -> str:
    """The SMS of `kind` (confirmed, cancelled, rescheduled, reminder, slot_conflict, waitlist_offer)
    from the receiver's context: the appointment's code, its office and the slot's start in UTC
    (ISO 8601); `link` when the message carries its own (a conflict's cancel link, an offer's accept
    link), else the short link; an offer's `expires_utc`. A signed link is too long for one segment
    with any text: such an SMS is two, the office named in full when it still fits in them."""
    office: Office = context["office"]
    local = to_office_time(dt.datetime.fromisoformat(context["slot_start"]), office)
    link = context.get("link") or (
        booking_link() if kind == "cancelled" else appointment_link(context.get("code", ""))
    )
    with translation.override(language):
        # Translators: a Django date format for an SMS, short (docs: "date" template filter).
        short_date = _("D j b Y")
        date = dateformat.format(local, short_date)
        until = ""
        if context.get("expires_utc"):
            ends = to_office_time(dt.datetime.fromisoformat(context["expires_utc"]), office)
            until = (
                ends.strftime("%H:%M")
                if ends.date() == local.date()
                else (f"{dateformat.format(ends, 'D')} {ends.strftime('%H:%M')}")
            )
        texts = []
        # The office in full, else "Consulado en <city>", else (only a signed link's two segments
        # need it) the city alone.
        for name in (office.name, _("Consulado en %(city)s") % {"city": office.city}, office.city):
            values = {
                "code": display_code(context["code"]) if context.get("code") else "",
                "office": name,
                "date": date,
                "time": local.strftime("%H:%M"),
                "until": until,
                "link": link,
            }
            text = to_gsm7(" ".join(render_to_string(f"notifications/sms/{kind}.txt", values).split()))
            if septets(text) <= SINGLE_SEGMENT:
                return text
            texts.append(text)
            if segments(text) == 2 and len(texts) > 1:
                break  # two segments is what a signed link costs: no need to drop more
        # Over one segment with any name: a short name (as short as it can be kept) that costs the
        # fewest segments.
        fewest = min(segments(t) for t in texts)
        return next(t for t in texts[1:] if segments(t) == fewest)
