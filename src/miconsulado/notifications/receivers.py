"""Notifications' receivers of booking's events (registered by NotificationsConfig.ready()).

Each writes its messages' rows once (a unique dedup key per event and recipient) and queues their
sending in the receiver's own transaction: a redelivered event writes nothing (decision 0009).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from miconsulado.booking.events import AppointmentCancelled, AppointmentConfirmed, AppointmentRescheduled
from miconsulado.core.events import receiver
from miconsulado.notifications.compose import local_when, render
from miconsulado.notifications.models import Message, MessageChannel, MessageKind
from miconsulado.notifications.services import (
    _insert_once,
    new_message_id,
    queue_appointment_emails,
    queue_send,
)
from miconsulado.waitlist.events import WaitlistOfferMade


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


@receiver(WaitlistOfferMade)
def waitlist_offer_email(event: WaitlistOfferMade) -> None:
    """The offer of a freed place: what, where, until when it is held, accept/decline links (and one
    to leave the list). Once per offer (its dedup key)."""
    from miconsulado.waitlist import links
    from miconsulado.waitlist.models import WaitlistOffer

    offer = (
        WaitlistOffer.objects.select_related("entry__office", "entry__procedure", "slot__office")
        .filter(public_id=event.offer)
        .first()
    )
    if offer is None or not offer.entry.email:
        return
    entry = offer.entry
    key = f"{MessageKind.WAITLIST_OFFER.value}:{event.offer}:email:{entry.email.lower()}"
    if Message.objects.filter(dedup_key=key).exists():
        return  # the event again
    site = settings.MICONSULADO["SITE_URL"]
    context = {
        "language": entry.language,
        "office": offer.slot.office,
        "procedure": entry.procedure,
        "slot_start": event.slot_start,
        "channel": "",
        "expires": local_when(event.expires_at, offer.slot.office),
        "accept_url": site + links.accept_path(offer),
        "decline_url": site + links.decline_path(offer),
        "leave_url": site + links.leave_path(entry),
    }
    rendered = render(MessageKind.WAITLIST_OFFER.value, language=entry.language, context=context)
    message = Message(
        kind=MessageKind.WAITLIST_OFFER,
        channel=MessageChannel.EMAIL,
        recipient=entry.email,
        language=entry.language,
        waitlist_entry=entry,
        office=offer.slot.office,
        dedup_key=key,
        message_id=new_message_id(),
        subject=rendered.subject[:300],
        body_text=rendered.text,
        body_html=rendered.html,
        next_attempt_at=timezone.now(),
    )
    if _insert_once(message):
        queue_send(message)
