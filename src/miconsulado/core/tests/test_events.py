"""core.events: an announced event is queued with the change's transaction, delivered to every
receiver, and a receiver that fails is retried alone, later, a bounded number of times."""

import datetime as dt
import logging

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult

from miconsulado.core import events
from miconsulado.core.events import announce, deliver, receiver
from miconsulado.core.tests.event_support import Pinged

DB_TASKS = {"default": {"BACKEND": "miconsulado.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}
PING = Pinged(what="hello", n=3)


@pytest.fixture(autouse=True)
def no_receivers(monkeypatch):
    """Only the receivers a test registers (the apps' own are left out, and left as they were)."""
    monkeypatch.setattr(events, "_receivers", {})
    default_task_backend.clear()


def deliveries():
    return [(r.task.name, r.args, r.task.run_after) for r in default_task_backend.results]


def test_an_event_is_its_name_and_json_values():
    assert Pinged.name == "core.tests.pinged"
    assert PING.payload() == {"what": "hello", "n": 3}
    assert Pinged.from_payload(PING.payload()) == PING


def test_two_events_cannot_share_a_name():
    with pytest.raises(ValueError, match="two events"):

        class Again(events.Event, name="core.tests.pinged"):
            pass


@pytest.mark.django_db
def test_announcing_queues_one_delivery_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        announce(PING)
        assert deliveries() == []  # not before the commit (the dummy backend is no outbox)
    assert deliveries() == [("deliver_event", ["core.tests.pinged", {"what": "hello", "n": 3}], None)]


@override_settings(TASKS=DB_TASKS)
@pytest.mark.django_db(transaction=True)
def test_the_delivery_row_commits_and_rolls_back_with_the_change():
    with pytest.raises(RuntimeError), transaction.atomic():
        announce(PING)
        assert DBTaskResult.objects.count() == 1  # in the change's transaction
        raise RuntimeError("the change fails")
    assert not DBTaskResult.objects.exists()
    with transaction.atomic():
        announce(PING)
    row = DBTaskResult.objects.get()
    assert row.task_path == "miconsulado.core.tasks.deliver_event"
    assert row.args_kwargs["args"] == ["core.tests.pinged", {"what": "hello", "n": 3}]


@pytest.mark.django_db
def test_every_receiver_runs_and_a_failing_one_is_retried_alone_later():
    seen = []

    @receiver(Pinged)
    def first(event):
        seen.append(("first", event))

    @receiver(Pinged)
    def broken(event):
        raise RuntimeError("a receiver's bug")

    @receiver(Pinged)
    def last(event):
        seen.append(("last", event))

    assert deliver(Pinged.name, PING.payload()) == 2
    assert seen == [("first", PING), ("last", PING)]
    [(task, args, run_after)] = deliveries()
    assert task == "deliver_event"
    assert args == ["core.tests.pinged", PING.payload(), [events.receiver_path(broken)], 2]
    assert run_after - timezone.now() == pytest.approx(events.FIRST_RETRY, abs=dt.timedelta(seconds=5))

    # The retry runs the broken one only; failing again, it waits twice as long.
    default_task_backend.clear()
    assert deliver(Pinged.name, PING.payload(), only=args[2], attempt=2) == 0
    assert len(seen) == 2
    [(_, again, run_after)] = deliveries()
    assert again[3] == 3
    assert run_after - timezone.now() == pytest.approx(2 * events.FIRST_RETRY, abs=dt.timedelta(seconds=5))


@pytest.mark.django_db
def test_a_receiver_failing_its_last_attempt_is_given_up_in_the_log(caplog):
    @receiver(Pinged)
    def broken(event):
        raise RuntimeError("still broken")

    with caplog.at_level(logging.ERROR, logger="miconsulado.core.events"):
        deliver(Pinged.name, PING.payload(), only=[events.receiver_path(broken)], attempt=events.MAX_ATTEMPTS)
    assert deliveries() == []
    assert "gave up after 5 attempts" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_leaves_nothing_of_its_own_writes():
    from django.contrib.auth import get_user_model

    User = get_user_model()

    @receiver(Pinged)
    def writes_then_fails(event):
        User.objects.create(username="half-done")
        raise RuntimeError("after writing")

    deliver(Pinged.name, PING.payload())
    assert not User.objects.filter(username="half-done").exists()


@override_settings(TASKS=DB_TASKS)
@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_and_queues_the_retry():
    from django.core.management import call_command

    seen = []

    @receiver(Pinged)
    def ok(event):
        seen.append(event)

    @receiver(Pinged)
    def broken(event):
        raise RuntimeError("a receiver's bug")

    with transaction.atomic():
        announce(PING)
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert seen == [PING]
    first, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == "SUCCESSFUL"  # the receiver's failure is not the delivery's
    assert retry.status == "READY"
    assert retry.args_kwargs["args"][2:] == [[events.receiver_path(broken)], 2]
    assert retry.run_after > timezone.now()
