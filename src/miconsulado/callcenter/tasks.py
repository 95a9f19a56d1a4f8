"""Background work of the call queue, run by the django-tasks database worker."""

from __future__ import annotations

from django_tasks import task

from miconsulado.callcenter import queue


@task()
def callback_due() -> int:
    """A callback's retry time has come (queued CALLBACK_RETRY_SECONDS after a try not answered):
    the queue's heartbeat offers it, at its place, to the next free agent."""
    return len(queue.tick())


@task()
def queue_tick() -> int:
    """The queue's heartbeat, each minute from run_scheduler: lapsed offers, wrap-ups over,
    callbacks due — for when no caller is waiting on the line to drive it."""
    return len(queue.tick())
