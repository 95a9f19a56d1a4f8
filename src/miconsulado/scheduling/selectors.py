"""Reads about capacity that the booking service, the API and pages share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import F, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from miconsulado.catalog import selectors as catalog
from miconsulado.catalog.localtime import local_day_end, local_day_start, office_date
from miconsulado.catalog.models import Office, Procedure
from miconsulado.core.snapshot import Snapshot
from miconsulado.scheduling.models import AvailabilityVersion, OfficeSchedule, ServiceWindow, Slot


@dataclass(frozen=True)
class BookingWindow:
    """The span of slot starts an office accepts bookings for, at a given moment."""

    earliest: dt.datetime  # now + minimum lead time (UTC)
    latest: dt.datetime  # end of the last local day of the horizon (UTC, exclusive)


def schedule_for(office: Office) -> OfficeSchedule:
    """The office's policy; an office without one gets the defaults (unsaved)."""
    try:
        return office.schedule
    except OfficeSchedule.DoesNotExist:
        return OfficeSchedule(office=office)


def booking_window(*, office: Office, now: dt.datetime | None = None) -> BookingWindow:
    now = now or timezone.now()
    policy = schedule_for(office)
    last_day = office_date(now, office) + dt.timedelta(days=policy.horizon_days)
    return BookingWindow(
        earliest=now + dt.timedelta(minutes=policy.min_lead_minutes),
        latest=local_day_end(last_day, office),
    )


def _bookable(*, office: Office, procedure: Procedure) -> QuerySet[Slot]:
    # The windows from the snapshot: a plain index lookup per window.
    windows = _serving_windows(office=office, procedure=procedure)
    return Slot.objects.filter(window_id__in=windows, conflict=False, withdrawn=False)


class OpenSlot(NamedTuple):
    """What a person choosing a time needs of a slot; cheaper to build than a model instance."""

    id: int
    start: dt.datetime
    end: dt.datetime
    remaining: int


def _available(
    *,
    office: Office,
    procedure: Procedure,
    date_from: dt.date | None,
    date_to: dt.date | None,
    now: dt.datetime | None,
    include_full: bool,
) -> QuerySet[Slot] | None:
    window = booking_window(office=office, now=now)
    lower, upper = window.earliest, window.latest
    # Dates outside the window change nothing.
    if date_from is not None:
        lower = max(lower, local_day_start(date_from, office))
    if date_to is not None:
        upper = min(upper, local_day_end(date_to, office))
    if lower >= upper:
        return None
    slots = _bookable(office=office, procedure=procedure).filter(start__gte=lower, start__lt=upper)
    if not include_full:
        slots = slots.filter(booked__lt=F("capacity"))
    return slots.order_by("start", "window_id")


def available_slots(
    *,
    office: Office,
    procedure: Procedure,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    now: dt.datetime | None = None,
    include_full: bool = False,
) -> list[Slot]:
    """Bookable slots of `procedure` at `office`, by start: inside the booking window (lead time,
    horizon) and the local dates [date_from, date_to]; full ones only with `include_full`."""
    slots = _available(
        office=office,
        procedure=procedure,
        date_from=date_from,
        date_to=date_to,
        now=now,
        include_full=include_full,
    )
    return [] if slots is None else list(slots)


def open_slots(
    *,
    office: Office,
    procedure: Procedure,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[OpenSlot]:
    """The same slots as `available_slots`, as plain rows: 90 days of an office are over a thousand
    slots, and model instances cost most of the time of an availability request."""
    slots = _available(
        office=office, procedure=procedure, date_from=date_from, date_to=date_to, now=now, include_full=False
    )
    if slots is None:
        return []
    # Timestamps come back as text and are parsed by datetime.fromisoformat (C): Django's
    # per-connection timestamptz loader on PostgreSQL runs in Python and costs several times the
    # query for a thousand rows. PostgreSQL's text carries "+00"; SQLite's is naive UTC.
    rows = slots.annotate(
        start_text=Cast("start", TextField()), end_text=Cast("end", TextField())
    ).values_list("pk", "start_text", "end_text", "capacity", "booked")
    return [
        OpenSlot(pk, _utc(start), _utc(end), capacity - booked) for pk, start, end, capacity, booked in rows
    ]


def _utc(value: dt.datetime | str) -> dt.datetime:
    """A timestamp as the driver hands it over: aware from psycopg, naive UTC or text from SQLite
    (and text from PostgreSQL when cast, with "+00")."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class _Windows:
    served: dict[int, frozenset[int]]  # active window → procedures it serves
    by_office: dict[int, tuple[int, ...]]  # office → its active windows


def _load_windows() -> _Windows:
    served: dict[int, set[int]] = {}
    by_office: dict[int, list[int]] = {}
    for window_id, office_id in ServiceWindow.objects.filter(active=True).values_list("pk", "office_id"):
        served[window_id] = set()
        by_office.setdefault(office_id, []).append(window_id)
    for window_id, procedure_id in ServiceWindow.procedures.through.objects.values_list(
        "servicewindow_id", "procedure_id"
    ):
        if window_id in served:
            served[window_id].add(procedure_id)
    return _Windows(
        served={w: frozenset(p) for w, p in served.items()},
        by_office={o: tuple(ws) for o, ws in by_office.items()},
    )


window_snapshot: Snapshot[_Windows] = Snapshot(_load_windows)


def _serving_windows(*, office: Office, procedure: Procedure) -> list[int]:
    """Active windows of the office serving the procedure, if the office offers it."""
    windows = window_snapshot.get()
    if not catalog.offers(office, procedure):
        return []
    return [w for w in windows.by_office.get(office.pk, ()) if procedure.pk in windows.served[w]]


def serves(*, office: Office, procedure: Procedure, window_id: int) -> bool:
    """The office offers the procedure (both switched on) and the window, active, one of the
    office's, serves it."""
    if not procedure.active:
        return False
    return window_id in _serving_windows(office=office, procedure=procedure)


# The slot at one start among some windows, most places left first. Plain SQL: every booking request
# of a rush runs it, and building it with the ORM took several times what the database takes to answer.
_SLOT_COLUMNS = (
    "id",
    "office_id",
    "window_id",
    "start",
    "end",
    "capacity",
    "booked",
    "conflict",
    "withdrawn",
)
_SLOT_AT_SQL = """
    SELECT id, office_id, window_id, start, "end", capacity, booked, conflict, withdrawn
    FROM scheduling_slot
    WHERE window_id IN ({windows}) AND start = %s AND conflict = %s AND withdrawn = %s
    ORDER BY booked - capacity, window_id
    LIMIT 1
"""


def serving_windows(*, office: Office, procedure: Procedure) -> list[int]:
    """The windows `find_slot` looks in: active, of the office, serving the procedure, which the
    office offers and which is switched on."""
    if not procedure.active:
        return []
    return _serving_windows(office=office, procedure=procedure)


def slot_at_sql(windows: int) -> str:
    """`find_slot`'s statement for that many windows; its parameters: the window ids, the start as
    the database takes it (`adapt_datetimefield_value`), False, False. Its columns: _SLOT_COLUMNS."""
    return _SLOT_AT_SQL.format(windows=", ".join(["%s"] * windows))


def slot_from_row(row: Sequence[Any]) -> Slot:
    """The Slot of a row with the columns of `slot_at_sql`, as the driver hands them over."""
    pk, office_id, window_id, starts, ends, capacity, booked, conflict, withdrawn = row
    # Left out (deferred, loaded if ever read): conflict_reason, which no booking reads.
    return Slot.from_db(
        connection.alias,
        list(_SLOT_COLUMNS),
        [
            pk,
            office_id,
            window_id,
            _utc(starts),
            _utc(ends),
            capacity,
            booked,
            bool(conflict),
            bool(withdrawn),
        ],
    )


def find_slot(*, office: Office, procedure: Procedure, start: dt.datetime) -> Slot | None:
    """The slot serving `procedure` that starts exactly at `start` (full or not: the caller tells
    the person why they cannot book it). Of several windows, the one with most places left."""
    windows = serving_windows(office=office, procedure=procedure)
    if not windows:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            slot_at_sql(len(windows)),
            [*windows, connection.ops.adapt_datetimefield_value(start), False, False],
        )
        row = cursor.fetchone()
    return None if row is None else slot_from_row(row)


def slot_conflicts(*, office: Office | None = None) -> QuerySet[Slot]:
    """Slots kept only because they hold appointments the schedule no longer covers, for staff."""
    slots = Slot.objects.filter(conflict=True).select_related("office", "window")
    if office is not None:
        slots = slots.filter(office=office)
    return slots.order_by("start", "window_id")


# The sum of the office's shards (scheduling.models.AvailabilityVersion), from its unique index.
_VERSION_SQL = (
    f"SELECT COALESCE(SUM(value), 0) FROM {AvailabilityVersion._meta.db_table} WHERE office_id = %s"  # noqa: S608
)


def availability_version(office_id: int) -> int:
    """Grows with every change to the office's slots that has committed (a booking, cancellation,
    expiry or regeneration: scheduling.services.note_availability_changed), the same in every
    process: one indexed read."""
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL, [office_id])
        return int(cursor.fetchone()[0])
