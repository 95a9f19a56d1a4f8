"""Appointments over JSON: create, look up, cancel, reschedule, and the office's list for a day.

Thin: parse, find the rows by code, call the booking service, render. Citizens prove an appointment
is theirs with its code and a CURP in it; a staff or agent token may omit the CURP (consular staff
only for their own offices: elsewhere the appointment does not exist for them).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Header, Query, Router, Status

from miconsulado.accounts.auth import OptionalTokenAuth, TokenAuth, caller
from miconsulado.accounts.callers import Caller
from miconsulado.booking import curp as curp_rules
from miconsulado.booking import selectors, services
from miconsulado.booking.errors import AppointmentNotFound, SlotNotFound
from miconsulado.booking.models import Appointment
from miconsulado.booking.schemas import (
    AppointmentIn,
    AppointmentOut,
    CancelIn,
    DayAppointmentsOut,
    RescheduleIn,
)
from miconsulado.catalog import selectors as catalog
from miconsulado.catalog.localtime import office_today, office_zone
from miconsulado.catalog.models import Office, Procedure
from miconsulado.core.api_errors import (
    ErrorOut,
    MissingField,
    OfficeNotFound,
    UnknownOffice,
    UnknownProcedure,
)

router = Router(tags=["citas"])

IDEMPOTENCY_KEY_MAX = 100  # Appointment.idempotency_key
ERRORS = (401, 403, 404, 409, 422)
# In the schema: a bearer token, or none at all (`{}`), for operations citizens use too.
TOKEN_OPTIONAL: dict[str, Any] = {"security": [{}]}


def _errors(*statuses: int) -> dict[int, Any]:
    return dict.fromkeys(statuses, ErrorOut)


# --- Parsing ----------------------------------------------------------------------------------


def _office_named(code: str, *, field: str) -> Office:
    office = catalog.get_office(code)
    if office is None:
        raise UnknownOffice(field=field)
    return office


def _procedure_named(code: str) -> Procedure:
    procedure = catalog.get_procedure(code)
    if procedure is None:
        raise UnknownProcedure(field="procedure")
    return procedure


def _slot_at(*, office: Office, procedure: Procedure, start: dt.datetime, field: str) -> selectors.SlotAt:
    """The slot starting at `start`: an instant if it carries an offset, else the office's local time."""
    if start.tzinfo is None:
        start = start.replace(tzinfo=office_zone(office))
    try:
        instant = start.astimezone(dt.UTC)
    except OverflowError:  # year 1 or 9999 at the edge of a zone: no slot there either
        raise SlotNotFound(field="start") from None
    return selectors.slot_at(office=office, procedure=procedure, start=instant, field=field)


def _find(who: Caller, code: str, curp: str | None) -> Appointment:
    """The appointment the caller may see: by code and CURP for citizens; by code alone (or with a
    CURP, which must then match) for staff and agents, within the offices they reach."""
    if who.is_anonymous:
        if not curp:
            raise MissingField("curp")
        return selectors.appointment_for_citizen(code=code, curp=curp)
    appointment = (
        selectors.appointment_for_citizen(code=code, curp=curp)
        if curp
        else selectors.appointment_by_code(code=code)
    )
    if not who.reaches(appointment.office):
        raise AppointmentNotFound()
    return appointment


def _visible_curps(who: Caller, *curps: str | None) -> set[str] | None:
    """CURPs the response may show: what the citizen sent; all of them for staff and agents."""
    if not who.is_anonymous:
        return None
    return {curp_rules.compact(c) for c in curps if c}


# --- Rendering --------------------------------------------------------------------------------


def appointment_out(appointment: Appointment, *, curps: set[str] | None) -> dict[str, Any]:
    """Times in the office's zone, with its UTC offset. Names of the people in the appointment,
    and only the CURPs the caller already knows."""
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
        "applicants": [
            {
                "given_names": a.given_names,
                "first_surname": a.first_surname,
                "second_surname": a.second_surname,
                "curp": a.curp if curps is None or a.curp in curps else None,
            }
            for a in appointment.applicants.all()
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
    by phone (`phone`), a consular staff token (own offices only), supervisor or admin as `staff`."""
    who = caller(request)
    office = _office_named(payload.office, field="office")
    procedure = _procedure_named(payload.procedure)
    who.ensure_may_book(office)
    found = _slot_at(office=office, procedure=procedure, start=payload.start, field="procedure")
    key = (idempotency_key or "").strip() or None
    booked = services.book_appointment(
        slot=found.slot,
        lapsed_hold=found.lapsed_hold,
        procedure=procedure,
        applicants=[a.to_data() for a in payload.applicants],
        channel=who.channel,
        actor=who.user,
        idempotency_key=key,
        fingerprint=services.request_fingerprint(payload.model_dump(mode="json")) if key else "",
    )
    if booked.replayed:
        response["Idempotent-Replayed"] = "true"
    curps = _visible_curps(who, *(a.curp for a in payload.applicants))
    return Status(201, appointment_out(booked.appointment, curps=curps))


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
    appointment = _find(who, code, curp)
    return appointment_out(appointment, curps=_visible_curps(who, curp))


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
    appointment = _find(who, code, payload.curp)
    appointment = services.cancel_appointment(
        appointment=appointment,
        channel=who.channel,
        actor=who.user,
        reason=payload.reason.strip(),
        force=who.is_staff,
    )
    return appointment_out(appointment, curps=_visible_curps(who, payload.curp))


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
    appointment = _find(who, code, payload.curp)
    office = appointment.office if payload.office is None else _office_named(payload.office, field="office")
    who.ensure_may_book(office)
    found = _slot_at(office=office, procedure=appointment.procedure, start=payload.start, field="office")
    appointment = services.reschedule_appointment(
        appointment=appointment, new_slot=found.slot, channel=who.channel, actor=who.user, force=who.is_staff
    )
    return appointment_out(appointment, curps=_visible_curps(who, payload.curp))


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
    who = caller(request)
    office = catalog.get_office(code, include_inactive=True)
    if office is None:
        raise OfficeNotFound()
    who.ensure_may_book(office)
    day = date or office_today(office, timezone.now())
    appointments = selectors.appointments_on(office=office, day=day)
    return {
        "office": {"code": office.code, "name": office.name, "tz": office.tz},
        "date": day,
        "appointments": [appointment_out(a, curps=None) for a in appointments],
    }
