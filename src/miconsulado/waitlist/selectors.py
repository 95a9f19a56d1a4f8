"""Reads about the waitlist that the API and the pages share."""

from __future__ import annotations

import uuid

from miconsulado.booking import curp as curp_rules
from miconsulado.waitlist.errors import EntryNotFound, OfferNotFound
from miconsulado.waitlist.models import EntryState, WaitlistEntry, WaitlistOffer
from miconsulado.waitlist.services import entries_in_line


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        return None


def entry_by_id(public_id: str) -> WaitlistEntry:
    found = _uuid(public_id)
    entry = (
        None
        if found is None
        else WaitlistEntry.objects.select_related("office", "procedure").filter(public_id=found).first()
    )
    if entry is None:
        raise EntryNotFound()
    return entry


def entry_for_citizen(*, public_id: str, curp: str) -> WaitlistEntry:
    """The entry with this id and this CURP; a wrong id and a wrong CURP give the same answer."""
    entry = entry_by_id(public_id)
    if entry.curp != curp_rules.compact(curp or ""):
        raise EntryNotFound()
    return entry


def offer_by_id(public_id: str) -> WaitlistOffer:
    found = _uuid(public_id)
    offer = (
        None
        if found is None
        else WaitlistOffer.objects.select_related("entry__office", "entry__procedure", "slot__office", "hold")
        .filter(public_id=found)
        .first()
    )
    if offer is None:
        raise OfferNotFound()
    return offer


def open_offer(entry: WaitlistEntry) -> WaitlistOffer | None:
    return (
        WaitlistOffer.objects.select_related("slot__office", "hold")
        .filter(entry=entry, state="offered")
        .first()
    )


def position(entry: WaitlistEntry) -> int | None:
    """Place in line (1 = next), while waiting; None otherwise."""
    if entry.state != EntryState.WAITING:
        return None
    return WaitlistEntry.objects.filter(entries_in_line(entry)).count()
