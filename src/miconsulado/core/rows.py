"""INSERT of new model instances without the query compiler, for the few rows a booking writes.

`Model.save()` and `bulk_create()` build their SQL anew on every call, and on a booking that costs
more CPU than PostgreSQL spends writing the rows. Here the statement is built once per model and
database, and each row's values are prepared by the model's own fields (`pre_save`, then
`get_db_prep_save`), as Django's insert does: defaults, `auto_now_add`, foreign keys and JSON come
out the same, and the `pre_save`/`post_save` signals are sent as `save()` sends them. Constraints
are the database's, as always: an IntegrityError comes out as from `save()`. Used on the booking
path only; see docs/decisions/0003-serving-a-rush.md.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model, signals


@cache
def _columns(model: type[Model]) -> tuple[Field[Any, Any], ...]:
    # All but an auto-incremented key, which the database fills in; a UUID key is sent. Not "all
    # but db_returning": that includes a field with a database default, whose value is sent too.
    return tuple(f for f in model._meta.concrete_fields if f is not model._meta.auto_field)


def _column(field: Field[Any, Any] | None) -> str:
    assert field is not None and field.column, "a concrete field has a column"
    return field.column


def _column_list(model: type[Model], connection: BaseDatabaseWrapper) -> str:
    return ", ".join(connection.ops.quote_name(_column(f)) for f in _columns(model))


@cache
def _statement(model: type[Model], using: str, rows: int) -> str:
    quote = connections[using].ops.quote_name
    columns = _column_list(model, connections[using])
    values = ", ".join(["(" + ", ".join(["%s"] * len(_columns(model))) + ")"] * rows)
    pk = quote(_column(model._meta.pk))
    # Names from the model's own metadata, values as parameters: nothing from a request goes in.
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {values} RETURNING {pk}"  # noqa: S608


def values(obj: Model, connection: BaseDatabaseWrapper, *, skip: tuple[str, ...] = ()) -> list[Any]:
    """The row's values in column order, as Django's insert prepares them (`pre_save` sent),
    without those of the fields named in `skip`."""
    model = type(obj)
    signals.pre_save.send(sender=model, instance=obj, raw=False, using=connection.alias, update_fields=None)
    return [
        f.get_db_prep_save(f.pre_save(obj, True), connection) for f in _columns(model) if f.name not in skip
    ]


def saved(obj: Model, key: Any, *, using: str) -> None:
    """`obj` was written with primary key `key`: as after `save()` (`post_save` sent)."""
    obj.pk = key
    obj._state.adding = False
    obj._state.db = using
    signals.post_save.send(
        sender=type(obj), instance=obj, created=True, update_fields=None, raw=False, using=using
    )


def select_list(model: type[Model], connection: BaseDatabaseWrapper, **given: str) -> tuple[str, str]:
    """`(columns, expressions)` for `INSERT INTO table (columns) SELECT expressions FROM …`: a typed
    parameter per column (the values of `values(obj)`, in order, without those in `given`), or the
    SQL expression `given` names for a field (a key returned by an earlier part of the statement)."""
    expressions = ", ".join(
        given.get(f.name) or f"CAST(%s AS {_cast_type(f, connection)})" for f in _columns(model)
    )
    return _column_list(model, connection), expressions


def _cast_type(field: Field[Any, Any], connection: BaseDatabaseWrapper) -> str:
    """The column's type without its modifier: PostgreSQL infers nothing about a parameter in a
    SELECT list, so it is cast, but an explicit cast to varchar(10) would cut a longer value where
    an INSERT refuses it. Cast to varchar, the INSERT's own assignment to the column checks it."""
    db_type = field.db_type(connection)
    assert db_type, "a concrete field has a type"
    return re.sub(r"\([^)]*\)", "", db_type)


def insert(*objs: Model, using: str = DEFAULT_DB_ALIAS) -> None:
    """INSERT new instances of one model in one statement; each gets its primary key, as after
    `save()`. Both PostgreSQL and SQLite (3.35+) return the keys in the order of the rows."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[using]
    if not connection.features.can_return_rows_from_bulk_insert:  # SQLite before 3.35
        for obj in objs:
            obj.save(force_insert=True, using=using)
        return
    params: list[Any] = []
    for obj in objs:
        params += values(obj, connection)
    with connection.cursor() as cursor:
        cursor.execute(_statement(model, using, len(objs)), params)
        keys = [row[0] for row in cursor.fetchall()]
    for obj, key in zip(objs, keys, strict=True):
        saved(obj, key, using=using)
