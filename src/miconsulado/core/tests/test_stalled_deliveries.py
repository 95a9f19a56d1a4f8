"""core.events.requeue_stalled_deliveries: a delivery left RUNNING by a worker that died is put back
in the queue and delivered by the next worker; a delivery still young, and other tasks, are not."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from miconsulado.core import events, tasks
from miconsulado.core.events import announce, receiver, requeue_stalled_deliveries
from miconsulado.core.tests.event_support import Pinged

DB_TASKS = {"default": {"BACKEND": "miconsulado.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def no_receivers(monkeypatch):
    """Only the receivers a test registers (the apps' own are left out, and left as they were)."""
    monkeypatch.setattr(events, "_receivers", {})


def running_since(row: DBTaskResult, minutes: int) -> DBTaskResult:
    """`row` as a worker left it when it was killed `minutes` ago, in the middle of running it."""
    row.claim("killed-worker")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - dt.timedelta(minutes=minutes))
    return row


def announced(n: int) -> DBTaskResult:
    with transaction.atomic():
        announce(Pinged(what="hello", n=n))
    return DBTaskResult.objects.get(args_kwargs__args__1__n=n)


@override_settings(TASKS=DB_TASKS)
@pytest.mark.django_db(transaction=True)
def test_a_delivery_whose_worker_died_is_delivered_again_and_nothing_else_is_touched():
    seen = []

    @receiver(Pinged)
    def ok(event):
        seen.append(event.n)

    stalled = running_since(announced(1), minutes=11)  # the timeout is 10 minutes
    young = running_since(announced(2), minutes=9)
    other = running_since(
        DBTaskResult.objects.get(pk=tasks.requeue_stalled_deliveries.enqueue().id), minutes=60
    )

    assert requeue_stalled_deliveries() == 1
    assert requeue_stalled_deliveries() == 0  # a second scheduler's sweep finds it done
    stalled.refresh_from_db()
    assert (stalled.status, stalled.started_at) == ("READY", None)

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert seen == [1]  # the lost event, once; the young delivery may still be running
    stalled.refresh_from_db()
    assert stalled.status == "SUCCESSFUL"
    assert stalled.worker_ids[0] == "killed-worker" and len(stalled.worker_ids) == 2
    young.refresh_from_db()
    other.refresh_from_db()
    assert (young.status, other.status) == ("RUNNING", "RUNNING")


@override_settings(TASKS=DB_TASKS)
@pytest.mark.django_db(transaction=True)
def test_the_timeout_is_a_setting_and_the_task_runs_the_sweep():
    # Not pytest-django's `settings` fixture: inside override_settings its restore would leave TASKS
    # changed for the tests after this one.
    row = running_since(announced(3), minutes=2)
    with override_settings(MICONSULADO={**settings.MICONSULADO, "EVENT_DELIVERY_TIMEOUT_SECONDS": 60}):
        assert tasks.requeue_stalled_deliveries.call() == 1
    row.refresh_from_db()
    assert row.status == "READY"


def test_the_timeout_must_be_positive():
    with pytest.raises(ValueError, match="must be positive"):
        requeue_stalled_deliveries(older_than=dt.timedelta(0))
