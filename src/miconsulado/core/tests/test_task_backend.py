"""Our database task backend writes the row django-tasks-db's own backend writes, and its worker
runs it."""

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.test import override_settings
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult

from miconsulado.core import tasks
from miconsulado.core.tests.event_support import Pinged

pytestmark = pytest.mark.django_db(transaction=True)

OURS = {"default": {"BACKEND": "miconsulado.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}
PAYLOAD = {"what": "row", "n": 1}
UPSTREAM = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def queued(settings_value):
    with override_settings(TASKS=settings_value):
        result = tasks.deliver_event.enqueue(Pinged.name, PAYLOAD)
        assert type(task_backends["default"]).__module__.startswith(
            "miconsulado" if settings_value is OURS else "django_tasks_db"
        )
    return result


def row(result):
    fresh = DBTaskResult.objects.get(id=result.id)
    return {k: v for k, v in model_to_dict(fresh).items() if k not in {"id", "enqueued_at"}}


def test_the_row_is_the_one_upstream_writes():
    ours, upstream = queued(OURS), queued(UPSTREAM)
    assert row(ours) == row(upstream)
    assert ours.status == upstream.status and ours.args == [Pinged.name, PAYLOAD]
    assert DBTaskResult.objects.get(id=ours.id).enqueued_at is not None


def test_the_worker_runs_a_task_it_queued():
    result = queued(OURS)
    with override_settings(TASKS=OURS):
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"
