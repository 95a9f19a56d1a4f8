"""What the waitlist announces (core.events), for notifications to word and send; the waitlist sends
nothing itself. Each event names the entry and offer by their public ids, the office, procedure and
slot, and the language the person is written to in."""

from __future__ import annotations

from dataclasses import dataclass

from miconsulado.core.events import Event


@dataclass(frozen=True, kw_only=True)
class OfferFacts:
    entry: str  # the entry's public id
    offer: str  # the offer's public id
    office: str
    procedure: str
    slot: int
    slot_start: str  # UTC, ISO 8601
    expires_at: str  # UTC, ISO 8601: until when the place is held
    language: str = "es"


@dataclass(frozen=True, kw_only=True)
class WaitlistOfferMade(OfferFacts, Event, name="waitlist.offer_made"):
    """A freed place is held for the person until `expires_at`: tell them, with accept/decline links."""


@dataclass(frozen=True, kw_only=True)
class WaitlistOfferAccepted(OfferFacts, Event, name="waitlist.offer_accepted"):
    """Accepted: the hold is confirmed as the appointment `appointment` (booking announces its
    AppointmentConfirmed too, which carries the confirmation e-mail)."""

    appointment: str
    channel: str


@dataclass(frozen=True, kw_only=True)
class WaitlistOfferDeclined(OfferFacts, Event, name="waitlist.offer_declined"):
    """Declined: the place goes to the next person; the entry waits for another."""

    channel: str


@dataclass(frozen=True, kw_only=True)
class WaitlistOfferExpired(OfferFacts, Event, name="waitlist.offer_expired"):
    """Not answered in time: the place goes to the next person and the entry leaves the list."""
