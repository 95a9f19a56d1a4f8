"""Availability over JSON: an office's free slots for a procedure, in the office's local calendar;
and one office with its opening hours and booking policy (under the catalog's tag, as clients know it)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from miconsulado.catalog import selectors as catalog
from miconsulado.catalog.api import office_out
from miconsulado.catalog.errors import OfficeNotFound, UnknownProcedure
from miconsulado.catalog.localtime import office_date, office_today, office_zone
from miconsulado.catalog.models import Office, Procedure
from miconsulado.core.api_schemas import ErrorOut
from miconsulado.scheduling.errors import InvalidDateRange, ProcedureNotOffered
from miconsulado.scheduling.models import OpeningHours, Weekday
from miconsulado.scheduling.rules import check_date
from miconsulado.scheduling.schemas import AvailabilityOut, OfficeDetailOut
from miconsulado.scheduling.selectors import availability_version, booking_window, open_slots, schedule_for

router = Router(tags=["disponibilidad"])


# Catalog's tag and operation id: the operation was the catalog's before it read opening hours,
# and clients generated from the schema know it by them.
@router.get(
    "/offices/{code}",
    response={200: OfficeDetailOut, 404: ErrorOut},
    summary="Una oficina consular",
    tags=["catálogo"],
    operation_id="miconsulado_catalog_api_get_office",
)
def get_office(request: HttpRequest, code: str) -> dict[str, Any]:
    """With its zone, the procedures it offers, its weekly opening hours (local time) and its booking
    policy."""
    office = catalog.get_office(code)
    if office is None:
        raise OfficeNotFound()
    policy = schedule_for(office)
    hours = OpeningHours.objects.filter(office=office).order_by("weekday", "opens")
    return {
        **office_out(office),
        "procedures": [{"code": p.code, "name": p.name} for p in catalog.procedures_for_office(office)],
        "opening_hours": [
            {
                "weekday": h.weekday,
                "day": str(Weekday(h.weekday).label),
                "opens": f"{h.opens:%H:%M}",
                "closes": f"{h.closes:%H:%M}",
            }
            for h in hours
        ],
        "booking": {
            "slot_minutes": policy.slot_minutes,
            "horizon_days": policy.horizon_days,
            "min_lead_minutes": policy.min_lead_minutes,
            "cancellation_cutoff_hours": policy.cancellation_cutoff_hours,
        },
    }


@router.get(
    "/offices/{code}/availability",
    response={200: AvailabilityOut, 404: ErrorOut, 422: ErrorOut},
    by_alias=True,
    summary="Horarios disponibles",
)
def availability(
    request: HttpRequest,
    code: str,
    procedure: str = Query(..., max_length=40, description="Código del trámite."),
    date_from: Annotated[
        dt.date | None, Query(alias="from", description="AAAA-MM-DD local; por omisión hoy.")
    ] = None,
    date_to: Annotated[
        dt.date | None,
        Query(alias="to", description="AAAA-MM-DD local, inclusive; por omisión el fin del horizonte."),
    ] = None,
) -> HttpResponse:
    """Slots with free places, by start; `start`/`end` carry the office's UTC offset of that date."""
    check_date(date_from, field="from")
    check_date(date_to, field="to")
    office = catalog.get_office(code)
    if office is None:
        raise OfficeNotFound()
    wanted = catalog.get_procedure(procedure)
    if wanted is None:
        raise UnknownProcedure(field="procedure")
    if not catalog.offers(office, wanted):
        raise ProcedureNotOffered(_("Esta oficina no ofrece ese trámite."), field="procedure")
    now = timezone.now()
    first = date_from or office_today(office, now)
    # The horizon ends at local midnight after its last day.
    last = date_to or office_date(booking_window(office=office, now=now).latest, office) - dt.timedelta(
        days=1
    )
    if last < first:
        raise InvalidDateRange(field="to")
    ttl = settings.MICONSULADO["AVAILABILITY_CACHE_SECONDS"]
    if not ttl:
        return HttpResponse(
            _availability_json(office, wanted, first, last, now), content_type="application/json"
        )
    # A rush asks the same question hundreds of times a second: answer it from the cache until a
    # change to the office's slots bumps its version, or for `ttl` seconds at most.
    key = f"availability:{office.pk}:{availability_version(office.pk)}:{wanted.pk}:{first}:{last}"
    body = cache.get(key)
    if body is None:
        body = _availability_json(office, wanted, first, last, now)
        cache.set(key, body, timeout=ttl)
    return HttpResponse(body, content_type="application/json")


def _availability_json(
    office: Office, procedure: Procedure, first: dt.date, last: dt.date, now: dt.datetime
) -> str:
    # Built here rather than validated through AvailabilityOut: for 90 days (over a thousand slots)
    # schema validation costs more than the query. The schema above still documents the shape.
    zone = office_zone(office)
    slots = open_slots(office=office, procedure=procedure, date_from=first, date_to=last, now=now)
    return json.dumps(
        {
            "office": office.code,
            "procedure": procedure.code,
            "tz": office.tz,
            "from": first.isoformat(),
            "to": last.isoformat(),
            "slots": [
                {
                    "id": s.id,
                    "start": s.start.astimezone(zone).isoformat(),
                    "end": s.end.astimezone(zone).isoformat(),
                    "remaining": s.remaining,
                }
                for s in slots
            ],
        },
        separators=(",", ":"),
    )
