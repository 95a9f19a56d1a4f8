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


def office_today(office: Office, now: dt.datetime) -> dt.date:
    return to_office_time(now, office).date()
