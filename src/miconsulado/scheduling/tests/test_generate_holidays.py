"""Holidays close the office's weekly hours; an extra session opens a holiday."""

import datetime as dt

from miconsulado.scheduling.models import ExtraSession
from miconsulado.scheduling.services import generate_slots

from .conftest import NOW, local_times


def generate(office, first: str, last: str | None = None):
    start = dt.date.fromisoformat(first)
    end = dt.date.fromisoformat(last) if last else start
    return generate_slots(office=office, start=start, end=end, now=NOW)


def test_mexican_independence_day_has_no_slots(make_office):
    for code in ("losangeles", "toronto"):
        office = make_office(code)
        generate(office, "2026-09-15", "2026-09-17")  # Tuesday to Thursday
        assert local_times(office, "2026-09-16") == [], code
        assert local_times(office, "2026-09-15") != []
        assert local_times(office, "2026-09-17") != []


def test_us_observed_independence_day_has_no_slots(make_office):
    los_angeles = make_office("losangeles")
    toronto = make_office("toronto")
    for office in (los_angeles, toronto):
        generate(office, "2026-07-01", "2026-07-03")
    assert local_times(los_angeles, "2026-07-03") == []  # Friday, observed 4 July
    assert len(local_times(toronto, "2026-07-03")) == 12  # not a Canadian holiday


def test_canada_day_for_toronto(make_office):
    toronto = make_office("toronto")
    los_angeles = make_office("losangeles")
    for office in (toronto, los_angeles):
        generate(office, "2026-06-30", "2026-07-02")
    assert local_times(toronto, "2026-07-01") == []
    assert len(local_times(toronto, "2026-06-30")) == 12
    assert len(local_times(los_angeles, "2026-07-01")) == 12


def test_ontario_family_day_for_toronto(make_office):
    toronto = make_office("toronto")
    generate(toronto, "2026-02-16")
    assert local_times(toronto, "2026-02-16") == []


def test_puerto_rico_day_for_san_juan(make_office):
    san_juan = make_office("sanjuan")
    generate(san_juan, "2026-11-19")  # Puerto Rican Identity Day, a Thursday
    assert local_times(san_juan, "2026-11-19") == []


def test_extra_session_opens_a_holiday(make_office):
    office = make_office("losangeles")
    ExtraSession.objects.create(
        office=office,
        date=dt.date(2026, 9, 16),
        starts=dt.time(9),
        ends=dt.time(10),
        reason="Jornada sabatina",
    )
    generate(office, "2026-09-16")
    # Only the extra session: the weekly 08:00–12:00 stays closed on the holiday.
    assert local_times(office, "2026-09-16") == ["09:00", "09:20", "09:40"]


def test_holidays_can_be_switched_off(make_office):
    office = make_office("losangeles", mexican_holidays=False, host_holidays=False)
    generate(office, "2026-07-03")
    generate(office, "2026-09-16")
    assert len(local_times(office, "2026-07-03")) == 12
    assert len(local_times(office, "2026-09-16")) == 12
