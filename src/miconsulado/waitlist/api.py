"""The waitlist over JSON: join, look up (position and state), leave, accept or decline an offer.

Thin: parse, one service call, render. Citizens prove an entry is theirs with its id and its CURP (a
wrong CURP is the same 404 as a wrong id); agents and staff may omit the CURP, and add people with
their token (channel recorded: phone for agents, staff for consular staff, their own offices only).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from miconsulado.accounts.auth import OptionalTokenAuth, caller
from miconsulado.accounts.callers import Caller
from miconsulado.booking.errors import CurpRequired
from miconsulado.catalog import selectors as catalog
from miconsulado.catalog.errors import UnknownOffice, UnknownProcedure
from miconsulado.catalog.localtime import office_zone
from miconsulado.core import languages
from miconsulado.core.api_schemas import ErrorOut
from miconsulado.waitlist import links, selectors, services
from miconsulado.waitlist.errors import EntryNotFound, OfferNotFound
from miconsulado.waitlist.models import WaitlistEntry, WaitlistOffer
from miconsulado.waitlist.schemas import AnswerIn, WaitlistIn, WaitlistOut

router = Router(tags=["lista de espera"])

ERRORS = (401, 403, 404, 409, 422)
TOKEN_OPTIONAL: dict[str, Any] = {"security": [{}]}


def _errors(*statuses: int) -> dict[int, Any]:
    return dict.fromkeys(statuses, ErrorOut)


def offer_out(offer: WaitlistOffer) -> dict[str, Any]:
    zone = office_zone(offer.slot.office)
    return {
        "id": str(offer.public_id),
        "state": offer.state,
        "start": offer.slot.start.astimezone(zone),
        "end": offer.slot.end.astimezone(zone),
        "expires_at": offer.expires_at.astimezone(zone),
        "appointment": offer.hold.code if offer.state == "accepted" else None,
    }


def entry_out(entry: WaitlistEntry) -> dict[str, Any]:
    offer = (
        WaitlistOffer.objects.select_related("slot__office", "hold")
        .filter(entry=entry)
        .order_by("-created_at", "-id")
        .first()
    )
    return {
        "id": str(entry.public_id),
        "state": entry.state,
        "position": selectors.position(entry),
        "office": {"code": entry.office.code, "name": entry.office.name, "tz": entry.office.tz},
        "procedure": {"code": entry.procedure.code, "name": entry.procedure.name},
        "date_from": entry.date_from,
        "date_to": entry.date_to,
        "language": entry.language,
        "joined_at": entry.joined_at.astimezone(office_zone(entry.office)),
        "offer": offer_out(offer) if offer is not None else None,
    }


def find_entry(who: Caller, entry_id: str, curp: str | None) -> WaitlistEntry:
    """The entry the caller may see: by id and its CURP for citizens; by id alone (or with a CURP
    that must then match) for agents and staff who reach its office."""
    if who.is_anonymous:
        if not curp:
            raise CurpRequired("curp")
        return selectors.entry_for_citizen(public_id=entry_id, curp=curp)
    entry = (
        selectors.entry_for_citizen(public_id=entry_id, curp=curp)
        if curp
        else selectors.entry_by_id(entry_id)
    )
    if not who.reaches(entry.office):
        raise EntryNotFound()
    return entry


def _latest_offer(entry: WaitlistEntry) -> WaitlistOffer:
    offer = WaitlistOffer.objects.filter(entry=entry).order_by("-created_at", "-id").first()
    if offer is None:
        raise OfferNotFound()
    return offer


@router.post(
    "/waitlist",
    response={201: WaitlistOut, **_errors(*ERRORS)},
    auth=OptionalTokenAuth(),
    openapi_extra=TOKEN_OPTIONAL,
    summary="Entrar en la lista de espera",
    by_alias=True,
)
def join(request: HttpRequest, payload: WaitlistIn) -> Status[dict[str, Any]]:
    """Wait for a place of `procedure` at `office`, on local dates [from, to] (either open). A place
    that frees up is held for the first person in line it fits, and offered by e-mail."""
    who = caller(request)
    office = catalog.get_office(payload.office)
    if office is None:
        raise UnknownOffice(field="office")
    procedure = catalog.get_procedure(payload.procedure)
    if procedure is None:
        raise UnknownProcedure(field="procedure")
    who.ensure_may_book(office)
    entry = services.join(
        office=office,
        procedure=procedure,
        applicant=payload.applicant.to_data(),
        date_from=payload.date_from,
        date_to=payload.date_to,
        language=payload.language or languages.supported(getattr(request, "LANGUAGE_CODE", None)) or "es",
        channel=who.channel,
        actor=who.user,
    )
    return Status(201, entry_out(entry))


@router.get(
    "/waitlist/{entry_id}",
    response={200: WaitlistOut, **_errors(*ERRORS)},
    auth=OptionalTokenAuth(),
    openapi_extra=TOKEN_OPTIONAL,
    summary="Consultar un lugar en la lista de espera",
    by_alias=True,
)
def look_up(request: HttpRequest, entry_id: str, curp: str | None = Query(None)) -> dict[str, Any]:
    """Position and state. A wrong CURP gets the same 404 as a wrong id."""
    return entry_out(find_entry(caller(request), entry_id, curp))


@router.delete(
    "/waitlist/{entry_id}",
    response={200: WaitlistOut, **_errors(*ERRORS)},
    auth=OptionalTokenAuth(),
    openapi_extra=TOKEN_OPTIONAL,
    summary="Salir de la lista de espera",
    by_alias=True,
)
def leave(request: HttpRequest, entry_id: str, curp: str | None = Query(None)) -> dict[str, Any]:
    """An open offer is declined with it: its place goes to the next person."""
    who = caller(request)
    entry = services.leave(entry=find_entry(who, entry_id, curp), channel=who.channel, actor=who.user)
    return entry_out(entry)


@router.post(
    "/waitlist/{entry_id}/accept",
    response={200: WaitlistOut, **_errors(*ERRORS)},
    auth=OptionalTokenAuth(),
    openapi_extra=TOKEN_OPTIONAL,
    summary="Aceptar el lugar ofrecido",
    by_alias=True,
)
def accept(request: HttpRequest, entry_id: str, payload: AnswerIn) -> dict[str, Any]:
    """Books the offered place (409 offer_expired when its time is up, offer_closed if answered)."""
    who = caller(request)
    entry = find_entry(who, entry_id, payload.curp)
    offer = _latest_offer(entry)
    services.accept(
        offer=offer,
        channel=who.channel,
        actor=who.user,
        contact_proven=links.proves_offer(payload.link, offer),
    )
    entry.refresh_from_db()
    return entry_out(entry)


@router.post(
    "/waitlist/{entry_id}/decline",
    response={200: WaitlistOut, **_errors(*ERRORS)},
    auth=OptionalTokenAuth(),
    openapi_extra=TOKEN_OPTIONAL,
    summary="Rechazar el lugar ofrecido",
    by_alias=True,
)
def decline(request: HttpRequest, entry_id: str, payload: AnswerIn) -> dict[str, Any]:
    """The place goes to the next person; the entry keeps its turn for another place."""
    who = caller(request)
    entry = find_entry(who, entry_id, payload.curp)
    services.decline(offer=_latest_offer(entry), channel=who.channel, actor=who.user)
    entry.refresh_from_db()
    return entry_out(entry)
