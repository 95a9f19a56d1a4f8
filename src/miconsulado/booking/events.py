"""What booking announces (core.events): other apps receive these without booking importing them.

Every event says which appointment (its code), where and when (office code, procedure code, slot id,
the slot's start in UTC, ISO 8601), through which channel the change came, how many places it
concerns, and the language the appointment's people are written to in (`es`, `en`), so that a
receiver can write to them without reading the appointment. Announced by booking.services inside the change's transaction; delivered after commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from miconsulado.core.events import Event


def utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


@dataclass(frozen=True, kw_only=True)
class AppointmentFacts:
    appointment: str  # its confirmation code
    office: str
    procedure: str
    slot: int
    slot_start: str  # UTC, ISO 8601
    channel: str
    places: int
    # A default for the deliveries queued before events carried it (those appointments are Spanish).
    language: str = "es"


@dataclass(frozen=True, kw_only=True)
class AppointmentConfirmed(AppointmentFacts, Event, name="booking.appointment_confirmed"):
    """A hold confirmed, or a booking made in one step."""


@dataclass(frozen=True, kw_only=True)
class AppointmentCancelled(AppointmentFacts, Event, name="booking.appointment_cancelled"):
    """Cancelled by the person or by staff; a PlacesFreed follows for its places."""


@dataclass(frozen=True, kw_only=True)
class AppointmentRescheduled(AppointmentFacts, Event, name="booking.appointment_rescheduled"):
    """Moved to `slot` (maybe at another office) from `previous_slot`; a PlacesFreed follows for
    the previous slot."""

    previous_office: str
    previous_slot: int
    previous_slot_start: str  # UTC, ISO 8601


@dataclass(frozen=True, kw_only=True)
class AppointmentExpired(AppointmentFacts, Event, name="booking.appointment_expired"):
    """A hold that lapsed unconfirmed; a PlacesFreed follows for its places."""


@dataclass(frozen=True, kw_only=True)
class PlacesFreed(AppointmentFacts, Event, name="booking.places_freed"):
    """`places` went back to `slot` (a cancellation, a reschedule away, an expired hold, or a hold
    confirmed for fewer people): someone waiting for a place there may have one now."""


@dataclass(frozen=True, kw_only=True)
class VerificationCodeIssued(Event, name="booking.verification_code_issued"):
    """A verification code was drawn for the hold `appointment` and is to be sent to `contact`
    through `channel` (`email`, `sms`), in `language`. `verification` names the issued code (one
    message per code); `sealed_code` is the code masked with `salt` (booking.verification.unseal
    opens it): the task row that carries this event never holds the code in clear."""

    appointment: str  # the hold's code
    office: str
    verification: int
    channel: str
    contact: str
    language: str
    sealed_code: str
    salt: str
    expires_at: str  # UTC, ISO 8601
    valid_minutes: int
