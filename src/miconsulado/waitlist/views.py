"""The pages behind the signed links of a waitlist message: accept an offer, decline it, leave the
list. Opening a link only shows the page (mail scanners open links); its button makes the change, a
POST with CSRF. A tampered, expired or already-used link gets a page that says so and changes
nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from miconsulado.catalog.localtime import office_zone
from miconsulado.core.channels import Channel
from miconsulado.core.errors import DomainError
from miconsulado.core.signed_links import LinkExpired, LinkInvalid, read_link
from miconsulado.waitlist import links, selectors, services
from miconsulado.waitlist.errors import OfferExpired
from miconsulado.waitlist.models import EntryState, OfferState, WaitlistOffer


def _problem(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "waitlist/problem.html", {"message": message}, status=status)


def _link_problem(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, LinkExpired):
        return _problem(request, _("Este enlace ya venció."), status=410)
    return _problem(request, _("Este enlace no es válido. Revise que lo copió completo."), status=400)


def _offer_facts(offer: WaitlistOffer) -> dict[str, Any]:
    zone = office_zone(offer.slot.office)
    return {
        "offer": offer,
        "office": offer.entry.office,
        "procedure": offer.entry.procedure,
        "start": offer.slot.start.astimezone(zone),
        "expires_at": offer.expires_at.astimezone(zone),
    }


def _answer(request: HttpRequest, token: str, *, purpose: str, accepting: bool) -> HttpResponse:
    try:
        claims = read_link(token, purpose=purpose)
        offer = selectors.offer_by_id(claims.subject)
    except (LinkInvalid, LinkExpired) as exc:
        return _link_problem(request, exc)
    except DomainError:
        return _problem(request, _("Este enlace no es válido. Revise que lo copió completo."), status=400)
    if offer.state != OfferState.OFFERED:
        return _answered(request, offer)
    context = {**_offer_facts(offer), "accepting": accepting}
    if request.method == "GET":
        return render(request, "waitlist/offer.html", context)
    try:
        if accepting:
            services.accept(offer=offer, channel=Channel.WEB, contact_proven=True)  # the link is the proof
        else:
            services.decline(offer=offer, channel=Channel.WEB)
    except OfferExpired:
        return _problem(
            request, _("Esta oferta ya venció; el lugar pasó a la siguiente persona de la lista."), status=409
        )
    except DomainError as exc:
        offer.refresh_from_db()
        if offer.state != OfferState.OFFERED:
            return _answered(request, offer)
        return _problem(request, str(exc), status=409)
    offer.refresh_from_db()
    return render(request, "waitlist/done.html", {**_offer_facts(offer), "code": offer.hold.code})


def _answered(request: HttpRequest, offer: WaitlistOffer) -> HttpResponse:
    messages = {
        OfferState.ACCEPTED: _("Esta oferta ya fue aceptada: su cita está confirmada."),
        OfferState.DECLINED: _("Esta oferta ya fue rechazada; el lugar pasó a la siguiente persona."),
        OfferState.EXPIRED: _("Esta oferta ya venció; el lugar pasó a la siguiente persona de la lista."),
    }
    return _problem(request, str(messages.get(OfferState(offer.state), "")), status=409)


@require_http_methods(["GET", "POST"])
def accept_offer(request: HttpRequest, token: str) -> HttpResponse:
    return _answer(request, token, purpose=links.ACCEPT, accepting=True)


@require_http_methods(["GET", "POST"])
def decline_offer(request: HttpRequest, token: str) -> HttpResponse:
    return _answer(request, token, purpose=links.DECLINE, accepting=False)


@require_http_methods(["GET", "POST"])
def leave_list(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claims = read_link(token, purpose=links.LEAVE)
        entry = selectors.entry_by_id(claims.subject)
    except (LinkInvalid, LinkExpired) as exc:
        return _link_problem(request, exc)
    except DomainError:
        return _problem(request, _("Este enlace no es válido. Revise que lo copió completo."), status=400)
    if entry.state not in (EntryState.WAITING, EntryState.OFFERED):
        return _problem(request, _("Este registro ya no está en la lista de espera."), status=409)
    context = {"entry": entry, "office": entry.office, "procedure": entry.procedure}
    if request.method == "GET":
        return render(request, "waitlist/leave.html", context)
    try:
        services.leave(entry=entry, channel=Channel.WEB)
    except DomainError:
        return _problem(request, _("Este registro ya no está en la lista de espera."), status=409)
    return render(request, "waitlist/left.html", context)
