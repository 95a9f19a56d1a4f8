"""Factories for tests: small, explicit, each call makes fresh rows."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from miconsulado.booking import curp as curp_rules
from miconsulado.booking.applicants import ApplicantData, ParentData
from miconsulado.catalog.localtime import office_date, office_zone
from miconsulado.catalog.models import Office, OfficeProcedure, Procedure
from miconsulado.scheduling.models import OfficeSchedule, ServiceWindow, Slot

_counter = itertools.count(1)
_STATES = sorted(curp_rules.STATES)
_DIGITS = "0123456789"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def make_curp(
    *,
    birth: dt.date = dt.date(1985, 4, 12),
    sex: str = "H",
    state: str | None = None,
    serial: int | None = None,
    given_names: str = "Juan",
    first_surname: str = "Pérez",
    second_surname: str = "López",
) -> str:
    """A valid CURP that agrees with the names (booking.curp.curp_for), different on consecutive
    calls: the serial lives in the state and the homonym character (330 different CURPs for the
    same names, birth and sex; 858 from 2000), the state first so that neighbours differ before
    their last two characters."""
    n = next(_counter) if serial is None else serial
    homonyms = _DIGITS if birth.year < 2000 else _LETTERS
    return curp_rules.curp_for(
        given_names=given_names,
        first_surname=first_surname,
        second_surname=second_surname,
        birth_date=birth,
        sex=sex,
        state=state or _STATES[n % len(_STATES)],
        homonym=homonyms[(n // len(_STATES)) % len(homonyms)],
    )


def make_office(
    code: str | None = None, *, tz: str = "America/Los_Angeles", country: str = "US", **kw: object
) -> Office:
    code = code or f"office{next(_counter)}"
    defaults: dict[str, object] = {
        "name_es": f"Consulado {code}",
        "name_en": f"Consulate {code}",
        "city": code.title(),
        "region": "CA" if country == "US" else "ON",
        "country": country,
        "tz": tz,
    }
    defaults.update(kw)
    office, _ = Office.objects.update_or_create(code=code, defaults=defaults)
    OfficeSchedule.objects.get_or_create(office=office)
    return office


def make_procedure(code: str | None = None, **kw: object) -> Procedure:
    code = code or f"proc{next(_counter)}"
    defaults: dict[str, object] = {"name_es": code, "name_en": code, "max_persons": 4}
    defaults.update(kw)
    procedure, _ = Procedure.objects.update_or_create(code=code, defaults=defaults)
    return procedure


def make_window(
    office: Office, procedures: list[Procedure], *, code: str | None = None, desks: int = 2
) -> ServiceWindow:
    window = ServiceWindow.objects.create(
        office=office, code=code or f"w{next(_counter)}", name_es="Ventanilla", name_en="Window", desks=desks
    )
    window.procedures.set(procedures)
    for procedure in procedures:
        OfficeProcedure.objects.get_or_create(office=office, procedure=procedure)
    return window


def make_slot(
    window: ServiceWindow,
    *,
    start: dt.datetime | None = None,
    days_ahead: int = 7,
    local_time: dt.time = dt.time(9, 0),
    capacity: int = 2,
    minutes: int = 20,
) -> Slot:
    if start is None:
        zone = office_zone(window.office)
        day = office_date(timezone.now(), window.office) + dt.timedelta(days=days_ahead)
        start = dt.datetime.combine(day, local_time, tzinfo=zone).astimezone(dt.UTC)
        # Distinct starts for repeated calls on the same window.
        while Slot.objects.filter(window=window, start=start).exists():
            start += dt.timedelta(minutes=minutes)
    return Slot.objects.create(
        office=window.office,
        window=window,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        capacity=capacity,
    )


def applicant(
    *,
    curp: str | None = None,
    birth: dt.date = dt.date(1985, 4, 12),
    sex: str = "H",
    parents: tuple[ParentData, ...] = (),
    **kw: str,
) -> ApplicantData:
    given_names = kw.get("given_names", "Juan")
    first_surname = kw.get("first_surname", "Pérez")
    second_surname = kw.get("second_surname", "López")
    curp = curp or make_curp(
        birth=birth,
        sex=sex,
        given_names=given_names,
        first_surname=first_surname,
        second_surname=second_surname,
    )
    return ApplicantData(
        curp=curp,
        given_names=given_names,
        first_surname=first_surname,
        second_surname=second_surname,
        birth_date=curp_rules.birth_date(curp),
        email=kw.get("email", "juan@example.com"),
        phone=kw.get("phone", "+1 213 555 0100"),
        parents=parents,
    )


def both_parents() -> tuple[ParentData, ...]:
    return (
        ParentData(role="mother", full_name="María López"),
        ParentData(role="father", full_name="Pedro Pérez"),
    )


def assert_nothing_booked(slot: Slot) -> None:
    """No trace of a booking: no place taken in the slot, no appointment, person or history row."""
    from miconsulado.booking.models import Applicant, Appointment, AppointmentEvent

    slot.refresh_from_db()
    assert slot.booked == 0
    assert not Appointment.objects.exists()
    assert not Applicant.objects.exists()
    assert not AppointmentEvent.objects.exists()
