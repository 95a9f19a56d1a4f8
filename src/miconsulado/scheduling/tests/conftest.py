"""Fixtures for scheduling tests: offices from catalog/data/offices.csv, a schedule, windows, helpers."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from miconsulado.booking.models import Appointment, AppointmentStatus
from miconsulado.catalog.models import Office, OfficeProcedure, Procedure
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import OfficeSchedule, OpeningHours, ServiceWindow, Slot

# Rows of catalog/data/offices.csv used by these tests: code → (name, city,
# region, country, IANA zone).
CSV_OFFICES = {
    "losangeles": (
        "Consulado General de México en Los Ángeles",
        "Los Angeles",
        "CA",
        "US",
        "America/Los_Angeles",
    ),
    "phoenix": ("Consulado General de México en Phoenix", "Phoenix", "AZ", "US", "America/Phoenix"),
    "toronto": ("Consulado General de México en Toronto", "Toronto", "ON", "CA", "America/Toronto"),
    "montreal": ("Consulado General de México en Montreal", "Montréal", "QC", "CA", "America/Toronto"),
    "sanjuan": ("Consulado de México en San Juan", "San Juan", "PR", "US", "America/Puerto_Rico"),
    "chicago": ("Consulado de México en Chicago", "Chicago", "IL", "US", "America/Chicago"),
}

# A time before every date the tests generate, so nothing counts as "in the past".
NOW = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
WEEKDAYS = range(5)
_codes = itertools.count(1)


@pytest.fixture
def procedure(db: None) -> Procedure:
    procedure, _ = Procedure.objects.update_or_create(
        code="passport-renewal",
        defaults={"name_es": "Renovación de pasaporte", "name_en": "Passport renewal"},
    )
    return procedure


@pytest.fixture
def other_procedure(db: None) -> Procedure:
    procedure, _ = Procedure.objects.update_or_create(
        code="matricula", defaults={"name_es": "Matrícula consular", "name_en": "Consular ID"}
    )
    return procedure


MakeOffice = Callable[..., Office]


@pytest.fixture
def make_office(db: None, procedure: Procedure) -> MakeOffice:
    """An office from the CSV with a schedule, weekly hours and one window serving `procedure`.

    hours: weekday → [(opens, closes)], default Monday–Friday 08:00–12:00.
    windows: [{"code", "desks", "slot_minutes"}], default one window with 2 desks.
    Other keyword arguments go to OfficeSchedule (slot_minutes defaults to 20).
    """

    def make(
        code: str = "losangeles",
        *,
        hours: dict[int, list[tuple[str, str]]] | None = None,
        windows: Iterable[dict[str, Any]] | None = None,
        **policy: Any,
    ) -> Office:
        name, city, region, country, tz = CSV_OFFICES[code]
        office, _ = Office.objects.update_or_create(
            code=code,
            defaults={
                "name_es": name,
                "name_en": name,
                "city": city,
                "region": region,
                "country": country,
                "tz": tz,
                "active": True,
            },
        )
        OfficeSchedule.objects.update_or_create(office=office, defaults={"slot_minutes": 20, **policy})
        if hours is None:
            hours = {day: [("08:00", "12:00")] for day in WEEKDAYS}
        for weekday, ranges in hours.items():
            for opens, closes in ranges:
                OpeningHours.objects.create(
                    office=office,
                    weekday=weekday,
                    opens=dt.time.fromisoformat(opens),
                    closes=dt.time.fromisoformat(closes),
                )
        for spec in windows if windows is not None else [{"code": "general", "desks": 2}]:
            make_window(office, [procedure], **spec)
        OfficeProcedure.objects.get_or_create(office=office, procedure=procedure)
        return office

    return make


def make_window(
    office: Office,
    procedures: list[Procedure],
    *,
    code: str | None = None,
    desks: int = 2,
    slot_minutes: int | None = None,
    active: bool = True,
) -> ServiceWindow:
    window = ServiceWindow.objects.create(
        office=office,
        code=code or f"w{next(_codes)}",
        name_es="Ventanilla",
        name_en="Window",
        desks=desks,
        slot_minutes=slot_minutes,
        active=active,
    )
    window.procedures.set(procedures)
    for procedure in procedures:  # a window only serves what the office offers
        OfficeProcedure.objects.get_or_create(office=office, procedure=procedure)
    return window


def at(office: Office, local: str) -> dt.datetime:
    """The UTC instant of a local wall-clock time 'YYYY-MM-DD HH:MM' at `office`."""
    naive = dt.datetime.fromisoformat(local)
    return naive.replace(tzinfo=ZoneInfo(office.tz)).astimezone(dt.UTC)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def local_times(office: Office, day: dt.date | str, window: str | None = None) -> list[str]:
    """'HH:MM' local starts of the office's slots on a local date (all windows unless one)."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    zone = ZoneInfo(office.tz)
    lower = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    upper = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    slots = Slot.objects.filter(office=office, start__gte=lower, start__lt=upper)
    if window is not None:
        slots = slots.filter(window__code=window)
    return [s.start.astimezone(zone).strftime("%H:%M") for s in slots.order_by("start", "window")]


def book(slot: Slot, *, places: int = 1, status: str = AppointmentStatus.CONFIRMED) -> Appointment:
    """An appointment in `slot` made directly with the ORM (the booking services are not under
    test here); active statuses take places in the slot as the booking service would."""
    procedure = slot.window.procedures.first()
    assert procedure is not None
    appointment = Appointment.objects.create(
        code=f"T{next(_codes):07d}",
        office=slot.office,
        procedure=procedure,
        slot=slot,
        places=places,
        status=status,
        channel=Channel.WEB,
        hold_expires_at=NOW if status == AppointmentStatus.HELD else None,
    )
    if status in (AppointmentStatus.HELD, AppointmentStatus.CONFIRMED):
        Slot.objects.filter(pk=slot.pk).update(booked=slot.booked + places)
        slot.refresh_from_db()
    return appointment
