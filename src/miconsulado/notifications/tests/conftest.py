"""An office with an address, a procedure with documents and fees, and appointments on chosen local
days (booked as of a few days before, so that any future day is within the booking rules)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django_tasks import default_task_backend

from miconsulado.booking import services
from miconsulado.booking.applicants import ApplicantData
from miconsulado.booking.models import Appointment
from miconsulado.catalog.models import Fee, Office
from miconsulado.core import events
from miconsulado.core.channels import Channel
from miconsulado.notifications.tests.twilio_support import twilio_api  # noqa: F401  # a fixture
from miconsulado.scheduling.models import ServiceWindow
from miconsulado.testing import applicant, make_office, make_procedure, make_slot, make_window


@pytest.fixture(autouse=True)
def clear_tasks() -> None:
    default_task_backend.clear()


@pytest.fixture
def office(db):
    return make_office(
        "losangeles",
        tz="America/Los_Angeles",
        city="Los Angeles",
        name_es="Consulado General de México en Los Ángeles",
        name_en="Consulate General of Mexico in Los Angeles",
        address="2401 W 6th St, Los Angeles, CA 90057",
    )


@pytest.fixture
def procedure(db):
    procedure = make_procedure(
        "passport-renewal",
        name_es="Renovación de pasaporte",
        name_en="Passport renewal",
        documents_es=(
            "Pasaporte anterior\nIdentificación oficial con fotografía\n"
            "Acta de nacimiento mexicana certificada (o carta de naturalización o certificado de "
            "nacionalidad mexicana), si el pasaporte anterior venció hace más de diez años"
        ),
        documents_en="Previous passport\nOfficial photo ID",
    )
    Fee.objects.create(
        procedure=procedure,
        variant="6y",
        name_es="Pasaporte de 6 años",
        name_en="6-year passport",
        amount_cents=13800,
        valid_from=dt.date(2026, 1, 1),
    )
    return procedure


@pytest.fixture
def window(office, procedure):
    return make_window(office, [procedure], desks=2)


def book_at(
    window: ServiceWindow, local: dt.datetime, *people: ApplicantData, office: Office | None = None
) -> Appointment:
    """An appointment at `local` (the office's wall clock), booked a week before."""
    start = local.replace(tzinfo=ZoneInfo(window.office.tz)).astimezone(dt.UTC)
    slot = make_slot(window, start=start, capacity=4)
    procedure = window.procedures.get()
    return services.book_appointment(
        slot=slot,
        procedure=procedure,
        applicants=list(people) or [applicant()],
        channel=Channel.API,
        now=start - dt.timedelta(days=7),
    ).appointment


@pytest.fixture
def slot(window):
    return make_slot(window, capacity=4)


def tasks_named(name: str) -> list[Any]:
    return [r for r in default_task_backend.results if r.task.name == name]


def deliver_announced() -> None:
    """Run the receivers of every event announced so far (as the worker's delivery task does)."""
    for result in tasks_named("deliver_event"):
        events.deliver(*result.args[:2])
        default_task_backend.results.remove(result)


def send_queued() -> list[str]:
    """Run every queued send task now (whatever its run_after), as the worker would; their outcomes."""
    outcomes = []
    while pending := tasks_named("send_message"):
        for result in pending:
            default_task_backend.results.remove(result)
            outcomes.append(result.task.call(*result.args))
    return outcomes


class Sink:
    """An SMTP server's handler that keeps what it receives; `replies` refuses chosen recipients."""

    def __init__(self) -> None:
        self.received: list[email.message.EmailMessage] = []
        self.replies: dict[str, str] = {}

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.replies:
            return self.replies[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append(message)  # type: ignore[arg-type]
        return f"250 2.0.0 Ok: queued as Q{len(self.received)}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[Sink]:
    """A real SMTP server on loopback, and the settings that send to it."""
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="miconsulado.notifications.backends.SMTPBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_TIMEOUT=5,
            DEFAULT_FROM_EMAIL="Mi Consulado <citas@consulado.example>",
            EMAIL_REPLY_TO=["ayuda@consulado.example"],
        ):
            yield sink
    finally:
        controller.stop()
