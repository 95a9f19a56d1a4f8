"""What the portal's pages read: offices as people look for them, and the first free place of many
offices in one query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.utils import timezone, translation

from miconsulado.catalog import selectors as catalog
from miconsulado.catalog.localtime import office_zone
from miconsulado.catalog.models import Country, Fee, Office, Procedure
from miconsulado.portal.regions import ZONES, region
from miconsulado.portal.search import fold, matches
from miconsulado.scheduling.models import Slot
from miconsulado.scheduling.selectors import availability_version, booking_window, open_slots, window_snapshot

# One office's first free place among some windows: the (office, start) index finds it at once.
_FIRST_FREE_SQL = (
    "SELECT * FROM (SELECT office_id, start FROM {table} WHERE office_id = %s AND window_id IN ({windows})"
    " AND start >= %s AND start < %s AND booked < capacity AND conflict = %s AND withdrawn = %s"
    " ORDER BY start LIMIT 1) AS first_{n}"
)


def first_free_starts(
    wanted: Iterable[tuple[Office, Iterable[int]]], *, now: dt.datetime | None = None
) -> dict[int, dt.datetime]:
    """For each (office, its windows), the start (UTC) of the first slot with a free place inside the
    office's booking window (lead time, horizon), by office id; offices without one are left out.

    One statement for all of them (a UNION ALL of one indexed LIMIT 1 per office): the office list
    asks it for 59 offices on every view.
    """
    now = now or timezone.now()
    parts: list[str] = []
    params: list[Any] = []
    adapt = connection.ops.adapt_datetimefield_value
    for office, windows in wanted:
        window_ids = sorted(set(windows))
        if not window_ids:
            continue
        span = booking_window(office=office, now=now)
        parts.append(
            _FIRST_FREE_SQL.format(
                table=Slot._meta.db_table, windows=", ".join(["%s"] * len(window_ids)), n=len(parts)
            )
        )
        params += [office.pk, *window_ids, adapt(span.earliest), adapt(span.latest), False, False]
    if not parts:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    return {office_id: _utc(start) for office_id, start in rows}


def _utc(value: dt.datetime | str) -> dt.datetime:
    if isinstance(value, str):  # SQLite through a raw cursor
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def bookable_windows(
    offices: Iterable[Office], procedures: Iterable[Procedure]
) -> list[tuple[Office, set[int]]]:
    """Each office with the windows where some of these procedures can be booked there: what
    scheduling's `serving_windows` says, read from one copy of each snapshot for all the offices
    (the office list asks it for 59 offices and every procedure)."""
    windows = window_snapshot.get()
    offered = catalog.catalog_snapshot.get().offered
    procedure_ids = [p.pk for p in procedures if p.active]
    found = []
    for office in offices:
        wanted = [p for p in procedure_ids if (office.pk, p) in offered]
        found.append(
            (
                office,
                {
                    w
                    for w in windows.by_office.get(office.pk, ())
                    if any(p in windows.served[w] for p in wanted)
                },
            )
        )
    return found


@dataclass
class OfficeEntry:
    office: Office
    first_free: dt.datetime | None  # UTC
    # What the office list shows, made by its view.
    url: str = ""
    zone_line: str = ""
    free_line: str = ""

    @property
    def zone_name(self) -> str:
        names = ZONES.get(self.office.tz)
        if names is None:
            return self.office.tz
        return names.name_en if translation.get_language() == "en" else names.name_es


@dataclass
class RegionGroup:
    country: str
    code: str
    name: str
    entries: list[OfficeEntry] = field(default_factory=list)


@dataclass
class CountryGroup:
    code: str
    name: str
    regions: list[RegionGroup] = field(default_factory=list)


def active_offices() -> list[Office]:
    """The active offices from the catalog's snapshot, with their schedules (the booking window
    reads them): no query. Shared instances, to read only."""
    return sorted(
        (o for o in catalog.catalog_snapshot.get().offices.values() if o.active), key=lambda o: o.code
    )


def _first_free_of_all(offices: list[Office]) -> dict[int, dt.datetime]:
    """Every office's first free place for any procedure it offers. Cached for the availability
    cache's time: the list is a guide ("from 3 May"), the calendar behind each office is exact."""
    ttl = settings.MICONSULADO["AVAILABILITY_CACHE_SECONDS"]
    key = "portal:first-free"
    if ttl:
        found = cache.get(key)
        if found is not None:
            return dict(found)
    procedures = list(catalog.active_procedures())
    starts = first_free_starts(bookable_windows(offices, procedures))
    if ttl:
        cache.set(key, starts, timeout=ttl)
    return starts


def offices_by_region(query: str = "") -> list[CountryGroup]:
    """Active offices matching the query, by country (United States first), then state or province
    by name in the active language, then city."""
    english = translation.get_language() == "en"
    offices = active_offices()
    firsts = _first_free_of_all(offices)
    countries: dict[str, CountryGroup] = {}
    regions: dict[tuple[str, str], RegionGroup] = {}
    for office in offices:
        names = region(office.country, office.region)
        country = Country(office.country)
        searchable = [
            office.city,
            office.name_es,
            office.name_en,
            names.name_es,
            names.name_en,
            str(country.label),
            "Estados Unidos" if office.country == "US" else "Canadá",
            "United States" if office.country == "US" else "Canada",
        ]
        if not matches(query, searchable, codes=[office.region, office.code]):
            continue
        group = regions.get((office.country, office.region))
        if group is None:
            group = regions[(office.country, office.region)] = RegionGroup(
                country=office.country,
                code=office.region,
                name=names.name_en if english else names.name_es,
            )
            countries.setdefault(office.country, CountryGroup(office.country, str(country.label)))
            countries[office.country].regions.append(group)
        group.entries.append(OfficeEntry(office=office, first_free=firsts.get(office.pk)))
    ordered = [countries[c] for c in ("US", "CA") if c in countries]
    for country_group in ordered:
        country_group.regions.sort(key=lambda g: _sort_key(g.name))
        for group in country_group.regions:
            group.entries.sort(key=lambda e: _sort_key(e.office.city))
    return ordered


def _sort_key(text: str) -> str:
    return fold(text)


def first_free_nearby(
    office: Office, procedure: Procedure, *, now: dt.datetime | None = None
) -> list[OfficeEntry]:
    """The other active offices of the same state or province that offer the procedure, each with
    its first free place for it (earliest first; those with none last)."""
    others = [
        o
        for o in active_offices()
        if (o.country, o.region) == (office.country, office.region)
        and o.pk != office.pk
        and catalog.offers(o, procedure)
    ]
    starts = first_free_starts(bookable_windows(others, [procedure]), now=now)
    entries = [OfficeEntry(office=o, first_free=starts.get(o.pk)) for o in others]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(entries, key=lambda e: (e.first_free or far, e.office.city))


def fees_in_force(procedures: Iterable[Procedure], on: dt.date) -> dict[int, list[Fee]]:
    """`catalog.selectors.current_fees` of several procedures in one query, by procedure id: per
    variant the newest row whose validity covers the date, cheapest first. (The office's page lists
    ten procedures; one query each cost more than the rest of the page.)"""
    ids = [p.pk for p in procedures]
    fees = Fee.objects.filter(procedure_id__in=ids, valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )
    newest: dict[tuple[int, str], Fee] = {}
    for fee in fees.order_by("procedure_id", "variant", "-valid_from"):
        newest.setdefault((fee.procedure_id, fee.variant), fee)
    found: dict[int, list[Fee]] = {pk: [] for pk in ids}
    for (procedure_id, _variant), fee in newest.items():
        found[procedure_id].append(fee)
    for rows in found.values():
        rows.sort(key=lambda f: (f.amount_cents, f.variant))
    return found


# A day's times as the office's wall clock: (start with its UTC offset, as ISO text; local time; places left).
DayTimes = list[tuple[str, dt.time, int]]


def times_by_day(
    *, office: Office, procedure: Procedure, first: dt.date, last: dt.date, now: dt.datetime
) -> dict[dt.date, DayTimes]:
    """The free times of the office's local dates [first, last], by date. Cached like the API's
    availability: under the office's availability version (any booking, cancellation or expiry
    changes it at once, in every process), for AVAILABILITY_CACHE_SECONDS at most."""
    ttl = settings.MICONSULADO["AVAILABILITY_CACHE_SECONDS"]
    key = ""
    if ttl:
        key = f"portal:times:{office.pk}:{availability_version(office.pk)}:{procedure.pk}:{first}:{last}"
        found = cache.get(key)
        if found is not None:
            return dict(found)
    zone = office_zone(office)
    days: dict[dt.date, DayTimes] = {}
    for slot in open_slots(office=office, procedure=procedure, date_from=first, date_to=last, now=now):
        local = slot.start.astimezone(zone)
        days.setdefault(local.date(), []).append((local.isoformat(), local.time(), slot.remaining))
    if ttl:
        cache.set(key, days, timeout=ttl)
    return days
