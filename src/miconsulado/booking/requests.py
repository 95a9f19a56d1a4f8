"""What a channel asks, resolved from plain values: one function per question or change.

The API, the portal, the phone line and the agent desktop pass what the person gave (an office code,
a procedure code, a start, a confirmation code and a CURP) and who asks (an accounts Caller); each
function finds the rows, checks the caller, finds the slot and calls the booking service, so every
channel gets the same answers and the same refusals. Nothing here knows about HTTP.

Errors name the field of the value that was wrong with the parameter's name (`office`, `procedure`,
`start`, `curp`), which is also the name channels give it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from miconsulado.accounts.callers import Caller
from miconsulado.booking import curp as curp_rules
from miconsulado.booking import selectors, services
from miconsulado.booking.applicants import ApplicantData
from miconsulado.booking.errors import AnonymousOneStepBookingOff, AppointmentNotFound, CurpRequired
from miconsulado.booking.models import Appointment, AppointmentStatus, ContactChannel, ContactVerification
from miconsulado.booking.witnesses import WitnessData
from miconsulado.catalog import selectors as catalog
from miconsulado.catalog.errors import OfficeNotFound, UnknownOffice, UnknownProcedure
from miconsulado.catalog.localtime import office_today, office_zone
from miconsulado.catalog.models import Office, Procedure
from miconsulado.core import languages
from miconsulado.scheduling.errors import SlotNotFound
from miconsulado.scheduling.rules import check_date


def book(
    *,
    caller: Caller,
    office: str,
    procedure: str,
    start: dt.datetime,
    applicants: Sequence[ApplicantData],
    witnesses: Sequence[WitnessData] = (),
    language: str | None = None,
    idempotency_key: str | None = None,
    fingerprint: str = "",
) -> services.Booked:
    """Book `procedure` at `office` at `start` (an instant, or the office's local time if naive) for
    these people (with the witnesses the procedure needs), as `caller`, to be written to in
    `language` (`es`, `en`; the channel passes what the person chose, else what their client
    prefers if it is one of ours, else None: Spanish): UnsupportedLanguage, UnknownOffice,
    UnknownProcedure, Forbidden (consular staff of another office), the slot's refusals
    (booking.selectors.slot_at), then the service's. A citizen without a token is refused
    (AnonymousOneStepBookingOff) when the setting ANONYMOUS_ONE_STEP_BOOKING is off: hold, verify,
    confirm instead."""
    if caller.is_anonymous and not settings.MICONSULADO["ANONYMOUS_ONE_STEP_BOOKING"]:
        raise AnonymousOneStepBookingOff()
    written_in = languages.chosen(language)
    place = _office_named(office)
    what = _procedure_named(procedure)
    caller.ensure_may_book(place)
    found = _slot_at(office=place, procedure=what, start=start, field="procedure")
    return services.book_appointment(
        slot=found.slot,
        lapsed_hold=found.lapsed_hold,
        procedure=what,
        applicants=applicants,
        witnesses=witnesses,
        language=written_in,
        channel=caller.channel,
        actor=caller.user,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
    )


def hold(
    *,
    caller: Caller,
    office: str,
    procedure: str,
    start: dt.datetime,
    places: int = 1,
    language: str | None = None,
) -> Appointment:
    """Set `places` aside at `office` at `start` (as `book` reads it) while the person fills in the
    form; the hold's code then names it to `send_code` and `confirm`. The same refusals as `book`."""
    written_in = languages.chosen(language)
    place = _office_named(office)
    what = _procedure_named(procedure)
    caller.ensure_may_book(place)
    found = _slot_at(office=place, procedure=what, start=start, field="procedure")
    return services.hold_slot(
        slot=found.slot,
        procedure=what,
        places=places,
        language=written_in,
        channel=caller.channel,
        actor=caller.user,
    )


def hold_named(*, caller: Caller, code: str) -> Appointment:
    """The hold `code` names. Its code is what a citizen holds it by: they see only the holds made
    without a token (held or lapsed); anything else, a confirmed appointment included, is
    AppointmentNotFound, as a wrong code is, so this tells nobody which codes are booked. Staff and
    agents: any appointment of the offices they reach (the services refuse what is not a hold)."""
    appointment = selectors.appointment_by_code(code=code)
    if caller.is_anonymous:
        citizens = appointment.created_by_id is None and appointment.status in (
            AppointmentStatus.HELD,
            AppointmentStatus.EXPIRED,
        )
        if not citizens:
            raise AppointmentNotFound()
    elif not caller.reaches(appointment.office):
        raise AppointmentNotFound()
    return appointment


def send_code(
    *,
    caller: Caller,
    code: str,
    contact: str,
    channel: str = ContactChannel.EMAIL,
    language: str | None = None,
) -> ContactVerification:
    """Send a verification code for the hold `code` to `contact` (services.send_verification_code)."""
    written_in = languages.chosen(language) if language else None
    held = hold_named(caller=caller, code=code)
    return services.send_verification_code(hold=held, channel=channel, contact=contact, language=written_in)


def confirm(
    *,
    caller: Caller,
    code: str,
    applicants: Sequence[ApplicantData],
    witnesses: Sequence[WitnessData] = (),
    verification_code: str | None = None,
    language: str | None = None,
) -> Appointment:
    """Confirm the hold `code` for these people. A citizen gives the verification code sent to the
    first applicant's contact (checked first, and kept verified: a confirmation refused for another
    reason is retried with the same code); staff and agents need none."""
    written_in = languages.chosen(language) if language else None
    held = hold_named(caller=caller, code=code)
    if verification_code:
        services.verify_contact(hold=held, code=verification_code)
    return services.confirm_appointment(
        appointment=held,
        applicants=applicants,
        witnesses=witnesses,
        language=written_in,
        channel=caller.channel,
        actor=caller.user,
    )


def look_up(*, caller: Caller, code: str, curp: str | None = None) -> Appointment:
    """The appointment the caller may see: by code and a CURP in it for citizens (CurpRequired
    without one); by code alone, or with a CURP that must then match, for staff and agents, within
    the offices they reach. AppointmentNotFound otherwise, the same for a wrong code or CURP."""
    if caller.is_anonymous:
        if not curp:
            raise CurpRequired("curp")
        return selectors.appointment_for_citizen(code=code, curp=curp)
    appointment = (
        selectors.appointment_for_citizen(code=code, curp=curp)
        if curp
        else selectors.appointment_by_code(code=code)
    )
    if not caller.reaches(appointment.office):
        raise AppointmentNotFound()
    return appointment


def cancel(*, caller: Caller, code: str, curp: str | None = None, reason: str = "") -> Appointment:
    """Cancel the appointment `look_up` finds. Citizens and agents up to the office's cut-off;
    consular staff, supervisors and admins at any time."""
    appointment = look_up(caller=caller, code=code, curp=curp)
    return services.cancel_appointment(
        appointment=appointment,
        channel=caller.channel,
        actor=caller.user,
        reason=reason.strip(),
        force=caller.is_staff,
    )


def reschedule(
    *,
    caller: Caller,
    code: str,
    start: dt.datetime,
    curp: str | None = None,
    office: str | None = None,
) -> Appointment:
    """Move the appointment `look_up` finds to `start` (an instant, or the local time of the office
    it moves to if naive), at `office` if given (UnknownOffice if no such office), else where it is."""
    appointment = look_up(caller=caller, code=code, curp=curp)
    place = appointment.office if office is None else _office_named(office)
    caller.ensure_may_book(place)
    found = _slot_at(office=place, procedure=appointment.procedure, start=start, field="office")
    return services.reschedule_appointment(
        appointment=appointment,
        new_slot=found.slot,
        channel=caller.channel,
        actor=caller.user,
        force=caller.is_staff,
    )


@dataclass(frozen=True)
class OfficeDay:
    """An office's active appointments on one of its local dates, by start."""

    office: Office
    day: dt.date
    appointments: list[Appointment]


def office_day(*, caller: Caller, office: str, day: dt.date | None = None) -> OfficeDay:
    """The staff's list for a day (today at the office by default): agents, supervisors, admins,
    and consular staff of that office (Forbidden for others). OfficeNotFound for an unknown code
    (inactive offices included: their appointments still have to be seen to); DateOutOfRange for a
    day outside scheduling's calendar."""
    check_date(day, field="date")
    place = catalog.get_office(office, include_inactive=True)
    if place is None:
        raise OfficeNotFound()
    caller.ensure_may_book(place)
    day = day or office_today(place, timezone.now())
    return OfficeDay(place, day, selectors.appointments_on(office=place, day=day))


def visible_curps(caller: Caller, *curps: str | None) -> set[str] | None:
    """The CURPs an answer may show: only those the citizen gave; all of them (None) for staff and
    agents."""
    if not caller.is_anonymous:
        return None
    return {curp_rules.compact(c) for c in curps if c}


def _office_named(code: str) -> Office:
    office = catalog.get_office(code)
    if office is None:
        raise UnknownOffice(field="office")
    return office


def _procedure_named(code: str) -> Procedure:
    procedure = catalog.get_procedure(code)
    if procedure is None:
        raise UnknownProcedure(field="procedure")
    return procedure


def _slot_at(*, office: Office, procedure: Procedure, start: dt.datetime, field: str) -> selectors.SlotAt:
    """The slot starting at `start`: an instant if it carries an offset, else the office's local
    time (on a day the clocks go back, an hour that comes twice is its first time). `field` is blamed
    when the office does not offer the procedure."""
    if start.tzinfo is None:
        start = start.replace(tzinfo=office_zone(office))
    try:
        instant = start.astimezone(dt.UTC)
    except OverflowError:  # year 1 or 9999 at the edge of a zone: no slot there either
        raise SlotNotFound(field="start") from None
    return selectors.slot_at(office=office, procedure=procedure, start=instant, field=field)
