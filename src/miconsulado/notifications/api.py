"""The appointment's documents over HTTP: its PDF receipt and its calendar file.

Whoever may look the appointment up may have them (booking.requests.look_up: the code and a CURP in
it, or a staff or agent token; a wrong CURP is the same 404 as a wrong code). Written in `lang`, else
in the appointment's language.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from miconsulado.accounts.auth import OptionalTokenAuth, caller
from miconsulado.booking import requests
from miconsulado.booking.models import Appointment
from miconsulado.core.api_schemas import ErrorOut
from miconsulado.notifications.calendar import appointment_calendar, calendar_filename
from miconsulado.notifications.calendar import method as calendar_method
from miconsulado.notifications.receipt import appointment_receipt, receipt_filename

router = Router(tags=["citas"])

Language = Literal["es", "en"]
ERRORS = dict.fromkeys((401, 403, 404, 422), ErrorOut)


def _binary(media_type: str, description: str) -> dict[str, Any]:
    """The schema's 200 of an operation that answers a file, not JSON; a bearer token or none."""
    content = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return {"security": [{}], "responses": {200: {"description": description, "content": content}}}


def _language(lang: str | None, appointment: Appointment) -> str:
    """`?lang=` when asked, else the language the appointment was booked in."""
    return lang or appointment.language


def _file(content: bytes, *, content_type: str, filename: str, disposition: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Names and the appointment's details: for the person who asked, never a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _look_up(request: HttpRequest, code: str, curp: str | None) -> Appointment:
    return requests.look_up(caller=caller(request), code=code, curp=curp)


LANG = Query(None, description="es o en; por omisión, el idioma de la cita.")


@router.get(
    "/appointments/{code}/receipt.pdf",
    response=ERRORS,
    auth=OptionalTokenAuth(),
    openapi_extra=_binary("application/pdf", "El acuse de la cita (PDF)."),
    summary="Acuse de una cita (PDF)",
)
def appointment_receipt_pdf(
    request: HttpRequest, code: str, curp: str | None = Query(None), lang: Language | None = LANG
) -> HttpResponse:
    """Office, address, local date and time, procedure, the applicants (CURP masked), documents to
    bring, fee, and a QR code of the confirmation code for the desk. A wrong CURP gets the same 404
    as a wrong code; staff and agent tokens may omit the CURP."""
    appointment = _look_up(request, code, curp)
    return _file(
        appointment_receipt(appointment, language=_language(lang, appointment)),
        content_type="application/pdf",
        filename=receipt_filename(appointment),
        disposition="inline",
    )


@router.get(
    "/appointments/{code}/calendar.ics",
    response=ERRORS,
    auth=OptionalTokenAuth(),
    openapi_extra=_binary("text/calendar", "La cita para el calendario (iCalendar)."),
    summary="Cita para el calendario (.ics)",
)
def appointment_calendar_ics(
    request: HttpRequest, code: str, curp: str | None = Query(None), lang: Language | None = LANG
) -> HttpResponse:
    """The event in the office's zone, with an alarm a day before; the same UID for the life of the
    appointment, so a rescheduled one updates the entry and a cancelled one removes it."""
    appointment = _look_up(request, code, curp)
    return _file(
        appointment_calendar(appointment, language=_language(lang, appointment)),
        content_type=f"text/calendar; charset=utf-8; method={calendar_method(appointment)}",
        filename=calendar_filename(appointment),
        disposition="attachment",
    )
