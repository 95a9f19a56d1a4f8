"""A booking written as one statement on PostgreSQL.

In a rush, the first few hundred requests are real bookings, and each used to be seven round trips
(BEGIN, four INSERTs, the guarded UPDATE, COMMIT); the app's CPU per statement, not the database,
set how fast places could be sold. On PostgreSQL the same rows are written by one statement, a
data-modifying CTE, in the connection's autocommit (one statement is one transaction):

    WITH taken AS (UPDATE scheduling_slot … WHERE id = … AND booked + n <= capacity RETURNING id),
         appointment AS (INSERT INTO booking_appointment … SELECT … FROM taken RETURNING id),
         applicants AS (INSERT … SELECT appointment.id, … FROM appointment UNION ALL … RETURNING …),
         parents AS (INSERT … FROM applicants WHERE position = …), event AS (INSERT …), task AS (INSERT …),
         version AS (INSERT INTO scheduling_availabilityversion … SELECT … FROM taken ON CONFLICT …)
    SELECT appointment.id, … FROM appointment

Every INSERT reads from the UPDATE, so a slot without room writes nothing, and the database's
constraints (capacity CHECK, one active appointment per CURP, unique code and idempotency key)
refuse the statement as a whole. It does only what succeeds: when it writes nothing (full, closed,
a lapsed hold in the way) or a constraint refuses it, the service's general path runs, which is the
one SQLite always uses and which tells those cases apart. The rows are the ones the general path
writes (same model instances, values prepared by their fields; tested side by side).
See docs/decisions/0004-one-statement-booking.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import nullcontext
from functools import cache, lru_cache
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, OperationalError, connections, transaction
from django.db.models import Model

from miconsulado.booking.models import Applicant, Appointment, AppointmentEvent, Parent
from miconsulado.core import rows
from miconsulado.core.outbox import QueuedWith
from miconsulado.scheduling.models import Slot
from miconsulado.scheduling.services import availability_bump_params, availability_bump_sql

# The guard on a slot's places, for both paths (writes.take_places and the `taken` part below):
# take `places` only if they fit and the slot is still open. Parameters: take_places_params().
TAKE_PLACES_SQL = (
    "UPDATE scheduling_slot SET booked = booked + %s"
    " WHERE id = %s AND conflict = %s AND withdrawn = %s AND booked + %s <= capacity"
)


def take_places_params(slot_id: int, places: int) -> list[Any]:
    return [places, slot_id, False, False, places]


# SQLSTATEs of a transaction PostgreSQL gave up on because of another one: deadlock_detected,
# serialization_failure. Nothing was wrong with it; run again, it can succeed (or be refused cleanly).
_LOST_TO_ANOTHER = frozenset({"40P01", "40001"})


def lost_to_another_transaction(exc: OperationalError) -> bool:
    """The database failed the statement to break a deadlock or a serialisation conflict."""
    return getattr(exc.__cause__, "sqlstate", None) in _LOST_TO_ANOTHER


def available(using: str = DEFAULT_DB_ALIAS) -> bool:
    return connections[using].vendor == "postgresql" and bool(settings.MICONSULADO["ONE_STATEMENT_BOOKING"])


# What the statement answers: the new keys (appointment, people by position, parents in order,
# event); no row when the slot had no room.
_RETURNED = (
    " SELECT appointment.id, ARRAY(SELECT id FROM applicants ORDER BY position), <parents>,"
    " (SELECT id FROM event) FROM appointment"
)


@cache
def _statement(using: str, applicants: int, parent_positions: tuple[int, ...], task: bool) -> str:
    connection = connections[using]
    quote = connection.ops.quote_name

    def insert(model: type[Model], source: str, wheres: Sequence[str] = ("",), **given: str) -> str:
        """INSERT of one row per entry of `wheres`, each selected from `source` (the rows an
        earlier part returned) under that condition."""
        columns, expressions = rows.select_list(model, connection, **given)
        # Names from the models' metadata and this module: nothing from a request goes in.
        selects = " UNION ALL ".join(f"SELECT {expressions} FROM {source}{where}" for where in wheres)  # noqa: S608
        return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {selects}"

    parts = [
        f"taken AS ({TAKE_PLACES_SQL} RETURNING id)",
        f"appointment AS ({insert(Appointment, 'taken', slot='taken.id')} RETURNING id)",
        f"applicants AS ({insert(Applicant, 'appointment', [''] * applicants, appointment='appointment.id')}"
        " RETURNING id, position)",
    ]
    if parent_positions:
        wheres = [f" WHERE applicants.position = {p}" for p in parent_positions]
        parts.append(
            f"parents AS ({insert(Parent, 'applicants', wheres, applicant='applicants.id')} RETURNING id)"
        )
    parts.append(
        f"event AS ({insert(AppointmentEvent, 'appointment', appointment='appointment.id')} RETURNING id)"
    )
    if task:
        from django_tasks_db.models import DBTaskResult

        parts.append(f"task AS ({insert(DBTaskResult, 'appointment')})")
    # The office's availability version, as scheduling.services.note_availability_changed adds to
    # it; not read by the final SELECT, so run after the rows it returns: versions locked last.
    parts.append(f"version AS ({availability_bump_sql('taken')})")
    # Names from the models' metadata, positions are ints, values are parameters.
    parent_keys = "ARRAY(SELECT id FROM parents ORDER BY id)" if parent_positions else "ARRAY[]::bigint[]"
    return "WITH " + ", ".join(parts) + _RETURNED.replace("<parents>", parent_keys)


# psycopg parses a statement's %s placeholders again on every execution, unless it has at most 50
# parameters (MAX_CACHED_STATEMENT_PARAMS in psycopg/_queries.py): then the parsed form is cached. A
# one-person booking's statement was 50; one column more (idempotency_scope) cost every booking
# some 0.7 M instructions (+14 %) in that parse. NULLs (a held-until, a cancellation, an anonymous
# actor, a task not yet run: 8 of 51) are written in the SQL instead, each already inside its CAST.
# With the appointment's language an agent's keyed booking sends 49: one column more still fits.
def _nulls_written(sql: str, params: list[Any]) -> tuple[str, list[Any]]:
    """`sql` and `params` with the parameters that are None written as NULL in the SQL."""
    nulls = [i for i, value in enumerate(params) if value is None]
    if not nulls:
        return sql, params
    return _with_nulls(sql, tuple(nulls)), [value for value in params if value is not None]


_PLACEHOLDER = re.compile(r"(%%|%s)")  # "%%" is a "%" of the SQL itself, as psycopg reads it


@lru_cache(maxsize=256)  # a few shapes × the columns that are NULL in practice
def _with_nulls(sql: str, nulls: tuple[int, ...]) -> str:
    written, placeholder = [], 0
    for piece in _PLACEHOLDER.split(sql):
        if piece == "%s":
            piece = "NULL" if placeholder in nulls else piece
            placeholder += 1
        written.append(piece)
    return "".join(written)


def write_booking(
    *,
    slot: Slot,
    appointment: Appointment,
    people: Sequence[Applicant],
    parents: Sequence[Parent],
    event: AppointmentEvent,
    queued: QueuedWith,
    using: str = DEFAULT_DB_ALIAS,
) -> bool:
    """Take `appointment.places` in `slot` and write the appointment with its people (inserted in
    the order given: CURP order, so that two bookings sharing CURPs lock their index entries in the
    same order, decision 0001), their parents (whose `applicant` is one of `people`), its history
    event and the row that queues `queued`, all or nothing. False: nothing was written (no room, a
    constraint, or the database broke a deadlock with it); use the general path."""
    if not people:
        return False
    connection = connections[using]
    positions = {id(person): person.position for person in people}
    parents = sorted(parents, key=lambda parent: positions[id(parent.applicant)])
    task_row = queued.row
    params: list[Any] = take_places_params(slot.pk, appointment.places)
    params += rows.values(appointment, connection, skip=("slot",))
    for person in people:
        params += rows.values(person, connection, skip=("appointment",))
    for parent in parents:
        params += rows.values(parent, connection, skip=("applicant",))
    params += rows.values(event, connection, skip=("appointment",))
    if task_row is not None:
        params += rows.values(task_row, connection)
    params += availability_bump_params(slot.office_id)
    sql = _statement(
        using, len(people), tuple(positions[id(p.applicant)] for p in parents), task_row is not None
    )
    sql, params = _nulls_written(sql, params)
    try:
        # In a caller's transaction, a savepoint: a refused statement must not abort the caller's.
        savepoint = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
        with savepoint, connection.cursor() as cursor:
            cursor.execute(sql, params)
            written = cursor.fetchone()
    except IntegrityError:
        return False
    except OperationalError as exc:
        if lost_to_another_transaction(exc):
            return False
        raise
    if written is None:
        return False
    appointment_id, people_ids, parent_ids, event_id = written
    rows.saved(appointment, appointment_id, using=using)
    # The keys come back in position order.
    for person, key in zip(sorted(people, key=lambda p: p.position), people_ids, strict=True):
        person.appointment = appointment
        rows.saved(person, key, using=using)
    for parent, key in zip(parents, parent_ids, strict=True):
        parent.applicant_id = parent.applicant.pk  # known now
        rows.saved(parent, key, using=using)
    event.appointment = appointment
    rows.saved(event, event_id, using=using)
    if task_row is not None:
        rows.saved(task_row, task_row.pk, using=using)
    queued.written()
    return True
