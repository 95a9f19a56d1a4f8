"""Dated closures: a whole day, or part of one, with a reason."""

import datetime as dt

from miconsulado.scheduling.models import Closure, ExtraSession
from miconsulado.scheduling.services import generate_slots

from .conftest import NOW, local_times

DAY = dt.date(2026, 3, 10)  # a Tuesday


def generate(office):
    return generate_slots(office=office, start=DAY, end=DAY + dt.timedelta(days=1), now=NOW)


def test_whole_day_closure(make_office):
    office = make_office("losangeles")
    Closure.objects.create(office=office, date=DAY, reason="Inventario")
    ExtraSession.objects.create(office=office, date=DAY, starts=dt.time(13), ends=dt.time(14))
    generate(office)
    assert local_times(office, DAY) == []  # closes the extra session too
    assert len(local_times(office, DAY + dt.timedelta(days=1))) == 12


def test_part_day_closure_removes_only_the_slots_it_touches(make_office):
    office = make_office("losangeles")
    Closure.objects.create(office=office, date=DAY, starts=dt.time(10), ends=dt.time(11), reason="Simulacro")
    generate(office)
    assert local_times(office, DAY) == [
        "08:00",
        "08:20",
        "08:40",
        "09:00",
        "09:20",
        "09:40",
        "11:00",
        "11:20",
        "11:40",
    ]


def test_unaligned_closure_keeps_the_grid(make_office):
    # 10:10–10:50 touches the 10:00, 10:20 and 10:40 slots; 11:00 onwards stay where they were,
    # so appointments already in them are not moved.
    office = make_office("losangeles")
    Closure.objects.create(
        office=office, date=DAY, starts=dt.time(10, 10), ends=dt.time(10, 50), reason="Junta"
    )
    generate(office)
    assert local_times(office, DAY) == [
        "08:00",
        "08:20",
        "08:40",
        "09:00",
        "09:20",
        "09:40",
        "11:00",
        "11:20",
        "11:40",
    ]


def test_closure_of_another_office_or_day_does_not_apply(make_office):
    office = make_office("losangeles")
    other = make_office("phoenix")
    Closure.objects.create(office=other, date=DAY, reason="Otra oficina")
    Closure.objects.create(office=office, date=DAY - dt.timedelta(days=1), reason="Otro día")
    generate(office)
    assert len(local_times(office, DAY)) == 12
