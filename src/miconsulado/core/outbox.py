"""Side effects of a change, queued with the change.

Background work (e-mail, SMS, expiring holds) is queued when the change that causes it commits. With
the database task backend on the same database, the task's row is written inside the change's own
transaction instead of after it: it commits or rolls back with the change (an outbox), nothing is
lost if the process dies between COMMIT and the queueing, and a booking pays for one COMMIT, not
two. Any other backend (a broker, the tests' dummy) gets the task after COMMIT, as before.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django_tasks.base import Task


def _same_transaction(task: Task[Any, Any], using: str) -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    return (
        isinstance(task.get_backend(), DatabaseBackend)
        and router.db_for_write(DBTaskResult) == using
        and connections[using].in_atomic_block
    )


def enqueue_on_commit(task: Task[Any, Any], *args: Any, using: str = DEFAULT_DB_ALIAS) -> None:
    """Queue `task(*args)` so that it runs only if the current transaction commits."""
    if _same_transaction(task, using):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args), using=using)
