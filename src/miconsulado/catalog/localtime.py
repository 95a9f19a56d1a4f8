"""Times are stored in UTC and shown in the office's zone: a date without an office makes no sense."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from miconsulado.catalog.models import Office


@lru_cache(maxsize=128)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def office_zone(office: Office) -> ZoneInfo:
    return zone(office.tz)


def to_office_time(value: dt.datetime, office: Office) -> dt.datetime:
    return value.astimezone(office_zone(office))


def format_office_time(value: dt.datetime | None, office: Office) -> str:
    """'2026-03-09 08:00 PDT' — the wall-clock time at the office, with its zone abbreviation."""
    if value is None:
        return ""
    return to_office_time(value, office).strftime("%Y-%m-%d %H:%M %Z")


def office_date(value: dt.datetime, office: Office) -> dt.date:
    """The office's local date at the instant `value`."""
    return to_office_time(value, office).date()


def office_today(office: Office, now: dt.datetime) -> dt.date:
    return office_date(now, office)


_BEGINNING = dt.datetime.min.replace(tzinfo=dt.UTC)
_END = dt.datetime.max.replace(tzinfo=dt.UTC)


def local_day_start(day: dt.date, office: Office) -> dt.datetime:
    """The UTC instant at which the office's local date `day` begins (0001-01-01 east of UTC began
    before the first instant Python can hold: that first instant)."""
    try:
        return dt.datetime(day.year, day.month, day.day, tzinfo=office_zone(office)).astimezone(dt.UTC)
    except OverflowError:
        return _BEGINNING


def local_day_end(day: dt.date, office: Office) -> dt.datetime:
    """The UTC instant at which the office's local date `day` ends (exclusive): the next day's start.
    9999-12-31 has no next day: its end is the last instant Python can hold, after every slot."""
    if day == dt.date.max:
        return _END
    return local_day_start(day + dt.timedelta(days=1), office)
