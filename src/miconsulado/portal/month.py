"""A month as a calendar grid, weeks starting on the day the active language starts them."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.formats import get_format

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_month(text: str | None) -> dt.date | None:
    """'2026-05' → 2026-05-01; anything else (a tampered or mistyped link) → None."""
    match = _MONTH.match(text or "")
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def parse_day(text: str | None) -> dt.date | None:
    match = _DAY.match(text or "")
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass
class Cell:
    day: dt.date
    places: int  # free places that day (0: none, or outside the bookable span)
    label: str = ""  # what a screen reader says of it; made by the view


def weekday_order() -> list[int]:
    """Python weekday numbers (Monday 0) in the order the active language's weeks run."""
    first = int(get_format("FIRST_DAY_OF_WEEK"))  # Sunday 0, Monday 1 (Django's convention)
    start = (first - 1) % 7
    return [(start + i) % 7 for i in range(7)]


def weeks(first: dt.date, places: dict[dt.date, int]) -> list[list[Cell | None]]:
    """The month's weeks, each seven cells; days of the neighbouring months are None."""
    order = weekday_order()
    lead = order.index(first.weekday())
    cells: list[Cell | None] = [None] * lead
    day = first
    while day.month == first.month:
        cells.append(Cell(day, places.get(day, 0)))
        day += dt.timedelta(days=1)
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]
