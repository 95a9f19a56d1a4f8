"""The e-mail (and SMS) offering a freed place to the person first in line (waitlist's WaitlistOfferMade)."""

from __future__ import annotations

from django.utils import timezone

from miconsulado.notifications.compose import local_when, render
from miconsulado.notifications.links import absolute
from miconsulado.notifications.models import Message, MessageChannel, MessageKind
from miconsulado.notifications.services import new_message_id, write_once
from miconsulado.notifications.sms import sms_enabled
from miconsulado.notifications.sms_text import render_sms
from miconsulado.waitlist.events import WaitlistOfferMade
from miconsulado.waitlist.models import WaitlistOffer


def queue_offer_email(event: WaitlistOfferMade) -> None:
    """The offer of a freed place: what, where, until when it is held, accept/decline links (and one
    to leave the list). Once per offer (its dedup key)."""
    from miconsulado.waitlist import links

    offer = (
        WaitlistOffer.objects.select_related("entry__office", "entry__procedure", "slot__office")
        .filter(public_id=event.offer)
        .first()
    )
    if offer is None:
        return
    entry = offer.entry
    accept_url = absolute(links.accept_path(offer))
    queue_offer_sms(event, offer, accept_url)
    if not entry.email:
        return
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
        "accept_url": accept_url,
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
    write_once(message)


def queue_offer_sms(event: WaitlistOfferMade, offer: WaitlistOffer, accept_url: str) -> None:
    """The offer by SMS to the entry's phone, if it gave one (and SMS are on): the place, until when
    it is held, the accept link — signed, too long for one segment with any text, so two. Once per
    offer: key `waitlist_offer:<offer>:sms:<phone>`."""
    phone = offer.entry.phone
    if not phone or not sms_enabled():
        return
    key = f"{MessageKind.WAITLIST_OFFER.value}:{event.offer}:sms:{phone}"
    if Message.objects.filter(dedup_key=key).exists():
        return  # the event again
    context = {
        "office": offer.slot.office,
        "slot_start": event.slot_start,
        "expires_utc": event.expires_at,
        "link": accept_url,
    }
    message = Message(
        kind=MessageKind.WAITLIST_OFFER,
        channel=MessageChannel.SMS,
        recipient=phone,
        language=offer.entry.language,
        waitlist_entry=offer.entry,
        office=offer.slot.office,
        dedup_key=key,
        message_id=new_message_id(),
        body_text=render_sms(
            MessageKind.WAITLIST_OFFER.value, language=offer.entry.language, context=context
        ),
        next_attempt_at=timezone.now(),
    )
    write_once(message)
