"""When a time can be booked, as scheduling answers it: the timing rules every channel shares, and
the calendar's range of dates."""

import datetime as dt

import pytest

from miconsulado.core.errors import DomainError
from miconsulado.scheduling.errors import DateOutOfRange, OutsideHorizon, SlotInPast, TooSoon
from miconsulado.scheduling.rules import FIRST_DATE, LAST_DATE, check_date, timing_refusal

pytestmark = pytest.mark.django_db

# Monday 9 March 2026, 08:30 in Los Angeles (PDT).
NOW = dt.datetime(2026, 3, 9, 15, 30, tzinfo=dt.UTC)


@pytest.fixture
def office(make_office):
    return make_office("losangeles", min_lead_minutes=120, horizon_days=10)


@pytest.mark.parametrize(
    ("start", "refusal"),
    [
        (NOW, SlotInPast),
        (NOW - dt.timedelta(days=400), SlotInPast),
        (NOW + dt.timedelta(minutes=119), TooSoon),
        (NOW + dt.timedelta(minutes=120), None),
        # The horizon's last local day is Thursday 19 March; Friday's midnight is beyond it.
        (dt.datetime(2026, 3, 20, 6, 59, tzinfo=dt.UTC), None),
        (dt.datetime(2026, 3, 20, 7, 0, tzinfo=dt.UTC), OutsideHorizon),
    ],
)
def test_timing_refusal(office, start, refusal):
    found = timing_refusal(office=office, start=start, now=NOW)
    if refusal is None:
        assert found is None
    else:
        assert isinstance(found, refusal)
        assert found.errors.keys() == {"start"}


@pytest.mark.parametrize("day", [FIRST_DATE, LAST_DATE, dt.date(2026, 3, 9), None])
def test_dates_of_the_calendar_pass(day):
    check_date(day, field="date")


@pytest.mark.parametrize(
    "day", [dt.date.min, FIRST_DATE - dt.timedelta(days=1), LAST_DATE + dt.timedelta(days=1), dt.date.max]
)
def test_dates_beyond_the_calendar_are_refused_on_their_field(day):
    with pytest.raises(DateOutOfRange) as refused:
        check_date(day, field="from")
    assert isinstance(refused.value, DomainError) and refused.value.kind == "invalid"
    assert refused.value.errors.keys() == {"from"}
