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
from miconsulado.notifications.conflicts import queue_conflict_emails
from miconsulado.notifications.models import MessageKind
from miconsulado.notifications.offers import queue_offer_email
from miconsulado.notifications.reminders import plan_reminders
from miconsulado.notifications.services import queue_appointment_emails, queue_appointment_sms
from miconsulado.notifications.verification import queue_verification_email
from miconsulado.scheduling.events import SlotsInConflict
from miconsulado.waitlist.events import WaitlistOfferMade


@receiver(AppointmentConfirmed)
def confirmation_emails(event: AppointmentConfirmed) -> None:
    # An appointment is confirmed once: its code and slot name the change.
    queue_appointment_emails(
        kind=MessageKind.CONFIRMED, code=event.appointment, version=str(event.slot), facts=event.payload()
    )
    queue_appointment_sms(
        kind=MessageKind.CONFIRMED, code=event.appointment, version=str(event.slot), facts=event.payload()
    )


@receiver(AppointmentCancelled)
def cancellation_emails(event: AppointmentCancelled) -> None:
    # A cancellation is final: once per appointment.
    queue_appointment_emails(
        kind=MessageKind.CANCELLED, code=event.appointment, version=str(event.slot), facts=event.payload()
    )
    queue_appointment_sms(
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
    queue_appointment_sms(
        kind=MessageKind.RESCHEDULED,
        code=event.appointment,
        version=f"{event.previous_slot}-{event.slot}",
        facts=event.payload(),
    )


# --- Reminders (notifications/reminders.py) ------------------------------------------------------
# Each event only says "look again": the plan follows the appointment as it is now, so a late,
# repeated or out-of-order delivery ends in the same rows.


@receiver(AppointmentConfirmed)
def schedule_reminders(event: AppointmentConfirmed) -> None:
    plan_reminders(code=event.appointment)


@receiver(AppointmentRescheduled)
def move_reminders(event: AppointmentRescheduled) -> None:
    plan_reminders(code=event.appointment)


@receiver(AppointmentCancelled)
def drop_reminders(event: AppointmentCancelled) -> None:
    plan_reminders(code=event.appointment)


# --- Slots a regenerated schedule no longer offers (notifications/conflicts.py) -------------------


@receiver(SlotsInConflict)
def conflict_emails(event: SlotsInConflict) -> None:
    queue_conflict_emails(office_code=event.office, slots=event.slots)


# --- Waitlist offers (notifications/offers.py) ----------------------------------------------------


@receiver(WaitlistOfferMade)
def waitlist_offer_email(event: WaitlistOfferMade) -> None:
    queue_offer_email(event)


@receiver(VerificationCodeIssued)
def verification_code_email(event: VerificationCodeIssued) -> None:
    # Once per issued code: a new code (a resend) is a new message.
    queue_verification_email(event)
