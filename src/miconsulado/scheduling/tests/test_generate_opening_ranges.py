"""Weekly hours with several ranges a day, per-window slot length and extra sessions."""

import datetime as dt
import itertools

from miconsulado.scheduling.models import ExtraSession, ServiceWindow, Slot
from miconsulado.scheduling.services import generate_slots

from .conftest import NOW, local_times

MONDAY = dt.date(2026, 3, 9)


def generate(office, day=MONDAY):
    return generate_slots(office=office, start=day, end=day, now=NOW)


def test_several_ranges_a_day(make_office):
    office = make_office(
        "chicago",
        slot_minutes=30,
        hours={0: [("08:00", "10:00"), ("13:00", "14:30")], 1: [("09:00", "10:00")]},
    )
    generate_slots(office=office, start=MONDAY, end=MONDAY + dt.timedelta(days=1), now=NOW)
    assert local_times(office, MONDAY) == [
        "08:00",
        "08:30",
        "09:00",
        "09:30",
        "13:00",
        "13:30",
        "14:00",
    ]
    assert local_times(office, MONDAY + dt.timedelta(days=1)) == ["09:00", "09:30"]


def test_a_slot_must_fit_inside_its_range(make_office):
    office = make_office("chicago", slot_minutes=45, hours={0: [("08:00", "10:00")]})
    generate(office)
    # 09:30 + 45 min would end after 10:00.
    assert local_times(office, MONDAY) == ["08:00", "08:45"]


def test_window_slot_length_overrides_the_office(make_office):
    office = make_office(
        "chicago",
        hours={0: [("08:00", "09:00")]},
        windows=[{"code": "passports", "desks": 1}, {"code": "notary", "slot_minutes": 30}],
    )
    generate(office)
    assert local_times(office, MONDAY, "passports") == ["08:00", "08:20", "08:40"]
    assert local_times(office, MONDAY, "notary") == ["08:00", "08:30"]
    for slot in Slot.objects.filter(office=office):
        minutes = 30 if slot.window.code == "notary" else 20
        assert slot.end - slot.start == dt.timedelta(minutes=minutes)


def test_extra_session_for_one_window(make_office):
    office = make_office(
        "chicago",
        hours={0: [("08:00", "09:00")]},
        windows=[{"code": "passports"}, {"code": "notary"}],
    )
    notary = ServiceWindow.objects.get(office=office, code="notary")
    ExtraSession.objects.create(
        office=office, date=MONDAY, starts=dt.time(15), ends=dt.time(16), window=notary
    )
    generate(office)
    assert local_times(office, MONDAY, "passports") == ["08:00", "08:20", "08:40"]
    assert local_times(office, MONDAY, "notary") == [
        "08:00",
        "08:20",
        "08:40",
        "15:00",
        "15:20",
        "15:40",
    ]


def test_extra_session_on_a_closed_weekday(make_office):
    saturday = dt.date(2026, 3, 14)
    office = make_office("chicago")
    ExtraSession.objects.create(
        office=office, date=saturday, starts=dt.time(9), ends=dt.time(10), reason="Sábado extra"
    )
    generate(office, saturday)
    assert local_times(office, saturday) == ["09:00", "09:20", "09:40"]


def test_overlapping_extra_session_never_makes_overlapping_slots(make_office):
    # The weekly grid (08:00, 08:20, …) stays; the session adds only what does not overlap it.
    office = make_office("chicago", hours={0: [("08:00", "09:00")]})
    ExtraSession.objects.create(office=office, date=MONDAY, starts=dt.time(7, 30), ends=dt.time(9, 30))
    generate(office)
    assert local_times(office, MONDAY) == ["07:30", "08:00", "08:20", "08:40", "09:00"]
    slots = list(Slot.objects.filter(office=office).order_by("start"))
    assert all(a.end <= b.start for a, b in itertools.pairwise(slots))


def test_inactive_window_gets_no_slots(make_office):
    office = make_office(
        "chicago",
        hours={0: [("08:00", "09:00")]},
        windows=[{"code": "passports"}, {"code": "old", "active": False}],
    )
    generate(office)
    assert local_times(office, MONDAY, "old") == []
    assert len(local_times(office, MONDAY, "passports")) == 3
