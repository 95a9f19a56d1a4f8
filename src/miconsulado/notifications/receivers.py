"""Notifications' receivers of booking's events (registered by NotificationsConfig.ready()).

Each writes its messages' rows once (a unique dedup key per event and recipient) and queues their
sending in the receiver's own transaction: a redelivered event writes nothing (decision 0009).
"""

from __future__ import annotations

from miconsulado.booking.events import (
    AppointmentCancelled,
    AppointmentConfirmed,
    AppointmentRescheduled,
    VerificationCodeIssued,
)
from miconsulado.core.events import receiver
from miconsulado.notifications.models import MessageKind
from miconsulado.notifications.services import queue_appointment_emails
from miconsulado.notifications.verification import queue_verification_email


@receiver(AppointmentConfirmed)
def confirmation_emails(event: AppointmentConfirmed) -> None:
    # An appointment is confirmed once: its code and slot name the change.
    queue_appointment_emails(
        kind=MessageKind.CONFIRMED, code=event.appointment, version=str(event.slot), facts=event.payload()
    )


@receiver(AppointmentCancelled)
def cancellation_emails(event: AppointmentCancelled) -> None:
    # A cancellation is final: once per appointment.
    queue_appointment_emails(
        kind=MessageKind.CANCELLED, code=event.appointment, version=str(event.slot), facts=event.payload()
    )


@receiver(AppointmentRescheduled)
def reschedule_emails(event: AppointmentRescheduled) -> None:
    # A move is named by where from and where to (the event carries no version of the appointment:
    # the very same move made twice, A→B, back, A→B, is told once).
    queue_appointment_emails(
        kind=MessageKind.RESCHEDULED,
        code=event.appointment,
        version=f"{event.previous_slot}-{event.slot}",
        facts=event.payload(),
    )


@receiver(VerificationCodeIssued)
def verification_code_email(event: VerificationCodeIssued) -> None:
    # Once per issued code: a new code (a resend) is a new message.
    queue_verification_email(event)
