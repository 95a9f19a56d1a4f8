"""Opening hours are local wall-clock time: 08:00 is 08:00 local on both sides of a DST change.

2026-03-08 and 2026-11-01 are Sundays: the offices get an extra session those days, and the
weekdays around them are checked too. Los Angeles is UTC-8 (PST) / UTC-7 (PDT); Phoenix never
shifts (UTC-7 all year).
"""

import datetime as dt
import itertools

import pytest

from miconsulado.scheduling.models import ExtraSession, Slot
from miconsulado.scheduling.services import generate_slots

from .conftest import NOW, at, local_times, utc


def generate_around(office, sunday: dt.date) -> None:
    ExtraSession.objects.create(
        office=office, date=sunday, starts=dt.time(8), ends=dt.time(12), reason="Sábado extra"
    )
    generate_slots(
        office=office,
        start=sunday - dt.timedelta(days=2),
        end=sunday + dt.timedelta(days=1),
        now=NOW,
    )


def starts_utc(office, day: str) -> list[dt.datetime]:
    lower = at(office, f"{day} 00:00")
    upper = lower + dt.timedelta(hours=24)
    return list(
        Slot.objects.filter(office=office, start__gte=lower, start__lt=upper)
        .order_by("start")
        .values_list("start", flat=True)
    )


EXPECTED_DAY = ["08:00", "08:20", "08:40", "09:00", "09:20", "09:40"] + [
    f"{h:02d}:{m:02d}" for h in (10, 11) for m in (0, 20, 40)
]

CASES = [
    # office, Sunday of the change, {local date: UTC instant of 08:00}
    (
        "losangeles",
        dt.date(2026, 3, 8),
        {
            "2026-03-06": "2026-03-06 16:00",  # Friday, PST
            "2026-03-08": "2026-03-08 15:00",  # Sunday: clocks went forward at 02:00, PDT
            "2026-03-09": "2026-03-09 15:00",  # Monday, PDT
        },
    ),
    (
        "losangeles",
        dt.date(2026, 11, 1),
        {
            "2026-10-30": "2026-10-30 15:00",  # Friday, PDT
            "2026-11-01": "2026-11-01 16:00",  # Sunday: clocks went back at 02:00, PST
            "2026-11-02": "2026-11-02 16:00",  # Monday, PST
        },
    ),
    (
        "phoenix",
        dt.date(2026, 3, 8),
        {
            "2026-03-06": "2026-03-06 15:00",
            "2026-03-08": "2026-03-08 15:00",
            "2026-03-09": "2026-03-09 15:00",
        },
    ),
    (
        "phoenix",
        dt.date(2026, 11, 1),
        {
            "2026-10-30": "2026-10-30 15:00",
            "2026-11-01": "2026-11-01 15:00",
            "2026-11-02": "2026-11-02 15:00",
        },
    ),
]


@pytest.mark.parametrize(("code", "sunday", "expected"), CASES)
def test_eight_local_is_eight_local_on_both_sides(make_office, code, sunday, expected):
    office = make_office(code)
    generate_around(office, sunday)

    for day, opening in expected.items():
        assert local_times(office, day) == EXPECTED_DAY, day
        starts = starts_utc(office, day)
        assert starts[0] == utc(opening), day
        # Twelve 20-minute slots, back to back, in real (UTC) time too: no DST change inside.
        assert starts[-1] - starts[0] == dt.timedelta(minutes=220)
        assert all(
            s.end - s.start == dt.timedelta(minutes=20)
            for s in Slot.objects.filter(office=office, start__in=starts)
        )
    # Saturday has no hours and no extra session.
    assert local_times(office, sunday - dt.timedelta(days=1)) == []


def test_spring_forward_gap_is_skipped(make_office):
    office = make_office("losangeles", hours={})
    day = dt.date(2026, 3, 8)
    ExtraSession.objects.create(office=office, date=day, starts=dt.time(1), ends=dt.time(4))
    generate_slots(office=office, start=day, end=day, now=NOW)

    # 02:00–02:59 does not exist that night; 03:00 follows 01:40 twenty real minutes later.
    assert local_times(office, day) == ["01:00", "01:20", "01:40", "03:00", "03:20", "03:40"]
    starts = starts_utc(office, "2026-03-08")
    assert starts[0] == utc("2026-03-08 09:00")  # 01:00 PST
    assert starts[3] == utc("2026-03-08 10:00")  # 03:00 PDT


def test_fall_back_ambiguous_hour_uses_first_occurrence(make_office):
    office = make_office("losangeles", hours={})
    day = dt.date(2026, 11, 1)
    ExtraSession.objects.create(office=office, date=day, starts=dt.time(1), ends=dt.time(3))
    generate_slots(office=office, start=day, end=day, now=NOW)

    slots = list(Slot.objects.filter(office=office).order_by("start"))
    # 01:00–01:59 happens twice; slots use the first (PDT, fold=0), 02:00 is PST.
    assert [s.start for s in slots] == [
        utc("2026-11-01 08:00"),
        utc("2026-11-01 08:20"),
        utc("2026-11-01 08:40"),
        utc("2026-11-01 10:00"),
        utc("2026-11-01 10:20"),
        utc("2026-11-01 10:40"),
    ]
    # No two slots of the window overlap.
    assert all(a.end <= b.start for a, b in itertools.pairwise(slots))


def test_san_juan_never_shifts(make_office):
    office = make_office("sanjuan")
    generate_slots(office=office, start=dt.date(2026, 3, 6), end=dt.date(2026, 11, 2), now=NOW)
    # Atlantic Standard Time all year: 08:00 is 12:00Z in March and in November.
    assert starts_utc(office, "2026-03-09")[0] == utc("2026-03-09 12:00")
    assert starts_utc(office, "2026-11-02")[0] == utc("2026-11-02 12:00")
