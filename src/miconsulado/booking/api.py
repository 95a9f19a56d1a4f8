"""Appointments over JSON: create, look up, cancel, reschedule, and the office's list for a day.

Thin: parse, one call to booking.requests (which finds the rows, checks the caller and calls the
booking service, as for every channel), render. Citizens prove an appointment is theirs with its
code and a CURP in it; a staff or agent token may omit the CURP (consular staff only for their own
offices: elsewhere the appointment does not exist for them).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Header, Query, Router, Status

from miconsulado.accounts.auth import OptionalTokenAuth, TokenAuth, caller
from miconsulado.booking import requests, services
from miconsulado.booking.models import Appointment
from miconsulado.booking.schemas import (
    AppointmentIn,
    AppointmentOut,
    CancelIn,
    ConfirmIn,
    DayAppointmentsOut,
    HoldIn,
    HoldOut,
    RescheduleIn,
    VerificationIn,
    VerificationOut,
)
from miconsulado.catalog.localtime import office_zone
from miconsulado.core import languages
from miconsulado.core.api_schemas import ErrorOut

router = Router(tags=["citas"])

IDEMPOTENCY_KEY_MAX = 100  # Appointment.idempotency_key
ERRORS = (401, 403, 404, 409, 422)
# In the schema: a bearer token, or none at all (`{}`), for operations citizens use too.
TOKEN_OPTIONAL: dict[str, Any] = {"security": [{}]}


def _errors(*statuses: int) -> dict[int, Any]:
    return dict.fromkeys(statuses, ErrorOut)


# --- Rendering --------------------------------------------------------------------------------


def appointment_out(appointment: Appointment, *, curps: set[str] | None) -> dict[str, Any]:
    """Times in the office's zone, with its UTC offset. Names of the people in the appointment,
    and only the CURPs the caller already knows; the witnesses' names, and their ID documents for
    staff and agents only (`curps` None)."""
    office = appointment.office
    zone = office_zone(office)
    return {
        "code": appointment.code,
        "status": appointment.status,
        "office": {"code": office.code, "name": office.name, "tz": office.tz},
        "procedure": {"code": appointment.procedure.code, "name": appointment.procedure.name},
        "start": appointment.slot.start.astimezone(zone),
        "end": appointment.slot.end.astimezone(zone),
        "places": appointment.places,
        "language": appointment.language,
        "applicants": [
            {
                "given_names": a.given_names,
                "first_surname": a.first_surname,
                "second_surname": a.second_surname,
                "curp": a.curp if curps is None or a.curp in curps else None,
            }
            for a in appointment.applicants.all()
        ],
        # Only procedures that need witnesses have them (the service refuses others'): a booking
        # of any other procedure is answered without reading them.
        "witnesses": [
            {"full_name": w.full_name, "id_document": w.id_document if curps is None else None}
            for w in (appointment.witnesses.all() if appointment.procedure.witnesses_required else ())
        ],
    }


# --- Operations -------------------------------------------------------------------------------


@router.post(
    "/appointments",
    response={201: AppointmentOut, **_errors(*ERRORS)},
    auth=OptionalTokenAuth(),
    openapi_extra=TOKEN_OPTIONAL,
    summary="Reservar una cita",
)
def create_appointment(
    request: HttpRequest,
    payload: AppointmentIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        max_length=IDEMPOTENCY_KEY_MAX,
        description="Un reintento con la misma clave y el mismo cuerpo devuelve la misma cita.",
    ),
) -> Status[dict[str, Any]]:
    """Reserve and confirm in one step. Without a token the channel is `api`; an agent's token books
    by phone (`phone`), a consular staff token (own offices only), supervisor or admin as `staff`.
    The appointment's messages are in `language`, else the Accept-Language header's if es or en,
    else Spanish. Where the deployment turned one-step booking off for callers without a token
    (403 `anonymous_one_step_booking_off`), they hold (`POST /holds`), ask for a code
    (`POST /appointments/{code}/verification`) and confirm with it (`POST /appointments/{code}/confirm`)."""
    who = caller(request)
    key = (idempotency_key or "").strip() or None
    booked = requests.book(
        caller=who,
        office=payload.office,
        procedure=payload.procedure,
        start=payload.start,
        applicants=[a.to_data() for a in payload.applicants],
        witnesses=[w.to_data() for w in payload.witnesses],
        # The body's, else Accept-Language's (LocaleMiddleware's choice among settings.LANGUAGES).
        language=payload.language or languages.supported(getattr(request, "LANGUAGE_CODE", None)),
        idempotency_key=key,
        fingerprint=services.request_fingerprint(payload.model_dump(mode="json")) if key else "",
    )
    if booked.replayed:
        response["Idempotent-Replayed"] = "true"
    curps = requests.visible_curps(who, *(a.curp for a in payload.applicants))
    return Status(201, appointment_out(booked.appointment, curps=curps))


def hold_out(appointment: Appointment) -> dict[str, Any]:
    zone = office_zone(appointment.office)
    return {
        "code": appointment.code,
        "status": appointment.status,
        "office": {
            "code": appointment.office.code,
            "name": appointment.office.name,
            "tz": appointment.office.tz,
        },
        "procedure": {"code": appointment.procedure.code, "name": appointment.procedure.name},
        "start": appointment.slot.start.astimezone(zone),
        "end": appointment.slot.end.astimezone(zone),
        "places": appointment.places,
        "language": appointment.language,
        "expires_at": appointment.hold_expires_at,
    }


@router.post(
    "/holds",
    response={201: HoldOut, **_errors(*ERRORS)},
    auth=OptionalTokenAuth(),
    openapi_extra=TOKEN_OPTIONAL,
    summary="Apartar un horario",
)
def create_hold(request: HttpRequest, payload: HoldIn) -> Status[dict[str, Any]]:
    """Set places aside for a while (10 minutes by default) while the people are written down. Then,
    without a token: `POST /appointments/{code}/verification` sends a 6-digit code to the first
    applicant's e-mail, and `POST /appointments/{code}/confirm` with that code confirms."""
    who = caller(request)
    held = requests.hold(
        caller=who,
        office=payload.office,
        procedure=payload.procedure,
        start=payload.start,
        places=payload.places,
        language=payload.language or languages.supported(getattr(request, "LANGUAGE_CODE", None)),
    )
    return Status(201, hold_out(held))


@router.post(
    "/appointments/{code}/verification",
    response={200: VerificationOut, **_errors(*ERRORS)},
    auth=OptionalTokenAuth(),
    openapi_extra=TOKEN_OPTIONAL,
    summary="Enviar el código de verificación de un apartado",
)
def send_verification(request: HttpRequest, code: str, payload: VerificationIn) -> Status[dict[str, Any]]:
    """Send a 6-digit code to the e-mail of the hold's first applicant; valid 10 minutes, 5 attempts.
    A new code replaces the previous one; one a minute at most, 5 per hold (409
    `verification_resend_too_soon`, `verification_resend_limit`)."""
    issued = requests.send_code(
        caller=caller(request), code=code, contact=payload.email, language=payload.language
    )
    limits = settings.MICONSULADO
    return Status(
        200,
        {
            "channel": issued.channel,
            "expires_at": issued.expires_at,
            "resend_after": issued.created_at
            + dt.timedelta(seconds=int(limits["VERIFICATION_RESEND_SECONDS"])),
            "sends_left": max(
                0, int(limits["VERIFICATION_MAX_SENDS"]) - issued.appointment.verifications.count()
            ),
        },
    )


@router.post(
    "/appointments/{code}/confirm",
    response={200: AppointmentOut, **_errors(*ERRORS)},
    auth=OptionalTokenAuth(),
    openapi_extra=TOKEN_OPTIONAL,
    summary="Confirmar un apartado",
)
def confirm_hold(request: HttpRequest, code: str, payload: ConfirmIn) -> dict[str, Any]:
    """Confirm the hold for these people. Without a token, `verification_code` (the code sent to
    the first applicant's e-mail) is required: 403 `contact_not_verified` without it; 422
    `verification_code_wrong` (with the attempts left), `verification_code_expired`,
    `verification_code_locked` (ask for a new code). A confirmation refused for another reason
    may be sent again with the same code."""
    who = caller(request)
    appointment = requests.confirm(
        caller=who,
        code=code,
        applicants=[a.to_data() for a in payload.applicants],
        witnesses=[w.to_data() for w in payload.witnesses],
        verification_code=payload.verification_code,
        language=payload.language,
    )
    return appointment_out(
        appointment, curps=requests.visible_curps(who, *(a.curp for a in payload.applicants))
    )


@router.get(
    "/appointments/{code}",
    response={200: AppointmentOut, **_errors(*ERRORS)},
    auth=OptionalTokenAuth(),
    openapi_extra=TOKEN_OPTIONAL,
    summary="Consultar una cita",
)
def get_appointment(request: HttpRequest, code: str, curp: str | None = Query(None)) -> dict[str, Any]:
    """A wrong CURP gets the same 404 as a wrong code. Staff and agent tokens may omit the CURP."""
    who = caller(request)
    appointment = requests.look_up(caller=who, code=code, curp=curp)
    return appointment_out(appointment, curps=requests.visible_curps(who, curp))


@router.post(
    "/appointments/{code}/cancel",
    response={200: AppointmentOut, **_errors(*ERRORS)},
    auth=OptionalTokenAuth(),
    openapi_extra=TOKEN_OPTIONAL,
    summary="Cancelar una cita",
)
def cancel_appointment(request: HttpRequest, code: str, payload: CancelIn) -> dict[str, Any]:
    """Up to the office's cut-off before the appointment (24 h by default); consular staff,
    supervisors and admins may cancel at any time."""
    who = caller(request)
    appointment = requests.cancel(caller=who, code=code, curp=payload.curp, reason=payload.reason)
    return appointment_out(appointment, curps=requests.visible_curps(who, payload.curp))


@router.post(
    "/appointments/{code}/reschedule",
    response={200: AppointmentOut, **_errors(*ERRORS)},
    auth=OptionalTokenAuth(),
    openapi_extra=TOKEN_OPTIONAL,
    summary="Reprogramar una cita",
)
def reschedule_appointment(request: HttpRequest, code: str, payload: RescheduleIn) -> dict[str, Any]:
    """Move to another start (and optionally another office). The new place is secured before the old
    one is released; on any error the appointment stays where it was."""
    who = caller(request)
    appointment = requests.reschedule(
        caller=who, code=code, curp=payload.curp, start=payload.start, office=payload.office
    )
    return appointment_out(appointment, curps=requests.visible_curps(who, payload.curp))


@router.get(
    "/offices/{code}/appointments",
    response={200: DayAppointmentsOut, **_errors(401, 403, 404, 422)},
    auth=TokenAuth(),
    summary="Citas de una oficina en un día",
)
def office_appointments(
    request: HttpRequest,
    code: str,
    date: Annotated[
        dt.date | None, Query(description="AAAA-MM-DD, fecha local de la oficina; por omisión hoy.")
    ] = None,
) -> dict[str, Any]:
    """The day's active appointments (token of an agent, a supervisor, an admin, or consular staff
    of that office)."""
    listed = requests.office_day(caller=caller(request), office=code, day=date)
    office = listed.office
    return {
        "office": {"code": office.code, "name": office.name, "tz": office.tz},
        "date": listed.day,
        "appointments": [appointment_out(a, curps=None) for a in listed.appointments],
    }
