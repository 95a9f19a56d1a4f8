"""Side effects of a change, queued with the change.

Background work (e-mail, SMS, expiring holds) is queued when the change that causes it commits. With
the database task backend on the same database, the task's row is written inside the change's own
transaction instead of after it: it commits or rolls back with the change (an outbox), nothing is
lost if the process dies between COMMIT and the queueing, and a booking pays for one COMMIT, not
two. Any other backend (a broker, the tests' dummy) gets the task after COMMIT, as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django_tasks.base import Task

from miconsulado.core.task_backend import DatabaseBackend

if TYPE_CHECKING:
    from django_tasks_db.models import DBTaskResult


def _writes_here(backend: object, using: str) -> bool:
    """The backend keeps its queue as rows of this database."""
    from django_tasks_db.backend import DatabaseBackend as UpstreamDatabaseBackend
    from django_tasks_db.models import DBTaskResult

    return isinstance(backend, UpstreamDatabaseBackend) and router.db_for_write(DBTaskResult) == using


def enqueue_on_commit(task: Task[Any, Any], *args: Any, using: str = DEFAULT_DB_ALIAS) -> None:
    """Queue `task(*args)` so that it runs only if the current transaction commits."""
    if _writes_here(task.get_backend(), using) and connections[using].in_atomic_block:
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args), using=using)


class QueuedWith:
    """`task(*args)` queued by a statement of the caller's own, which writes `row` with the change
    (`row` is None when the backend keeps no rows here: then `written()` queues it the usual way).
    After the statement succeeded, call `written()`."""

    def __init__(self, task: Task[Any, Any], *args: Any, using: str = DEFAULT_DB_ALIAS) -> None:
        self.task, self.args, self.using = task, args, using
        backend = task.get_backend()
        # Ours only: it hands out the row unwritten.
        self.backend = (
            backend if isinstance(backend, DatabaseBackend) and _writes_here(backend, using) else None
        )
        self.row: DBTaskResult | None = None
        if self.backend is not None:
            self.backend.validate_task(task)
            self.row = self.backend.new_row(task, args, {})

    def written(self) -> None:
        if self.backend is not None and self.row is not None:
            self.backend.row_written(self.row)
        else:
            enqueue_on_commit(self.task, *self.args, using=self.using)
