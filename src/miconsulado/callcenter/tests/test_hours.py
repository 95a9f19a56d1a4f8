"""The line's hours: weekdays 08–21, weekends and holidays 09–18, in the line's zone."""

from __future__ import annotations

import datetime as dt

import pytest

from miconsulado.callcenter import hours
from miconsulado.callcenter.models import LineSettings
from miconsulado.callcenter.tests.conftest import LA


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("local", "open_now"),
    [
        (dt.datetime(2026, 12, 7, 7, 59), False),  # Monday
        (dt.datetime(2026, 12, 7, 8, 0), True),
        (dt.datetime(2026, 12, 7, 20, 59), True),
        (dt.datetime(2026, 12, 7, 21, 0), False),
        (dt.datetime(2026, 12, 12, 8, 59), False),  # Saturday
        (dt.datetime(2026, 12, 12, 9, 0), True),
        (dt.datetime(2026, 12, 13, 17, 59), True),  # Sunday
        (dt.datetime(2026, 12, 13, 18, 0), False),
        (dt.datetime(2026, 11, 26, 8, 30), False),  # Thanksgiving (US federal), Thursday
        (dt.datetime(2026, 11, 16, 8, 30), False),  # Revolution Day (Mexico, third Monday of November)
        (dt.datetime(2026, 11, 16, 9, 30), True),
        (dt.datetime(2026, 11, 17, 8, 30), True),  # an ordinary Tuesday
    ],
)
def test_hours(local, open_now):
    assert hours.hours_at(local.replace(tzinfo=LA), LineSettings(pk=1)).open_now is open_now


@pytest.mark.django_db
def test_hours_follow_the_line_zone(settings):
    settings.MICONSULADO = {**settings.MICONSULADO, "CALL_CENTER_TZ": "America/New_York"}
    # 06:30 in Los Angeles is 09:30 in New York: open on a weekday.
    assert hours.hours_at(dt.datetime(2026, 12, 7, 6, 30, tzinfo=LA), LineSettings(pk=1)).open_now


def test_the_spoken_hours_are_the_hours():
    assert (dt.time(8, 0), dt.time(21, 0)) == hours.WEEKDAY_HOURS
    assert (dt.time(9, 0), dt.time(18, 0)) == hours.WEEKEND_HOURS
