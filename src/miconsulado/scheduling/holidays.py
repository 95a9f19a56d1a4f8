"""Days an office is closed by law: Mexico's statutory rest days and the host country's holidays.

Both come from the `holidays` package; which apply is configured per office (OfficeSchedule).
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache

import holidays as holidays_lib

from miconsulado.catalog.models import Office
from miconsulado.scheduling.selectors import schedule_for

logger = logging.getLogger(__name__)

SPANISH = "es"


def host_subdivisions(country: str) -> frozenset[str]:
    """The subdivision codes the package knows for a host country (states, provinces, PR, DC)."""
    cls = getattr(holidays_lib, country)
    return frozenset(cls.subdivisions)


@lru_cache(maxsize=512)
def _calendar(country: str, subdiv: str | None, years: tuple[int, ...]) -> tuple[tuple[dt.date, str], ...]:
    # Built once per process and key: regenerating 59 offices reuses a handful of calendars.
    cls = getattr(holidays_lib, country)
    language = SPANISH if SPANISH in getattr(cls, "supported_languages", ()) else None
    calendar = holidays_lib.country_holidays(
        country, subdiv=subdiv, years=years, observed=True, language=language
    )
    return tuple(sorted(calendar.items()))


def closed_holidays(*, office: Office, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Holidays in [start, end] (local dates) on which `office` is closed, with their names.

    Names are in Spanish where the package has them (Mexico), else in the package's default.
    The US calendar includes observed dates (4 July on a Saturday closes Friday 3 July).
    """
    if end < start:
        return {}
    policy = schedule_for(office)
    years = tuple(range(start.year, end.year + 1))
    calendars: list[tuple[tuple[dt.date, str], ...]] = []
    if policy.mexican_holidays:
        calendars.append(_calendar("MX", None, years))
    if policy.host_holidays:
        subdiv = _subdivision(office, policy.host_subdivision)
        calendars.append(_calendar(office.country, subdiv, years))

    names: dict[dt.date, list[str]] = {}
    for calendar in calendars:
        for day, name in calendar:
            # Both countries may rest the same day (25 Dec): keep both names.
            if start <= day <= end and name not in names.setdefault(day, []):
                names[day].append(name)
    return {day: "; ".join(names[day]) for day in sorted(names)}


def _subdivision(office: Office, configured: str) -> str | None:
    code = (configured or office.region or "").strip().upper()
    if not code:
        return None
    if code not in host_subdivisions(office.country):
        # Configuration is validated in the admin (OfficeSchedule.clean); never block generation.
        logger.warning(
            "Office %s: unknown %s subdivision %r, using national holidays only",
            office.code,
            office.country,
            code,
        )
        return None
    return code
