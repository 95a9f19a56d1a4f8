"""The e-mail offering a freed place to the person first in line (waitlist's WaitlistOfferMade)."""

from __future__ import annotations

from django.utils import timezone

from miconsulado.notifications.compose import local_when, render
from miconsulado.notifications.links import absolute
from miconsulado.notifications.models import Message, MessageChannel, MessageKind
from miconsulado.notifications.services import _insert_once, new_message_id, queue_send
from miconsulado.waitlist.events import WaitlistOfferMade


def queue_offer_email(event: WaitlistOfferMade) -> None:
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
    context = {
        "language": entry.language,
        "office": offer.slot.office,
        "procedure": entry.procedure,
        "slot_start": event.slot_start,
        "channel": "",
        "expires": local_when(event.expires_at, offer.slot.office),
        "accept_url": absolute(links.accept_path(offer)),
        "decline_url": absolute(links.decline_path(offer)),
        "leave_url": absolute(links.leave_path(entry)),
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
