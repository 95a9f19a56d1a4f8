"""Slot generation: weekly hours, extra sessions, closures and holidays turned into Slot rows.

Opening hours are local wall-clock times; each local date is planned in the office's IANA zone and
converted to UTC slot by slot, so 08:00 stays 08:00 on both sides of a DST change.

Regenerating is an idempotent upsert. It never drops a booked place: a slot the schedule no longer
produces (or produces with fewer places than are taken) is kept and marked as a conflict for staff.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, connections, router, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Value
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from miconsulado.catalog.localtime import local_day_end, local_day_start, office_date, office_zone
from miconsulado.catalog.models import Office
from miconsulado.core.errors import Invalid
from miconsulado.core.events import announce
from miconsulado.scheduling.events import SlotsInConflict
from miconsulado.scheduling.holidays import closed_holidays
from miconsulado.scheduling.models import (
    AvailabilityVersion,
    Closure,
    ExtraSession,
    OfficeSchedule,
    OpeningHours,
    ServiceWindow,
    Slot,
)
from miconsulado.scheduling.selectors import schedule_for

logger = logging.getLogger(__name__)

# A typo such as --days 90000 must not write millions of rows.
MAX_RANGE_DAYS = 731
_CHUNK = 500  # ids per IN (...) list, well inside SQLite's parameter limit

_Range = tuple[int, int]  # [start, end) in minutes after local midnight
_Key = tuple[int, dt.datetime]  # (window id, start in UTC)


@dataclass
class GenerationReport:
    """What one run changed for one office over [start, end] (local dates)."""

    office: str
    start: dt.date
    end: dt.date
    created: int = 0
    updated: int = 0
    deleted: int = 0
    withdrawn: int = 0
    # Every slot of the range that is in conflict after the run (new or still unresolved).
    conflicts: list[Slot] = field(default_factory=list)
    # Booked slots this run found no longer offered (newly, or for another cause), as announced in
    # SlotsInConflict: {"slot", "start", "cause", "detail"}.
    vanished: list[dict[str, Any]] = field(default_factory=list)


def slot_capacity(*, desks: int, capacity_percent: int) -> int:
    """Places per slot: desks scaled by the capacity factor, floored; never 0 unless the factor is."""
    if capacity_percent <= 0:
        return 0
    return max(1, desks * capacity_percent // 100)


@dataclass
class _Plan:
    """The office's configuration for a date range, loaded once per run."""

    office: Office
    policy: OfficeSchedule
    zone: ZoneInfo
    windows: dict[int, ServiceWindow]
    hours: dict[int, list[_Range]]  # weekday -> ranges
    extras: dict[dt.date, list[tuple[int | None, _Range]]]  # date -> (window id or all, range)
    closures: dict[dt.date, list[Closure]]
    holidays: dict[dt.date, str]

    def length(self, window: ServiceWindow) -> int:
        return window.slot_minutes or self.policy.slot_minutes

    def open_ranges(self, day: dt.date, window_id: int) -> list[_Range]:
        """Weekly ranges first (unless a holiday), then the extra sessions: the weekly grid wins
        where they overlap, so adding a session never shifts slots people already booked."""
        ranges = [] if day in self.holidays else list(self.hours.get(day.weekday(), ()))
        ranges += [r for w, r in self.extras.get(day, ()) if w is None or w == window_id]
        return ranges

    def closed_ranges(self, day: dt.date) -> list[_Range]:
        return [_closure_range(c) for c in self.closures.get(day, ())]


def _minutes(value: dt.time, *, round_up: bool = False) -> int:
    minutes = value.hour * 60 + value.minute
    if round_up and (value.second or value.microsecond):
        minutes += 1
    return minutes


def _closure_range(closure: Closure) -> _Range:
    if closure.starts is None or closure.ends is None:
        return (0, 24 * 60)
    # Rounded outwards: a closure never leaves a sliver of a slot open.
    return (_minutes(closure.starts), _minutes(closure.ends, round_up=True))


def _load_plan(*, office: Office, start: dt.date, end: dt.date) -> _Plan:
    policy = schedule_for(office)
    windows = {w.pk: w for w in ServiceWindow.objects.filter(office=office, active=True)}
    hours: dict[int, list[_Range]] = defaultdict(list)
    for h in OpeningHours.objects.filter(office=office).order_by("weekday", "opens"):
        hours[h.weekday].append((_minutes(h.opens, round_up=True), _minutes(h.closes)))
    extras: dict[dt.date, list[tuple[int | None, _Range]]] = defaultdict(list)
    for x in ExtraSession.objects.filter(office=office, date__range=(start, end)).order_by("date", "starts"):
        extras[x.date].append((x.window_id, (_minutes(x.starts, round_up=True), _minutes(x.ends))))
    closures: dict[dt.date, list[Closure]] = defaultdict(list)
    for c in Closure.objects.filter(office=office, date__range=(start, end)):
        closures[c.date].append(c)
    return _Plan(
        office=office,
        policy=policy,
        zone=office_zone(office),
        windows=windows,
        hours=hours,
        extras=extras,
        closures=closures,
        holidays=closed_holidays(office=office, start=start, end=end),
    )


def _day_starts(ranges: Sequence[_Range], length: int, closed: Sequence[_Range]) -> list[int]:
    """Slot starts (minutes) of one window on one day.

    Each range has its own grid anchored at its opening; a slot must fit entirely inside its range
    and touch no closure. Where a range overlaps slots taken from an earlier one, its grid resumes
    at the end of those slots, so slots never overlap and an extra session that extends the day
    continues the weekly grid. A closure only drops the slots it touches (the grid is not
    re-anchored after it), so the rest of the day, and the appointments in it, stay put.
    """
    accepted: list[_Range] = []
    for lo, hi in ranges:
        earlier = [a for a in accepted if a[0] < hi and a[1] > lo]
        t = lo
        while t + length <= hi:
            e = t + length
            clash = [a1 for a0, a1 in earlier if a0 < e and t < a1]
            if clash:
                t = max(clash)
                continue
            if not any(c0 < e and t < c1 for c0, c1 in closed):
                accepted.append((t, e))
            t = e
    return sorted(s for s, _ in accepted)


class _Clock:
    """Local wall-clock minutes of one date → UTC instants, fast on the 363 days without a DST
    change and exact on the two with one."""

    def __init__(self, zone: ZoneInfo, day: dt.date) -> None:
        self.zone = zone
        self.day = day
        midnight = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
        next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
        offset = midnight.utcoffset()
        self.steady = offset == next_midnight.utcoffset()
        self.base = (midnight.replace(tzinfo=None) - (offset or dt.timedelta(0))).replace(tzinfo=dt.UTC)

    def utc(self, minute: int) -> dt.datetime | None:
        """The UTC instant of local `minute`; None inside a spring-forward gap. An ambiguous time
        (the repeated hour in autumn) is its first occurrence (fold=0)."""
        if self.steady:
            return self.base + dt.timedelta(minutes=minute)
        local = dt.datetime(
            self.day.year, self.day.month, self.day.day, minute // 60, minute % 60, tzinfo=self.zone
        )
        utc = local.astimezone(dt.UTC)
        if utc.astimezone(self.zone).replace(tzinfo=None) != local.replace(tzinfo=None):
            return None
        return utc


def _dates(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def _planned_slots(
    plan: _Plan, start: dt.date, end: dt.date, now: dt.datetime
) -> dict[_Key, tuple[dt.datetime, int]]:
    """(window, start UTC) → (end UTC, capacity) for every future slot the schedule produces."""
    produced: dict[_Key, tuple[dt.datetime, int]] = {}
    percent = plan.policy.capacity_percent
    windows = [
        (w, plan.length(w), slot_capacity(desks=w.desks, capacity_percent=percent))
        for w in plan.windows.values()
    ]
    windows = [item for item in windows if item[2] > 0]
    if not windows:
        return produced
    for day in _dates(start, end):
        closed = plan.closed_ranges(day)
        if any(c == (0, 24 * 60) for c in closed):
            continue
        clock = _Clock(plan.zone, day)
        grids: dict[tuple[tuple[_Range, ...], int], list[int]] = {}
        for window, length, capacity in windows:
            ranges = tuple(plan.open_ranges(day, window.pk))
            if not ranges:
                continue
            # Windows with the same ranges and length share one grid.
            starts = grids.get((ranges, length))
            if starts is None:
                starts = grids[(ranges, length)] = _day_starts(ranges, length, closed)
            duration = dt.timedelta(minutes=length)
            for minute in starts:
                utc = clock.utc(minute)
                if utc is None or utc < now:
                    continue
                produced[(window.pk, utc)] = (utc + duration, capacity)
    return produced


class _Row(NamedTuple):
    """An existing slot as read for regeneration: plain values, no model instance (a run reads
    thousands of them)."""

    pk: int
    window_id: int
    start: dt.datetime
    end: dt.datetime
    capacity: int
    booked: int
    conflict: bool
    conflict_reason: str
    withdrawn: bool
    line_held: int


def _absence_cause(plan: _Plan, slot: _Row) -> tuple[str, str]:
    """Why the schedule no longer produces `slot`: (cause, detail), a cause of events.CAUSES and
    the closure's reason or the holiday's name."""
    local = slot.start.astimezone(plan.zone)
    day = local.date()
    minute = local.hour * 60 + local.minute
    length = max(1, int((slot.end - slot.start).total_seconds() // 60))
    if slot.window_id not in plan.windows:
        return "window_inactive", ""
    if plan.policy.capacity_percent == 0:
        return "capacity_zero", ""
    for closure in plan.closures.get(day, ()):
        c0, c1 = _closure_range(closure)
        if c0 < minute + length and minute < c1:
            return "closure", closure.reason
    if day in plan.holidays and not plan.extras.get(day):
        return "holiday", plan.holidays[day]
    return "out_of_hours", ""


def _absence_reason(cause: str, detail: str) -> str:
    """The cause in the project's language, for staff."""
    if cause == "window_inactive":
        return gettext("Ventanilla inactiva")
    if cause == "capacity_zero":
        return gettext("Capacidad al 0 %")
    if cause == "closure":
        return gettext("Cierre: %(reason)s") % {"reason": detail}
    if cause == "holiday":
        return gettext("Día feriado: %(name)s") % {"name": detail}
    return gettext("Fuera del horario")


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def generate_slots(
    *, office: Office, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> GenerationReport:
    """Create, update, withdraw or delete the office's future slots for local dates [start, end].

    Runs in one transaction with the office's slots in range locked, so bookings wait for it
    rather than book a place that is being removed. Slots that started before `now` are never
    touched.
    """
    if end < start:
        raise Invalid(
            _("La fecha final (%(end)s) es anterior a la inicial (%(start)s).") % {"start": start, "end": end}
        )
    if (end - start).days >= MAX_RANGE_DAYS:
        raise Invalid(_("Se pueden generar como máximo %(days)s días de una vez.") % {"days": MAX_RANGE_DAYS})
    now = now or timezone.now()
    lower = max(now, local_day_start(start, office))
    upper = local_day_end(end, office)
    report = GenerationReport(office=office.code, start=start, end=end)

    # Stored reasons are written in the project's language, whoever triggers the run.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        # One generator per office at a time. NO KEY UPDATE: bookings (which reference the office
        # row) go on meanwhile.
        list(Office.objects.select_for_update(no_key=True).filter(pk=office.pk).order_by().values_list("pk"))
        plan = _load_plan(office=office, start=start, end=end)
        produced = _planned_slots(plan, start, end, now)
        existing = [
            _Row(*values)
            for values in Slot.objects.select_for_update()
            .filter(office=office, start__gte=lower, start__lt=upper)
            .order_by("pk")
            .values_list(*_Row._fields)
        ]
        if _upsert(plan, produced, existing, report):
            # The real rows, for staff listings; the partial index on conflicts makes this cheap.
            report.conflicts = list(
                Slot.objects.filter(office=office, conflict=True, start__gte=lower, start__lt=upper)
                .select_related("office", "window")
                .order_by("start", "window_id")
            )
            logger.warning(
                "Office %s: %d slot(s) in conflict between %s and %s",
                office.code,
                len(report.conflicts),
                start,
                end,
            )
        if report.vanished:
            # In this transaction: the people are told if and only if the change commits.
            announce(SlotsInConflict(office=office.code, slots=report.vanished))
        note_availability_changed(office_id=office.pk)
    return report


# Rows per office of its availability version. One would make every booking at an office wait for
# the row until the one before it has committed; a few let them go on side by side (decision 0008).
AVAILABILITY_SHARDS = 8


def availability_bump_sql(rows_from: str = "") -> str:
    """The statement that adds one to a shard of an office's availability version (creating the row
    the first time), with the parameters of availability_bump_params(). `rows_from`: a part of a
    larger statement whose row it is selected from (no row: no change), for the one-statement
    booking; the parameters are cast there, as PostgreSQL infers no type in a SELECT list."""
    table = AvailabilityVersion._meta.db_table
    # Names from the model and the caller's code; the values are parameters.
    values = "VALUES (%s, %s, 1)"
    if rows_from:
        values = f"SELECT CAST(%s AS bigint), CAST(%s AS smallint), 1 FROM {rows_from}"  # noqa: S608
    return (
        f"INSERT INTO {table} (office_id, shard, value) {values}"
        f" ON CONFLICT (office_id, shard) DO UPDATE SET value = {table}.value + 1"
    )


_BUMP_SQL = availability_bump_sql()


def availability_bump_params(office_id: int) -> list[int]:
    """The office and this thread's shard. A connection always uses the same shard (Django's
    connections are per thread), so a transaction that changes an office twice (an expired hold
    released on the way to a booking) locks one row, never two in some order another could cross."""
    return [office_id, hash((os.getpid(), threading.get_ident())) % AVAILABILITY_SHARDS]


def note_availability_changed(*, office_id: int) -> None:
    """Add one to the office's availability version, in the caller's transaction: cached answers
    are not believed once it commits, in any process. Called last in a transaction, after its rows
    and slots are locked (appointments, then slots, then versions, in office order when several:
    one order everywhere, no deadlock), so the version's row is held only until the commit."""
    with connection.cursor() as cursor:
        cursor.execute(_BUMP_SQL, availability_bump_params(office_id))


def _upsert(
    plan: _Plan,
    produced: dict[_Key, tuple[dt.datetime, int]],
    existing: list[_Row],
    report: GenerationReport,
) -> int:
    """Write the changes into the locked rows and report them; returns how many are in conflict."""
    conflicts = 0
    existing = _trim_line_held(produced, existing)
    # Rows that change get the same values in groups, so a capacity change over 90 days is a few
    # UPDATE statements, not one per slot. Key: capacity, length (min), conflict, reason, withdrawn.
    changes: dict[tuple[int, int, bool, str, bool], list[int]] = defaultdict(list)
    unproduced_free: list[_Row] = []
    seen: set[_Key] = set()

    for slot in existing:
        key = (slot.window_id, slot.start)
        target = produced.get(key)
        if target is not None:
            seen.add(key)
            end, capacity = target
            conflict, reason = False, ""
            if slot.booked > capacity:
                conflict = True
                reason = gettext(
                    "Capacidad reducida a %(capacity)s, pero hay %(booked)s lugares ocupados"
                ) % {
                    "capacity": capacity,
                    "booked": slot.booked,
                }
                capacity = slot.booked
        elif slot.booked > 0:
            end, capacity = slot.end, slot.capacity
            cause, detail = _absence_cause(plan, slot)
            conflict, reason = True, _absence_reason(cause, detail)[:200]
            if not slot.conflict or slot.conflict_reason != reason:
                # Newly vanished (or for another cause): its people are told (SlotsInConflict).
                report.vanished.append(
                    {"slot": slot.pk, "start": slot.start.isoformat(), "cause": cause, "detail": detail}
                )
        else:
            unproduced_free.append(slot)
            continue
        if (capacity, end, conflict, reason, False) != (
            slot.capacity,
            slot.end,
            slot.conflict,
            slot.conflict_reason,
            slot.withdrawn,
        ):
            changes[(capacity, _length(slot.start, end), conflict, reason, False)].append(slot.pk)
            report.updated += 1
        conflicts += conflict

    # Free slots no longer produced: delete, unless old (cancelled/expired) appointments point at
    # them; those are withdrawn instead, as Appointment.slot protects them.
    referenced: set[int] = set()
    for ids in _chunks([s.pk for s in unproduced_free]):
        referenced.update(
            Slot.objects.filter(pk__in=ids, appointments__isnull=False)
            .values_list("pk", flat=True)
            .distinct()
        )
    to_delete: list[int] = []
    for slot in unproduced_free:
        if slot.pk not in referenced:
            to_delete.append(slot.pk)
        elif not slot.withdrawn or slot.conflict:
            if slot.withdrawn:
                report.updated += 1
            else:
                report.withdrawn += 1
            changes[(slot.capacity, _length(slot.start, slot.end), False, "", True)].append(slot.pk)

    for (capacity, minutes, conflict, reason, withdrawn), ids in changes.items():
        new_end = ExpressionWrapper(
            F("start") + Value(dt.timedelta(minutes=minutes)), output_field=DateTimeField()
        )
        for chunk in _chunks(ids):
            Slot.objects.filter(pk__in=chunk).update(
                capacity=capacity, end=new_end, conflict=conflict, conflict_reason=reason, withdrawn=withdrawn
            )
    for chunk in _chunks(to_delete):
        _, per_model = Slot.objects.filter(pk__in=chunk, booked=0).delete()
        report.deleted += per_model.get(Slot._meta.label, 0)

    report.created = _insert(
        office_id=plan.office.pk,
        rows=[
            (w, start, end, capacity)
            for (w, start), (end, capacity) in produced.items()
            if (w, start) not in seen
        ],
    )
    return conflicts


def _trim_line_held(produced: dict[_Key, tuple[dt.datetime, int]], existing: list[_Row]) -> list[_Row]:
    """Places held for the waitlist's line (scheduling.line) that the new schedule has no room for
    (the slot is no longer produced, or with fewer places than are taken) are dropped first: they
    are nobody's appointment, so they never make a slot a conflict, nor keep one from going."""
    trimmed = []
    for slot in existing:
        if slot.line_held:
            target = produced.get((slot.window_id, slot.start))
            taken = slot.booked - slot.line_held
            keep = 0 if target is None else min(slot.line_held, max(0, target[1] - taken))
            if keep != slot.line_held:
                Slot.objects.filter(pk=slot.pk).update(booked=taken + keep, line_held=keep)
                slot = slot._replace(booked=taken + keep, line_held=keep)
        trimmed.append(slot)
    return trimmed


def _length(start: dt.datetime, end: dt.datetime) -> int:
    return int((end - start).total_seconds() // 60)


_INSERT_COLUMNS = (
    "office",
    "window",
    "start",
    "end",
    "capacity",
    "booked",
    "conflict",
    "conflict_reason",
    "withdrawn",
)


def _insert(*, office_id: int, rows: list[tuple[int, dt.datetime, dt.datetime, int]]) -> int:
    """Insert new free slots: one statement of arrays on PostgreSQL, multi-row VALUES elsewhere.

    bulk_create prepares every field of every object through the ORM, which made inserting the
    ~200,000 slots of 59 offices × 90 days take half a minute on the 2-core machine. Names come
    from the model; values are parameters, except the constant defaults of a new slot.
    """
    if not rows:
        return 0
    connection = connections[router.db_for_write(Slot)]
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    column = {f.name: quote(str(f.column)) for f in Slot._meta.concrete_fields}
    columns = ", ".join(column[name] for name in _INSERT_COLUMNS)
    table = quote(Slot._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Four arrays, whatever the number of rows: no per-row placeholders to compose.
            windows, starts, ends, capacities = (list(values) for values in zip(*rows, strict=True))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608
                "SELECT %s, w, s, e, c, 0, FALSE, '', FALSE "
                "FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[], %s::integer[]) AS t(w, s, e, c)",
                [office_id, windows, starts, ends, capacities],
            )
            return len(rows)
        limit = connection.features.max_query_params
        batch = min(1000, limit // 5) if limit else 1000
        for i in range(0, len(rows), batch):
            chunk = rows[i : i + batch]
            values = ", ".join(["(%s, %s, %s, %s, %s, 0, FALSE, '', FALSE)"] * len(chunk))
            params = [
                v for w, start, end, cap in chunk for v in (office_id, w, adapt(start), adapt(end), cap)
            ]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", params)  # noqa: S608
    return len(rows)


def generate_office_slots(
    *,
    office: Office,
    days: int | None = None,
    start: dt.date | None = None,
    now: dt.datetime | None = None,
) -> GenerationReport:
    """Slots from `start` (default: the office's local today) for `days` days (default: its
    booking horizon), the last day included."""
    if days is not None and days < 0:
        raise Invalid(_("El número de días no puede ser negativo."))
    now = now or timezone.now()
    first = start or office_date(now, office)
    span = days if days is not None else schedule_for(office).horizon_days
    return generate_slots(office=office, start=first, end=first + dt.timedelta(days=span), now=now)


def generate_all_slots(
    *, days: int | None = None, now: dt.datetime | None = None, start: dt.date | None = None
) -> list[GenerationReport]:
    """Every active office, from its local today through today + `days` (default: its horizon).

    One transaction per office, so one office's locks never hold up bookings at the others.
    """
    now = now or timezone.now()
    offices = Office.objects.filter(active=True).select_related("schedule").order_by("code")
    return [generate_office_slots(office=o, days=days, start=start, now=now) for o in offices]
