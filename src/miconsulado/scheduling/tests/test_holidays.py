"""closed_holidays: Mexico's statutory days plus the host country's, per office configuration."""

import datetime as dt

import pytest

from miconsulado.scheduling.holidays import closed_holidays
from miconsulado.scheduling.models import OfficeSchedule

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def holidays_of(office):
    return closed_holidays(office=office, start=YEAR[0], end=YEAR[1])


@pytest.mark.parametrize("code", ["losangeles", "phoenix", "toronto", "montreal", "sanjuan"])
def test_mexican_independence_day_closes_every_office(make_office, code):
    closed = holidays_of(make_office(code))
    assert closed[dt.date(2026, 9, 16)] == "Día de la Independencia"  # Spanish name from MX


def test_us_observed_independence_day(make_office):
    closed = holidays_of(make_office("losangeles"))
    # 4 July 2026 is a Saturday: the federal holiday is observed on Friday 3 July.
    assert dt.date(2026, 7, 3) in closed
    assert "observed" in closed[dt.date(2026, 7, 3)].lower()


def test_us_holidays_do_not_close_canadian_offices(make_office):
    closed = holidays_of(make_office("toronto"))
    assert dt.date(2026, 7, 3) not in closed
    assert dt.date(2026, 11, 26) not in closed  # US Thanksgiving


def test_canada_day_and_ontario_days_for_toronto(make_office):
    closed = holidays_of(make_office("toronto"))
    assert dt.date(2026, 7, 1) in closed  # Canada Day
    assert dt.date(2026, 2, 16) in closed  # Family Day, an Ontario holiday
    assert dt.date(2026, 10, 12) in closed  # Thanksgiving (Canada)


def test_province_matters(make_office):
    # Family Day is Ontario's, not Quebec's; Saint-Jean-Baptiste is Quebec's.
    montreal = holidays_of(make_office("montreal"))
    toronto = holidays_of(make_office("toronto"))
    assert dt.date(2026, 2, 16) not in montreal
    assert dt.date(2026, 6, 24) in montreal
    assert dt.date(2026, 6, 24) not in toronto


def test_puerto_rico_days_for_san_juan(make_office):
    san_juan = holidays_of(make_office("sanjuan"))
    los_angeles = holidays_of(make_office("losangeles"))
    for day in (dt.date(2026, 1, 6), dt.date(2026, 4, 3), dt.date(2026, 11, 19)):
        assert day in san_juan  # Epiphany, Good Friday, Puerto Rican Identity Day
        assert day not in los_angeles


def test_host_subdivision_overrides_the_region(make_office):
    office = make_office("losangeles", host_subdivision="PR")
    assert dt.date(2026, 11, 19) in holidays_of(office)


def test_unknown_subdivision_falls_back_to_national_holidays(make_office):
    office = make_office("losangeles", host_subdivision="ZZ")
    closed = holidays_of(office)
    assert dt.date(2026, 7, 3) in closed  # federal
    assert dt.date(2026, 3, 31) not in closed  # Cesar Chavez Day is California's


def test_switches(make_office):
    office = make_office("losangeles", mexican_holidays=False)
    assert dt.date(2026, 9, 16) not in holidays_of(office)
    assert dt.date(2026, 7, 3) in holidays_of(office)
    OfficeSchedule.objects.filter(office=office).update(mexican_holidays=True, host_holidays=False)
    office.refresh_from_db()
    assert dt.date(2026, 9, 16) in holidays_of(office)
    assert dt.date(2026, 7, 3) not in holidays_of(office)


def test_range_is_inclusive_and_spans_years(make_office):
    office = make_office("losangeles")
    closed = closed_holidays(office=office, start=dt.date(2026, 12, 25), end=dt.date(2027, 1, 1))
    assert list(closed) == [dt.date(2026, 12, 25), dt.date(2027, 1, 1)]
    # Both countries rest on Christmas: both names are kept.
    assert "Navidad" in closed[dt.date(2026, 12, 25)]
    assert "Christmas" in closed[dt.date(2026, 12, 25)]
    assert closed_holidays(office=office, start=dt.date(2026, 2, 1), end=dt.date(2026, 1, 1)) == {}
