"""Offices and procedures over JSON: read-only, public, in the request's language. One office with
its opening hours is scheduling's (scheduling/api.py), under the same tag."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone, translation
from ninja import Query, Router

from miconsulado.catalog import selectors
from miconsulado.catalog.models import Office, Procedure
from miconsulado.catalog.schemas import OfficeOut, ProcedureOut

router = Router(tags=["catálogo"])


def office_out(office: Office) -> dict[str, Any]:
    return {
        "code": office.code,
        "name": office.name,
        "city": office.city,
        "region": office.region,
        "country": office.country,
        "tz": office.tz,
        "address": office.address,
        "phone": office.phone,
    }


def _in_language(spanish: str, english: str) -> str:
    return english if translation.get_language() == "en" and english else spanish


def procedure_out(procedure: Procedure) -> dict[str, Any]:
    fees = selectors.current_fees(procedure, timezone.localdate())
    return {
        "code": procedure.code,
        "name": procedure.name,
        "description": _in_language(procedure.description_es, procedure.description_en),
        "duration_minutes": procedure.duration_minutes,
        # Stored one document per line.
        "documents": [line.strip() for line in procedure.documents.splitlines() if line.strip()],
        "rules": {
            "max_persons": procedure.max_persons,
            "requires_both_parents": procedure.requires_both_parents,
            "min_age": procedure.min_age,
            "max_age": procedure.max_age,
            "witnesses_required": procedure.witnesses_required,
        },
        "fees": [
            {"variant": f.variant, "name": f.name, "amount_cents": f.amount_cents, "currency": f.currency}
            for f in fees
        ],
    }


@router.get("/offices", response=list[OfficeOut], summary="Oficinas consulares")
def list_offices(
    request: HttpRequest,
    country: Literal["US", "CA"] | None = Query(None, description="US o CA; por omisión, todas."),
) -> list[dict[str, Any]]:
    offices = selectors.active_offices()
    if country:
        offices = offices.filter(country=country)
    return [office_out(o) for o in offices]


@router.get("/procedures", response=list[ProcedureOut], summary="Trámites")
def list_procedures(request: HttpRequest) -> list[dict[str, Any]]:
    """Names, required documents, rules and the fees in force today (integer cents and currency)."""
    return [procedure_out(p) for p in selectors.active_procedures()]
