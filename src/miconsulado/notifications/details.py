"""What every document and message about an appointment states, in the language asked for: the local
date and time stated as the office's, the documents to bring, the fees, the applicants with their CURP
masked. Call these inside `translation.override(language)`: the catalog's names and the date's words
follow the active language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import dateformat
from django.utils.translation import gettext as _

from miconsulado.booking.models import Appointment
from miconsulado.catalog import selectors as catalog
from miconsulado.catalog.localtime import office_zone
from miconsulado.catalog.models import Fee, Office, Procedure

CURP_SHOWN = 4  # characters of a CURP a document shows (the last ones); the rest are masked


def local_start(appointment: Appointment) -> dt.datetime:
    return appointment.slot.start.astimezone(office_zone(appointment.office))


def local_end(appointment: Appointment) -> dt.datetime:
    return appointment.slot.end.astimezone(office_zone(appointment.office))


def local_when(appointment: Appointment) -> str:
    """'jueves 4 de diciembre de 2026, 09:00 (hora de Los Angeles)': the office's wall clock, said to
    be the office's, so that nobody converts it to the zone they read it in."""
    # Translators: a Django date format (docs: "date" template filter); backslash escapes a letter.
    when = dateformat.format(local_start(appointment), _("l j \\d\\e F \\d\\e Y, H:i"))
    return _("%(when)s (hora de %(city)s)") % {"when": when, "city": appointment.office.city}


def office_place(office: Office) -> str:
    """The office's name and, when the catalog has it, its address."""
    return f"{office.name}, {office.address}" if office.address else office.name


def documents(appointment: Appointment) -> list[str]:
    """The procedure's checklist, one item per line in the catalog."""
    return [line.strip() for line in appointment.procedure.documents.splitlines() if line.strip()]


def money(cents: int, currency: str) -> str:
    return f"${cents // 100:,}.{cents % 100:02d} {currency}"


def fees_in_force(procedure: Procedure, on: dt.date) -> list[Fee]:
    """The catalog's fees in force on `on`, read once per procedure object: a delivery renders an
    appointment's confirmation and its reminders from one object, one query for all (the object
    lives for one task, so a fee changed later is read afresh by the next)."""
    memo: dict[dt.date, list[Fee]] = procedure.__dict__.setdefault("_fees_in_force", {})
    if on not in memo:
        memo[on] = catalog.current_fees(procedure, on)
    return memo[on]


def fees(appointment: Appointment) -> list[str]:
    """'Pasaporte de 3 años: $101.00 USD' for each fee in force on the appointment's local date."""
    on = local_start(appointment).date()
    return [
        f"{fee.name}: {money(fee.amount_cents, fee.currency)}"
        for fee in fees_in_force(appointment.procedure, on)
    ]


def mask_curp(curp: str) -> str:
    """All but the last CURP_SHOWN characters hidden: enough for a person to recognise their own."""
    return "*" * max(len(curp) - CURP_SHOWN, 0) + curp[-CURP_SHOWN:]


@dataclass(frozen=True)
class Person:
    name: str
    masked_curp: str


def people(appointment: Appointment) -> list[Person]:
    return [Person(a.full_name, mask_curp(a.curp)) for a in appointment.applicants.all()]
