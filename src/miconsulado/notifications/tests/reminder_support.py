"""Appointments at chosen distances from the real clock, reminders switched on, sends at a chosen time.

Receivers run with the real clock (as in the worker); the sends take their `now` (send_message's
now_iso), so a test says exactly when the worker gets to a reminder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from miconsulado.booking import services
from miconsulado.booking.models import Appointment
from miconsulado.core.channels import Channel
from miconsulado.notifications.models import Message, MessageKind
from miconsulado.notifications.tasks import send_message
from miconsulado.scheduling.models import ServiceWindow, Slot
from miconsulado.testing import applicant, make_slot

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def reminders_on() -> Iterator[None]:
    with override_settings(MICONSULADO={**settings.MICONSULADO, "REMINDER_HOURS": [72, 24]}):
        yield


def slot_in(window: ServiceWindow, hours: float) -> Slot:
    """A slot starting `hours` from now (whole minutes)."""
    start = (timezone.now() + dt.timedelta(hours=hours)).replace(second=0, microsecond=0)
    return make_slot(window, start=start, capacity=4)


def book_in(window: ServiceWindow, hours: float, *people, language: str = "es") -> Appointment:
    slot = slot_in(window, hours)
    return services.book_appointment(
        slot=slot,
        procedure=window.procedures.get(),
        applicants=list(people) or [applicant(email="ana@example.com")],
        channel=Channel.WEB,
        language=language,
        now=slot.start - dt.timedelta(days=7),
    ).appointment


def reminders(appointment: Appointment, **filters) -> list[Message]:
    return list(
        Message.objects.filter(appointment=appointment, kind=MessageKind.REMINDER, **filters).order_by(
            "next_attempt_at", "recipient"
        )
    )


def send_at(message: Message, now: dt.datetime) -> str:
    """The worker runs the message's send task at `now`; its outcome, the row refreshed."""
    outcome = send_message.call(message.pk, now.isoformat())
    message.refresh_from_db()
    return outcome
