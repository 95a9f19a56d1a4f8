"""The signed links in a waitlist message (core.signed_links): accept or decline an offer, until the
offer's end; leave the list. Each purpose its own salt: a decline link does not accept."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from miconsulado.core.signed_links import LinkExpired, LinkInvalid, read_link, sign_link
from miconsulado.waitlist.models import WaitlistEntry, WaitlistOffer

ACCEPT = "waitlist-accept"
DECLINE = "waitlist-decline"
LEAVE = "waitlist-leave"
# A leave link works as long as anyone would wait: the booking horizon is 90 days by default.
LEAVE_LINK_DAYS = 200


def accept_path(offer: WaitlistOffer) -> str:
    token = sign_link(purpose=ACCEPT, subject=str(offer.public_id), expires_at=offer.expires_at)
    return reverse("waitlist:accept", args=[token])


def proves_offer(token: str | None, offer: WaitlistOffer) -> bool:
    """Whether `token` is this offer's accept link (the last part of its path): only the entry's
    e-mail received it, so it proves the contact the way a verification code does."""
    if not token:
        return False
    try:
        claims = read_link(token.strip().strip("/").rsplit("/", 1)[-1], purpose=ACCEPT)
    except (LinkInvalid, LinkExpired):
        return False
    return claims.subject == str(offer.public_id)


def decline_path(offer: WaitlistOffer) -> str:
    token = sign_link(purpose=DECLINE, subject=str(offer.public_id), expires_at=offer.expires_at)
    return reverse("waitlist:decline", args=[token])


def leave_path(entry: WaitlistEntry, *, now: dt.datetime | None = None) -> str:
    expires_at = (now or timezone.now()) + dt.timedelta(days=LEAVE_LINK_DAYS)
    token = sign_link(purpose=LEAVE, subject=str(entry.public_id), expires_at=expires_at)
    return reverse("waitlist:leave", args=[token])
