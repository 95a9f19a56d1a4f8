"""Background work of core, run by the django-tasks database worker (`db_worker`)."""

from typing import Any

from django_tasks import task

from miconsulado.core import events


@task()
def deliver_event(name: str, payload: dict[str, Any], only: list[str] | None = None, attempt: int = 1) -> int:
    """Deliver one announced event to its receivers (core.events.deliver); a retry names the one
    receiver it is for in `only`."""
    return events.deliver(name, payload, only=only, attempt=attempt)


@task()
def requeue_stalled_deliveries() -> int:
    """Put back in the queue the deliveries whose worker died (core.events.requeue_stalled_deliveries);
    queued every minute by run_scheduler."""
    return events.requeue_stalled_deliveries()
