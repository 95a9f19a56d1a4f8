import email
import email.policy
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django_tasks import default_task_backend

from miconsulado.catalog.models import Fee
from miconsulado.core import events
from miconsulado.testing import make_office, make_procedure, make_slot, make_window


@pytest.fixture(autouse=True)
def clear_tasks() -> None:
    default_task_backend.clear()


@pytest.fixture
def office(db):
    return make_office("losangeles", tz="America/Los_Angeles", address="2401 W. 6th St.", city="Los Angeles")


@pytest.fixture
def procedure(db):
    procedure = make_procedure(
        "pasaporte",
        name_es="Pasaporte",
        name_en="Passport",
        documents_es="- Acta de nacimiento\n- Identificación oficial",
        documents_en="- Birth certificate\n- Official ID",
    )
    Fee.objects.create(
        procedure=procedure,
        variant="6y",
        name_es="6 años",
        name_en="6 years",
        amount_cents=14500,
        valid_from="2020-01-01",
    )
    return procedure


@pytest.fixture
def window(office, procedure):
    return make_window(office, [procedure], desks=2)


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
