"""The phone line's changes: a call's record and path, and what the self-service menu does to an
appointment (through booking's services, channel `ivr`). The webhooks (views.py) stay thin."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from miconsulado.booking import services as booking
from miconsulado.booking.errors import AppointmentNotFound
from miconsulado.booking.models import Appointment
from miconsulado.callcenter import keypad
from miconsulado.callcenter.models import (
    Call,
    CallStep,
    LineSettings,
    NumberRole,
    Origin,
    PhoneNumber,
    normalize_number,
)
from miconsulado.core.channels import Channel

MAX_PROOF_FAILURES = 3
# Statuses the provider reports at the end of a call (the rest are on the way).
FINAL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_text(value: str | None, limit: int) -> str:
    """What a provider's parameter may put in a record: no control characters (PostgreSQL refuses
    NUL), at most `limit` characters."""
    return _UNPRINTABLE.sub("", value or "")[:limit]


@dataclass(frozen=True)
class Dialled:
    """Which of our numbers a call came in on, and through which."""

    origin: Origin
    retired: bool


def classify(*, to: str, forwarded_from: str = "", called_via: str = "") -> Dialled:
    """The call's origin from the number dialled (`To`) and, for a transferred call, the number it
    was transferred from (`ForwardedFrom`, `CalledVia`). Numbers not configured count as "other"
    and are answered as the main line."""
    roles = dict(PhoneNumber.objects.filter(active=True).values_list("number", "role"))
    found = [roles.get(normalize_number(n) or "") for n in (forwarded_from, called_via, to) if n]
    if NumberRole.RETIRED in found:
        return Dialled(Origin.RETIRED, retired=True)
    if NumberRole.MEXICO in found:
        return Dialled(Origin.MEXICO, retired=False)
    if NumberRole.MAIN in found:
        return Dialled(Origin.MAIN, retired=False)
    return Dialled(Origin.OTHER, retired=False)


def start_call(
    *, call_sid: str, to: str, caller: str, forwarded_from: str = "", called_via: str = ""
) -> tuple[Call, Dialled]:
    """The call's record, created on its first webhook (the provider may send it again: the same
    record, no second first step)."""
    dialled = classify(to=to, forwarded_from=forwarded_from, called_via=called_via)
    with transaction.atomic():
        call, created = Call.objects.get_or_create(
            call_sid=call_sid,
            defaults={
                "number_called": clean_text(to, 40),
                "caller": clean_text(caller, 40),
                "origin": dialled.origin,
            },
        )
        if created:
            CallStep.objects.create(call=call, kind="incoming", detail=clean_text(forwarded_from, 200))
    return call, dialled


def record_step(call: Call, kind: str, detail: str = "") -> None:
    CallStep.objects.create(call=call, kind=kind, detail=clean_text(detail, 200))


def choose_language(call: Call, language: str, *, how: str) -> None:
    with transaction.atomic():
        Call.objects.filter(pk=call.pk).update(language=language)
        call.language = language
        record_step(call, "language", f"{language} ({how})")


def mark_emergency(call: Call, number: str) -> None:
    with transaction.atomic():
        Call.objects.filter(pk=call.pk).update(emergency=True)
        call.emergency = True
        record_step(call, "emergency", number)


def finish_call(*, call_sid: str, status: str, duration: str = "", to: str = "", caller: str = "") -> Call:
    """The provider's status callback: the end and its status (a call never seen before, e.g. one
    hung up before its first webhook, is recorded now)."""
    now = timezone.now()
    status = clean_text(status, 20)
    seconds = int(duration) if duration.isdigit() and len(duration) < 9 else None
    with transaction.atomic():
        call, _ = Call.objects.select_for_update().get_or_create(
            call_sid=call_sid,
            defaults={"number_called": clean_text(to, 40), "caller": clean_text(caller, 40)},
        )
        call.status = status
        if status in FINAL_STATUSES and call.ended_at is None:
            call.ended_at = now
        if seconds is not None:
            call.duration_seconds = seconds
        call.save(update_fields=["status", "ended_at", "duration_seconds"])
        record_step(call, "status", status)
    return call


# --- Self-service: an appointment by its code's keypad digits and a birth date ---------------------


@dataclass(frozen=True)
class Proof:
    """The outcome of one try: the appointment, or none (with the tries left), or several
    (`ambiguous`: the caller is sent to an agent; no appointment is told)."""

    appointment: Appointment | None
    failures: int
    ambiguous: bool = False

    @property
    def exhausted(self) -> bool:
        return self.failures >= MAX_PROOF_FAILURES


def remember_code(call: Call, digits: str) -> None:
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        locked.state = {**locked.state, "code_digits": digits[:20], "appointment_id": None}
        locked.save(update_fields=["state"])
        call.state = locked.state
        record_step(call, "code_entered")


def prove(call: Call, birth_digits: str) -> Proof:
    """Check the code typed earlier against the birth date typed now (YYYYMMDD, the CURP's order).
    A failure of either counts once, and the caller is told the same whichever was wrong."""
    birth = _birth_date(birth_digits)
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        state = dict(locked.state)
        failures = int(state.get("proof_failures", 0))
        if failures >= MAX_PROOF_FAILURES:
            return Proof(None, failures)
        digits = str(state.pop("code_digits", "") or "")
        matches = _typed_with_birth_date(digits, birth) if birth is not None else []
        if len(matches) == 1:
            state["appointment_id"] = matches[0].pk
            outcome = Proof(matches[0], failures)
            record_step(locked, "proof_ok", matches[0].code)
        elif len(matches) > 1:
            outcome = Proof(None, failures, ambiguous=True)
            record_step(locked, "proof_ambiguous")
        else:
            failures += 1
            state["proof_failures"] = failures
            outcome = Proof(None, failures)
            record_step(locked, "proof_failed", str(failures))
        locked.state = state
        locked.save(update_fields=["state"])
    call.state = state
    return outcome


def proven_appointment(call: Call) -> Appointment | None:
    """The appointment this call proved, if any (read fresh: it may have changed meanwhile)."""
    appointment_id = call.state.get("appointment_id")
    if not isinstance(appointment_id, int):
        return None
    return Appointment.objects.select_related("office", "procedure", "slot").filter(pk=appointment_id).first()


def cancel_proven(call: Call) -> Appointment:
    """Cancel the appointment this call proved, as a citizen on the IVR (the core's cut-off applies:
    its DomainErrors go up to be spoken). AppointmentNotFound if the call proved none."""
    appointment = proven_appointment(call)
    if appointment is None:
        raise AppointmentNotFound()
    cancelled = booking.cancel_appointment(appointment=appointment, channel=Channel.IVR, reason="IVR")
    record_step(call, "cancelled", cancelled.code)
    return cancelled


# The candidate codes travel as one parameter (an array; on SQLite a JSON list), not one placeholder
# each: with 65,536 candidates, placeholders cost seconds of query building, the array milliseconds.
_TYPED_SQL = """
    SELECT DISTINCT a.id FROM booking_appointment a
    JOIN booking_applicant p ON p.appointment_id = a.id
    WHERE a.code {codes} AND p.birth_date = %s
    LIMIT 2
"""
_CODES_IN = {"postgresql": "= ANY(%s)", "sqlite": "IN (SELECT value FROM json_each(%s))"}


def _typed_with_birth_date(digits: str, birth: dt.date) -> list[Appointment]:
    """Up to two appointments whose code types `digits` and that hold a person born on `birth`."""
    codes = list(keypad.candidates(digits))
    if not codes:
        return []
    vendor = connection.vendor
    listed = codes if vendor == "postgresql" else json.dumps(codes)
    with connection.cursor() as cursor:
        cursor.execute(_TYPED_SQL.format(codes=_CODES_IN[vendor]), [listed, birth])
        ids = [row[0] for row in cursor.fetchall()]
    return list(Appointment.objects.filter(pk__in=ids))


def _birth_date(digits: str) -> dt.date | None:
    if len(digits) != 8 or not digits.isascii() or not digits.isdigit():
        return None
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


# --- The line's starting data --------------------------------------------------------------------

MAIN_LINE = "+14243090009"
# The numbers the line replaced: a caller who dials one hears the main line's number.
RETIRED_NUMBERS = (
    ("+18776394835", "1-877-639-4835"),
    ("+19776394835", "1-977-639-4835 (misprint of 1-877)"),
    ("+528006394835", "01-800-639-4835 (Mexico)"),
)
DEMO_MEXICO_LINE = "+525550000000"
DEMO_EMERGENCY_NUMBER = "+13235550199"
DEFAULT_PORTAL_ADDRESS = "citas.sre.gob.mx"


def ensure_line_defaults() -> list[str]:
    """The main line, the retired numbers, a Mexico line and the line's settings (demo emergency
    number), where missing; rows already there are left as staff set them. What was created."""
    created: list[str] = []
    with transaction.atomic():
        known = set(PhoneNumber.objects.values_list("number", flat=True))
        wanted = [
            (MAIN_LINE, NumberRole.MAIN, "+1 424 309 0009"),
            (DEMO_MEXICO_LINE, NumberRole.MEXICO, "demo: the national line's number"),
            *((number, NumberRole.RETIRED, label) for number, label in RETIRED_NUMBERS),
        ]
        for number, role, label in wanted:
            if number not in known:
                PhoneNumber.objects.create(number=number, role=role, label=label)
                created.append(number)
        _, made = LineSettings.objects.get_or_create(
            pk=1,
            defaults={"emergency_number": DEMO_EMERGENCY_NUMBER, "portal_address": DEFAULT_PORTAL_ADDRESS},
        )
        if made:
            created.append("settings")
    return created
