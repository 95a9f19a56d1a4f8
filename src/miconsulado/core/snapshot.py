"""Small tables that change a few times a day, read on every booking: kept in each process.

The catalog (59 offices, their procedures) and which window serves what are read by every booking
and every availability request; asking the database each time costs more than the booking's own
writes. A snapshot is loaded at most once per `MICONSULADO["CATALOG_CACHE_SECONDS"]` per process,
and dropped at once in the process that saves a change (signals). Other processes see a change
within that many seconds. 0 loads a fresh snapshot for every read (the tests): the same code
reads it, only from the database each time.

Snapshots hold model instances shared by the requests of a process: callers read them, never
change or save them (the selectors hand out copies where a caller could).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import transaction

T = TypeVar("T")


class Snapshot(Generic[T]):
    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._value: tuple[float, T] | None = None

    def get(self) -> T:
        """The snapshot, loaded at most CATALOG_CACHE_SECONDS ago (0: loaded now)."""
        ttl = settings.MICONSULADO["CATALOG_CACHE_SECONDS"]
        now = time.monotonic()
        current = self._value  # one read: another thread may replace it meanwhile
        if current is None or now - current[0] >= ttl:
            current = (now, self._load())
            self._value = current
        return current[1]

    def invalidate(self) -> None:
        self._value = None

    def changed(self, *args: Any, **kwargs: Any) -> None:
        """A signal receiver: drop it now, and again once the change commits (a thread that reloaded
        it meanwhile read the rows as they were before)."""
        self.invalidate()
        transaction.on_commit(self.invalidate)
