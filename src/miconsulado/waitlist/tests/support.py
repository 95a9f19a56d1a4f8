"""Helpers shared by the waitlist's tests."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase
from django.utils import timezone
from django_tasks import default_task_backend

from miconsulado.booking import services as booking
from miconsulado.core import events
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant
from miconsulado.waitlist import services


def join(office, procedure, person=None, *, minutes_ago: int = 0, **kw):
    return services.join(
        office=office,
        procedure=procedure,
        applicant=person or applicant(),
        channel=kw.pop("channel", Channel.API),
        now=timezone.now() - dt.timedelta(minutes=minutes_ago),
        **kw,
    )


def book(slot, procedure, person=None):
    fresh = Slot.objects.select_related("office").get(pk=slot.pk)
    return booking.book_appointment(
        slot=fresh, procedure=procedure, applicants=[person or applicant()], channel=Channel.WEB
    ).appointment


def fill(slot, procedure):
    """Book every place of the slot; the appointments."""
    slot.refresh_from_db()
    return [book(slot, procedure) for _ in range(slot.capacity - slot.booked)]


def committing():
    """Run what is queued on commit when the block ends (tests run inside a transaction that never
    commits)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def deliver_queued(name: str | None = None) -> None:
    """Run the receivers of the events queued so far (what the worker does), then forget them; the
    events they announce are queued in turn."""
    queued = [r for r in default_task_backend.results if r.task.name == "deliver_event"]
    default_task_backend.clear()
    with committing():
        for result in queued:
            if name is None or result.args[0] == name:
                events.deliver(*result.args[:2])


def announced(name: str) -> list[dict]:
    return [
        r.args[1]
        for r in default_task_backend.results
        if r.task.name == "deliver_event" and r.args[0] == name
    ]
