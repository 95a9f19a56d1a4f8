"""Events: an app announces what happened; other apps receive it, after commit, without the announcing
app importing them.

An event is a frozen dataclass of JSON values (ints, strs, bools, datetimes as ISO strings) with a
stable name, declared by the app that announces it:

    @dataclass(frozen=True, kw_only=True)
    class AppointmentCancelled(Event, name="booking.appointment_cancelled"):
        appointment: str
        ...

The announcing app calls `announce(event)` inside the transaction of the change. That queues one
delivery task for the event through the outbox (core.outbox): with the database task backend its row
is written in the change's own transaction, so the event is delivered if and only if the change
commits, and a crash after COMMIT loses nothing. A statement that writes its rows itself (booking's
one statement) takes the row from `delivery(event)` instead.

Another app registers a receiver from its AppConfig.ready():

    @receiver(AppointmentCancelled)
    def free_the_reminder(event: AppointmentCancelled) -> None: ...

The delivery task (core.tasks.deliver_event) runs every receiver of the event, each in its own
transaction. A receiver that raises does not stop the others: it alone is delivered again later
(after 1, 2, 4 … minutes, MAX_ATTEMPTS in all), then given up with an error in the log. Delivery is
at least once: a receiver may see the same event again (a retry, a worker that died after running
it), so receivers must be idempotent.

A worker killed while it delivers (SIGKILL, the machine gone) leaves the task's row RUNNING, and
django-tasks-db never runs such a row again. `requeue_stalled_deliveries` (every minute, from
run_scheduler) puts delivery rows RUNNING for longer than EVENT_DELIVERY_TIMEOUT_SECONDS back to
READY, and a worker delivers the event again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from miconsulado.core.outbox import QueuedWith, enqueue_on_commit

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY = dt.timedelta(minutes=1)


class Event:
    """Base of every event; subclasses are frozen dataclasses and give their stable `name`."""

    name: ClassVar[str]

    def __init_subclass__(cls, *, name: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if name in _event_types:
            raise ValueError(f"two events named {name!r}")
        cls.name = name
        _event_types[name] = cls

    def payload(self) -> dict[str, Any]:
        """The event as JSON values, what its delivery task carries."""
        # Its fields are JSON values already: asdict()'s deep copy only cost the booking path.
        names = _field_names.get(type(self))
        if names is None:
            names = _field_names[type(self)] = tuple(f.name for f in dataclasses.fields(self))  # type: ignore[arg-type]
        return {name: getattr(self, name) for name in names}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Event:
        return cls(**payload)


E = TypeVar("E", bound=Event)
Receiver = Callable[[Any], None]

_event_types: dict[str, type[Event]] = {}
_field_names: dict[type[Event], tuple[str, ...]] = {}
# Event name -> receivers by their dotted path (the name a retry is queued with).
_receivers: dict[str, dict[str, Receiver]] = {}


def receiver_path(fn: Receiver) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def receiver(event_type: type[E]) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Register the decorated function to receive `event_type` (call it from AppConfig.ready(), or
    import the module that uses it there). It must be idempotent: delivery is at least once."""

    def register(fn: Callable[[E], None]) -> Callable[[E], None]:
        _receivers.setdefault(event_type.name, {})[receiver_path(fn)] = fn
        return fn

    return register


def receivers(event_type: type[Event]) -> dict[str, Receiver]:
    """The receivers registered for `event_type`, by dotted path."""
    return dict(_receivers.get(event_type.name, {}))


def _deliver_task() -> Any:
    from miconsulado.core.tasks import deliver_event  # not at import: tasks import this module

    return deliver_event


def announce(event: Event, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Queue the delivery of `event` with the current transaction: call it inside the change's
    transaction; the receivers run only if it commits."""
    enqueue_on_commit(_deliver_task(), event.name, event.payload(), using=using)


def delivery(event: Event, *, using: str = DEFAULT_DB_ALIAS) -> QueuedWith:
    """The delivery of `event`, for a statement that writes its task row itself (`QueuedWith.row`)."""
    return QueuedWith(_deliver_task(), event.name, event.payload(), using=using)


def deliver(
    name: str, payload: dict[str, Any], *, only: Iterable[str] | None = None, attempt: int = 1
) -> int:
    """Run the receivers of the event (those in `only`, if given); each that fails is queued again
    alone, later, until MAX_ATTEMPTS. Returns how many succeeded."""
    event = _event_types[name].from_payload(payload)
    registered = _receivers.get(name, {})
    paths = list(registered) if only is None else [p for p in only if p in registered]
    succeeded = 0
    for path in paths:
        try:
            with transaction.atomic():  # its writes, all or none: a retry starts clean
                registered[path](event)
        except Exception:
            _failed(name, payload, path, attempt)
        else:
            succeeded += 1
    return succeeded


def _failed(name: str, payload: dict[str, Any], path: str, attempt: int) -> None:
    if attempt >= MAX_ATTEMPTS:
        logger.exception("event %s: receiver %s gave up after %s attempts", name, path, attempt)
        return
    logger.warning(
        "event %s: receiver %s failed (attempt %s), retried later", name, path, attempt, exc_info=True
    )
    run_after = timezone.now() + FIRST_RETRY * 2 ** (attempt - 1)
    _deliver_task().using(run_after=run_after).enqueue(name, payload, [path], attempt + 1)


def requeue_stalled_deliveries(
    *, older_than: dt.timedelta | None = None, now: dt.datetime | None = None
) -> int:
    """Put back to READY the delivery rows RUNNING for longer than `older_than` (default the setting
    EVENT_DELIVERY_TIMEOUT_SECONDS): their worker died, and django-tasks-db would never run them
    again. A worker then runs the row's receivers again: harmless, receivers are idempotent (delivery
    is at least once); a worker that was only slow, not dead, gets its event delivered twice at worst.
    Returns how many rows were put back. One conditional UPDATE: two schedulers sweeping at once put
    each row back once, and a row claimed again meanwhile is RUNNING since now, not stalled."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult  # not at import: the model needs the app registry

    if older_than is None:
        older_than = dt.timedelta(seconds=int(settings.MICONSULADO["EVENT_DELIVERY_TIMEOUT_SECONDS"]))
    if older_than <= dt.timedelta(0):
        raise ValueError(f"older_than must be positive, not {older_than}")
    since = (now or timezone.now()) - older_than
    count = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, task_path=_deliver_task().module_path, started_at__lt=since
    ).update(status=TaskResultStatus.READY, started_at=None)
    if count:
        logger.warning("%s event delivery(ies) queued again after their worker stopped", count)
    return count
