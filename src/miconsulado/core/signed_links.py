"""Signed links in messages: accept an offer, cancel from a reminder, leave the waitlist.

A link carries what it acts on and until when, signed with SECRET_KEY under a salt per purpose, so
a link made for one purpose is worthless for another. Whether a link was already used is not kept
here: the row it acts on knows (an answered offer, a cancelled appointment), and the page says so.
Opening a link only shows a page; the change is made by the page's button (a POST with CSRF),
because mail scanners open links.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miconsulado.core.errors import DomainError

_SALT = "miconsulado.link."


class LinkInvalid(DomainError):
    kind = "invalid"
    code = "link_invalid"
    default_message = _("Este enlace no es válido. Revise que lo copió completo.")


class LinkExpired(DomainError):
    kind = "invalid"
    code = "link_expired"
    default_message = _("Este enlace ya venció.")


@dataclass(frozen=True, slots=True)
class LinkClaims:
    purpose: str
    subject: str
    expires_at: dt.datetime


def sign_link(*, purpose: str, subject: str, expires_at: dt.datetime) -> str:
    """The token for a link that lets its holder act on `subject` for `purpose` until `expires_at`."""
    payload = {"s": subject, "e": int(expires_at.timestamp())}
    return signing.dumps(payload, salt=_SALT + purpose, compress=True)


def read_link(token: str, *, purpose: str, now: dt.datetime | None = None) -> LinkClaims:
    """The claims of a token made for `purpose`; LinkInvalid if forged or altered, LinkExpired if late."""
    try:
        payload = signing.loads(token, salt=_SALT + purpose)
        subject, expires = str(payload["s"]), int(payload["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise LinkInvalid() from exc
    expires_at = dt.datetime.fromtimestamp(expires, tz=dt.UTC)
    if (now or timezone.now()) >= expires_at:
        raise LinkExpired()
    return LinkClaims(purpose=purpose, subject=subject, expires_at=expires_at)
