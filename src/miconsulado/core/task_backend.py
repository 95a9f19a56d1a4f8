"""django-tasks-db's database backend, writing each task's row without the query compiler.

Every booking queues its confirmation, inside the booking's transaction (core.outbox), so the task's
INSERT is on the hot path: it is written with `core.rows.insert`, the same row the backend's own
`objects.create()` writes (tested in core/tests/test_task_backend.py). Everything else — the worker,
results, retries — is the upstream backend's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django_tasks_db.backend import DatabaseBackend as UpstreamDatabaseBackend
from django_tasks_db.compat import Task, normalize_json, task_enqueued
from typing_extensions import ParamSpec

from miconsulado.core import rows

P = ParamSpec("P")
T = TypeVar("T")

if TYPE_CHECKING:
    from django_tasks_db.models import DBTaskResult


class DatabaseBackend(UpstreamDatabaseBackend):
    def new_row(self, task: Task[P, T], args: P.args, kwargs: P.kwargs) -> DBTaskResult:  # type: ignore[valid-type]
        """The row that queues `task`, not yet written: the same fields upstream's `create()` gets.
        The caller validates the task first (`validate_task`), as `enqueue()` does."""
        from django_tasks_db.models import DBTaskResult  # not at import: the backend may load first

        return DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,  # type: ignore[misc]  # None: the model's pre_save sets "never"
            backend_name=self.alias,
        )

    def row_written(self, row: DBTaskResult) -> None:
        """A row from `new_row` was written by its caller: announce it as `enqueue()` does."""
        task_enqueued.send(type(self), task_result=row.task_result)

    def _task_to_db_task(self, task: Task[P, T], args: P.args, kwargs: P.kwargs) -> DBTaskResult:  # type: ignore[valid-type]
        result = self.new_row(task, args, kwargs)
        rows.insert(result)
        return result
