"""Helpers for the verification tests: a hold, and the code a send issued (read back from its event,
as notifications reads it)."""

from __future__ import annotations

import pytest
from django_tasks import default_task_backend

from miconsulado.booking import services, verification
from miconsulado.booking.events import VerificationCodeIssued
from miconsulado.booking.models import Appointment
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot


@pytest.fixture(autouse=True)
def clear_tasks() -> None:
    """Import it into a test module: each test sees only the events it caused."""
    default_task_backend.clear()


def make_hold(slot: Slot, places: int = 1) -> Appointment:
    return services.hold_slot(
        slot=slot, procedure=slot.window.procedures.first(), places=places, channel=Channel.API
    )


def issued_payloads() -> list[dict]:
    return [
        r.args[1]
        for r in default_task_backend.results
        if r.task.name == "deliver_event" and r.args[0] == VerificationCodeIssued.name
    ]


def sent_code(verification_id: int) -> str:
    """The plain code of the verification row, opened from its (sealed) event."""
    for payload in issued_payloads():
        if payload["verification"] == verification_id:
            return verification.unseal(payload["sealed_code"], payload["salt"])
    raise AssertionError(f"no code issued for verification {verification_id}")


def wrong(code: str) -> str:
    """Another well-formed code."""
    return f"{(int(code) + 1) % 1_000_000:06d}"
