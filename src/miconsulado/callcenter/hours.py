"""When agents answer: Monday–Friday 08:00–21:00; Saturday, Sunday, holidays and one-off closures
09:00–18:00, in the line's zone (MICONSULADO_CALL_CENTER_TZ). Holidays: Mexico's statutory days and
the US federal ones (the `holidays` package), each switchable in the admin (LineSettings)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.conf import settings
from django.utils import timezone

from miconsulado.callcenter.models import LineClosure, LineSettings

WEEKDAY_HOURS = (dt.time(8, 0), dt.time(21, 0))
WEEKEND_HOURS = (dt.time(9, 0), dt.time(18, 0))


def line_zone() -> ZoneInfo:
    return ZoneInfo(settings.MICONSULADO["CALL_CENTER_TZ"])


def line_settings() -> LineSettings:
    return LineSettings.objects.filter(pk=1).first() or LineSettings(pk=1)


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[dt.date]:
    # MX: the statutory rest days (the package's public category); US: the federal holidays, with
    # the observed day when one falls on a weekend.
    return frozenset(holidays_lib.country_holidays(country, years=year, observed=True).keys())


def is_holiday(day: dt.date, line: LineSettings) -> bool:
    if line.mexican_holidays and day in _holidays("MX", day.year):
        return True
    if line.us_holidays and day in _holidays("US", day.year):
        return True
    return LineClosure.objects.filter(date=day).exists()


@dataclass(frozen=True)
class Hours:
    opens: dt.time
    closes: dt.time
    open_now: bool


def hours_at(now: dt.datetime | None = None, line: LineSettings | None = None) -> Hours:
    """The line's hours on the local day of `now`, and whether agents answer at `now`."""
    local = (now or timezone.now()).astimezone(line_zone())
    line = line or line_settings()
    weekend = local.weekday() >= 5 or is_holiday(local.date(), line)
    opens, closes = WEEKEND_HOURS if weekend else WEEKDAY_HOURS
    return Hours(opens, closes, opens <= local.time() < closes)
