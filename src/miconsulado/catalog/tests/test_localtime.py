"""An office's local dates and days: the one place that reads its zone."""

import datetime as dt

import pytest

from miconsulado.catalog.localtime import local_day_end, local_day_start, office_date, office_zone
from miconsulado.catalog.models import Office

LOS_ANGELES = Office(code="losangeles", tz="America/Los_Angeles")
TORONTO = Office(code="toronto", tz="America/Toronto")


def test_the_date_at_an_instant_is_the_offices():
    instant = dt.datetime(2026, 3, 10, 5, 0, tzinfo=dt.UTC)  # 22:00 on the 9th in Los Angeles
    assert office_date(instant, LOS_ANGELES) == dt.date(2026, 3, 9)
    assert office_date(instant, TORONTO) == dt.date(2026, 3, 10)


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (dt.date(2026, 3, 8), 23),  # the clocks go forward
        (dt.date(2026, 11, 1), 25),  # and back
        (dt.date(2026, 3, 9), 24),
    ],
)
def test_a_local_day_spans_its_hours(day, hours):
    start, end = local_day_start(day, LOS_ANGELES), local_day_end(day, LOS_ANGELES)
    assert start == dt.datetime(day.year, day.month, day.day, tzinfo=office_zone(LOS_ANGELES)).astimezone(
        dt.UTC
    )
    assert end - start == dt.timedelta(hours=hours)
    assert end == local_day_start(day + dt.timedelta(days=1), LOS_ANGELES)


def test_the_ends_of_the_calendar_are_instants_python_holds():
    assert local_day_start(dt.date.min, TORONTO) <= local_day_start(dt.date.min, LOS_ANGELES)
    assert local_day_end(dt.date.max, LOS_ANGELES) == dt.datetime.max.replace(tzinfo=dt.UTC)
