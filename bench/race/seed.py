"""The data the stages book: one office with 90 days of a realistic schedule, and for each stage its
own race slots (weekend times the weekly schedule never produces); a valid CURP per index and the
booking payload a client sends."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from race import log

OFFICE_CODE = "losangeles"
PROCEDURE_CODE = "passport-renewal"
HORIZON_DAYS = 90
PACED_RUNS_MAX = 5
RACE_SLOTS = 5  # the S places are spread over this many slots of one window


@dataclass
class Stage:
    """Race slots of one stage: a window of their own and start times nobody else uses."""

    name: str
    window_id: int
    slot_ids: list[int]
    starts: list[str]  # ISO 8601 with the office's offset, as a client sends them
    capacity: int  # places in total
    curp_offset: int  # each stage books distinct CURPs


@dataclass
class Seed:
    office_id: int
    procedure_id: int
    tz: str
    regular_slots: int
    stages: dict[str, Stage] = field(default_factory=dict)


def seed(places: int) -> Seed:
    from django.db import transaction

    from miconsulado.catalog.models import Office, OfficeProcedure, Procedure
    from miconsulado.scheduling.models import OfficeSchedule, OpeningHours, ServiceWindow, Slot
    from miconsulado.scheduling.services import generate_office_slots

    tz = "America/Los_Angeles"
    with transaction.atomic():
        office = Office.objects.create(
            code=OFFICE_CODE,
            name_es="Consulado General de México en Los Ángeles",
            name_en="Consulate General of Mexico in Los Angeles",
            address="2401 W 6th St",
            city="Los Angeles",
            region="CA",
            country="US",
            tz=tz,
        )
        OfficeSchedule.objects.create(office=office, slot_minutes=20, horizon_days=HORIZON_DAYS)
        procedures = {
            code: Procedure.objects.create(code=code, name_es=es, name_en=en, max_persons=persons)
            for code, es, en, persons in [
                ("passport-first", "Pasaporte primera vez", "First passport", 4),
                (PROCEDURE_CODE, "Renovación de pasaporte", "Passport renewal", 4),
                ("matricula", "Matrícula consular", "Consular ID", 4),
            ]
        }
        for p in procedures.values():
            OfficeProcedure.objects.create(office=office, procedure=p)
        # A plausible week: Monday to Friday 08:00-13:00 and 14:00-17:00, two windows.
        for weekday in range(5):
            OpeningHours.objects.create(office=office, weekday=weekday, opens=dt.time(8), closes=dt.time(13))
            OpeningHours.objects.create(office=office, weekday=weekday, opens=dt.time(14), closes=dt.time(17))
        passports = ServiceWindow.objects.create(
            office=office, code="pasaportes", name_es="Pasaportes", name_en="Passports", desks=6
        )
        passports.procedures.set([procedures["passport-first"], procedures[PROCEDURE_CODE]])
        ids = ServiceWindow.objects.create(
            office=office, code="matricula", name_es="Matrícula", name_en="Consular ID", desks=4
        )
        ids.procedures.set([procedures["matricula"]])
    report = generate_office_slots(office=office)
    regular = Slot.objects.filter(office=office).count()
    log(f"seeded {regular} regular slots over {HORIZON_DAYS} days ({report.created} created)")

    result = Seed(
        office_id=office.pk, procedure_id=procedures[PROCEDURE_CODE].pk, tz=tz, regular_slots=regular
    )
    saturday = race_saturday(tz)
    # Each stage on its own weekend day: the API's slot lookup (by office, procedure and start)
    # can then only land on that stage's slots. pgbench gets a huge capacity (it must never run out).
    plan = [
        ("http", saturday, places, 0),
        ("service", saturday + dt.timedelta(days=1), places, 10_000_000),
        ("pgbench", saturday + dt.timedelta(days=7), 32767 * RACE_SLOTS, 0),
        ("probe", saturday + dt.timedelta(days=8), 50, 20_000_000),
        ("paced", saturday + dt.timedelta(days=14), places, 30_000_000),
        # Further paced runs, each with its own places: this machine's speed swings from minute to
        # minute, so one run says little about the p99.
        *(
            (
                f"paced-{k}",
                saturday + dt.timedelta(days=14 + 7 * (k - 1)),
                places,
                30_000_000 + 10_000_000 * k,
            )
            for k in range(2, 1 + PACED_RUNS_MAX)
        ),
    ]
    for name, day, total, curp_offset in plan:
        result.stages[name] = add_stage(office, procedures[PROCEDURE_CODE], name, day, total, curp_offset)
    return result


def race_saturday(tz: str) -> dt.date:
    """The first stage's day: a Saturday two weeks or more ahead (later stages a day or weeks on)."""
    today = dt.datetime.now(ZoneInfo(tz)).date()
    return today + dt.timedelta(days=(5 - today.weekday()) % 7 + 14)


def add_stage(office: Any, procedure: Any, name: str, day: dt.date, total: int, curp_offset: int) -> Stage:
    """A stage's race slots: a window of its own with `total` places over RACE_SLOTS slots starting
    at 09:00 local on `day` (a weekend day the weekly schedule leaves empty)."""
    from miconsulado.scheduling.models import ServiceWindow, Slot

    zone = ZoneInfo(office.tz)
    per_slot = [total // RACE_SLOTS + (1 if i < total % RACE_SLOTS else 0) for i in range(RACE_SLOTS)]
    window = ServiceWindow.objects.create(
        office=office,
        code=f"race-{name}",
        name_es=f"Carrera {name}",
        name_en=f"Race {name}",
        desks=max(per_slot),
    )
    window.procedures.set([procedure])
    starts = [
        dt.datetime.combine(day, dt.time(9, 0), tzinfo=zone) + dt.timedelta(minutes=20 * i)
        for i in range(RACE_SLOTS)
    ]
    slots = Slot.objects.bulk_create(
        Slot(
            office=office,
            window=window,
            start=s.astimezone(dt.UTC),
            end=(s + dt.timedelta(minutes=20)).astimezone(dt.UTC),
            capacity=cap,
        )
        for s, cap in zip(starts, per_slot, strict=True)
    )
    return Stage(
        name=name,
        window_id=window.pk,
        slot_ids=[s.pk for s in slots],
        starts=[s.isoformat() for s in starts],
        capacity=total,
        curp_offset=curp_offset,
    )


# The names every booking of the race carries, and the letters booking.curp.curp_for takes from
# them (positions 1-4 and 14-16; tests/test_bench_curps.py keeps them in step). Written out rather
# than computed so that a run with --src of an older tree, without curp_for, books the same people.
NAMES = {"given_names": "Juan", "first_surname": "Pérez", "second_surname": "López"}
LETTERS, CONSONANTS = "PELJ", "RPN"


@functools.cache
def _states() -> list[str]:
    from miconsulado.booking import curp as curp_rules

    return sorted(curp_rules.STATES)


def curp_for(index: int) -> tuple[str, dt.date]:
    """A valid CURP per index that agrees with NAMES (unique up to ~11 million): the serial lives
    in the state, the homonym digit and the birth date; the check digit is computed."""
    from miconsulado.booking import curp as curp_rules

    states = _states()

    serial, day = index % 330, index // 330
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=day % 18000)  # up to 1999: a digit homonym
    sex = "HM"[(day // 18000) % 2]
    state, homonym = states[serial % 33], serial // 33
    body = f"{LETTERS}{birth:%y%m%d}{sex}{state}{CONSONANTS}{homonym}"
    return body + curp_rules.check_digit(body), birth


def booking_payload(stage: Stage, index: int) -> dict[str, Any]:
    curp, birth = curp_for(stage.curp_offset + index)
    return {
        "office": OFFICE_CODE,
        "procedure": PROCEDURE_CODE,
        "start": stage.starts[index % len(stage.starts)],
        "applicants": [
            {
                "curp": curp,
                **NAMES,
                "birth_date": birth.isoformat(),
                "email": f"persona{index}@example.com",
                "phone": "+1 213 555 0100",
            }
        ],
    }
