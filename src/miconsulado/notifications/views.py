"""The page behind the cancel link of a message: /cita/cancelar/<token>/ (notifications/links.py).

GET only shows the appointment and a "Cancelar mi cita" button: mail scanners and link previews
open links, and must change nothing. The button POSTs (with CSRF) and cancels through booking's
service, channel `web`. A tampered link (400), an expired one (410), one made for a time the
appointment has left (410), or for an appointment that is no longer active (410) gets a page saying
so and what to do, and changes nothing; one whose appointment is already cancelled says so (200).

The page speaks the appointment's language unless the visitor chose one (the language switch of
base.html sets Django's language cookie); a link that cannot be read speaks the browser's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from miconsulado.booking.errors import CancellationWindowClosed, NotActive
from miconsulado.booking.models import Appointment, AppointmentStatus
from miconsulado.booking.services import cancel_appointment
from miconsulado.core.channels import Channel
from miconsulado.core.signed_links import LinkExpired, LinkInvalid, read_link
from miconsulado.notifications import details
from miconsulado.notifications.links import CANCEL, parse_cancel_subject

TEMPLATE = "notifications/cancel_link.html"

# The page's outcome -> its HTTP status.
STATUS = {
    "confirm": 200,
    "cancelled": 200,
    "already_cancelled": 200,
    "invalid": 400,
    "expired": 410,
    "changed": 410,
    "not_active": 410,
    "too_late": 410,
}


@never_cache
@require_http_methods(["GET", "POST"])
def cancel_page(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    try:
        claims = read_link(token, purpose=CANCEL, now=now)
    except LinkExpired:
        return _page(request, "expired")
    except LinkInvalid:
        return _page(request, "invalid")
    subject = parse_cancel_subject(claims.subject)
    appointment = (
        Appointment.objects.select_related("office", "procedure", "slot").filter(code=subject[0]).first()
        if subject
        else None
    )
    if subject is None or appointment is None:
        return _page(request, "invalid")
    _speak(request, appointment.language)
    slot_id = subject[1]
    outcome = _standing(appointment, slot_id, now)
    if outcome == "confirm" and request.method == "POST":
        outcome = _cancel(appointment, slot_id, now)
        appointment.refresh_from_db()
    return _page(request, outcome, appointment)


def _standing(appointment: Appointment, slot_id: int, now: dt.datetime) -> str:
    """What the link can still do for the appointment as it is."""
    if appointment.status == AppointmentStatus.CANCELLED:
        return "already_cancelled"
    if appointment.status != AppointmentStatus.CONFIRMED:
        return "not_active"
    if appointment.slot_id != slot_id:
        return "changed"
    if appointment.slot.start <= now:
        return "expired"
    return "confirm"


def _cancel(appointment: Appointment, slot_id: int, now: dt.datetime) -> str:
    with transaction.atomic():
        # Looked at again under the lock: a move or a cancellation committed since the page was
        # shown must not be undone with a link made for the old time.
        locked = (
            Appointment.objects.select_for_update(of=("self",)).select_related("slot").get(pk=appointment.pk)
        )
        outcome = _standing(locked, slot_id, now)
        if outcome != "confirm":
            return outcome
        try:
            cancel_appointment(
                appointment=locked,
                channel=Channel.WEB,
                reason="Enlace de cancelación de un mensaje",
                # A slot the office no longer offers: its change lifts the cut-off (conflicts.py).
                force=locked.slot.conflict,
                now=now,
            )
        except CancellationWindowClosed:
            return "too_late"
        except NotActive:
            return "not_active"
    return "cancelled"


def _speak(request: HttpRequest, language: str) -> None:
    """The appointment's language, unless the visitor switched (the language cookie)."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or language not in dict(settings.LANGUAGES):
        return
    translation.activate(language)
    request.LANGUAGE_CODE = language


def _page(request: HttpRequest, outcome: str, appointment: Appointment | None = None) -> HttpResponse:
    context: dict[str, Any] = {"outcome": outcome}
    if appointment is not None:
        context.update(
            code=appointment.code,
            procedure=appointment.procedure.name,
            place=details.office_place(appointment.office),
            when=details.local_when(appointment),
            places=appointment.places,
        )
    response = render(request, TEMPLATE, context, status=STATUS[outcome])
    response["X-Robots-Tag"] = "noindex"
    return response
