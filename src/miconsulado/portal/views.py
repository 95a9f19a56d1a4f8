"""The portal's pages: step 1 (office), step 2 (procedure), step 3 (day and time).

Pages only read here; the hold and booking (steps 4-6) go through booking's services. Every page is
whole HTML that works without JavaScript; htmx, where loaded, swaps the part that changed (the
office list as one types, the calendar's month) out of the same whole page.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from miconsulado.catalog import selectors as catalog
from miconsulado.catalog.localtime import office_date, office_today, office_zone
from miconsulado.catalog.models import Office, Procedure
from miconsulado.portal import month as months
from miconsulado.portal.regions import ZONES, region
from miconsulado.portal.search import MAX_QUERY_LENGTH
from miconsulado.portal.selectors import (
    bookable_windows,
    fees_in_force,
    first_free_nearby,
    first_free_starts,
    offices_by_region,
    times_by_day,
)
from miconsulado.scheduling.selectors import booking_window, schedule_for


def offices(request: HttpRequest) -> HttpResponse:
    """Step 1: every office by state or province, or those the search finds."""
    query = request.GET.get("q", "")[:MAX_QUERY_LENGTH].strip()
    groups = offices_by_region(query)
    # Each entry's lines are made here, once per zone and date, rather than by template tags for
    # each of 59 offices: they were most of the page's time.
    link = reverse("portal:procedures", args=["-"])
    zone_lines: dict[str, str] = {}
    free_lines: dict[dt.date, str] = {}
    for country in groups:
        for group in country.regions:
            for entry in group.entries:
                office = entry.office
                entry.url = link.replace("/-/", f"/{office.code}/")
                if office.tz not in zone_lines:
                    zone_lines[office.tz] = gettext("Horario local: %(zone)s") % {"zone": entry.zone_name}
                entry.zone_line = zone_lines[office.tz]
                if entry.first_free is None:
                    entry.free_line = gettext("Sin lugares libres por ahora.")
                else:
                    day = office_date(entry.first_free, office)
                    if day not in free_lines:
                        free_lines[day] = gettext("Próximo lugar libre: %(day)s") % {
                            "day": date_format(day, "DATE_FORMAT")
                        }
                    entry.free_line = free_lines[day]
    found = sum(len(r.entries) for c in groups for r in c.regions)
    return render(request, "portal/offices.html", {"query": query, "groups": groups, "found": found})


def _office(code: str) -> Office:
    office = catalog.get_office(code)
    if office is None:
        raise Http404
    return office


def _procedure(office: Office, code: str) -> Procedure:
    procedure = catalog.get_procedure(code)
    if procedure is None or not catalog.offers(office, procedure):
        raise Http404
    return procedure


def _office_context(office: Office) -> dict[str, object]:
    names = region(office.country, office.region)
    zone = ZONES.get(office.tz)
    english = translation.get_language() == "en"
    return {
        "office": office,
        "region_name": names.name_en if english else names.name_es,
        "zone_name": (zone.name_en if english else zone.name_es) if zone else office.tz,
    }


def procedures(request: HttpRequest, office: str) -> HttpResponse:
    """Step 2: what the office offers, each with its duration and fees."""
    place = _office(office)
    today = office_today(place, timezone.now())
    procedures_here = list(catalog.procedures_for_office(place))
    fees = fees_in_force(procedures_here, today)
    offered = [(p, fees[p.pk]) for p in procedures_here]
    return render(request, "portal/procedures.html", {**_office_context(place), "offered": offered})


def procedure(request: HttpRequest, office: str, procedure: str) -> HttpResponse:
    """Step 2, one procedure: documents, fees, duration and its rules, before any time is chosen."""
    place = _office(office)
    wanted = _procedure(place, procedure)
    today = office_today(place, timezone.now())
    documents = [line.strip() for line in wanted.documents.splitlines() if line.strip()]
    return render(
        request,
        "portal/procedure.html",
        {
            **_office_context(place),
            "procedure": wanted,
            "documents": documents,
            "fees": catalog.current_fees(wanted, today),
            "description": (
                wanted.description_en
                if translation.get_language() == "en" and wanted.description_en
                else wanted.description_es
            ),
        },
    )


def calendar(request: HttpRequest, office: str, procedure: str) -> HttpResponse:
    """Step 3: the month's days with free places, then the chosen day's times in office time."""
    place = _office(office)
    wanted = _procedure(place, procedure)
    now = timezone.now()
    today = office_today(place, now)
    # The horizon ends at local midnight after its last day.
    last_day = office_date(booking_window(office=place, now=now).latest, place) - dt.timedelta(days=1)
    first_month, last_month = months.month_start(today), months.month_start(last_day)

    first_free = first_free_starts(bookable_windows([place], [wanted]), now=now).get(place.pk)
    first_free_day = office_date(first_free, place) if first_free else None

    asked_month = months.parse_month(request.GET.get("month"))
    asked_day = months.parse_day(request.GET.get("day"))
    notices: list[str] = []
    if asked_day is not None and asked_month is None:
        asked_month = months.month_start(asked_day)
    shown = asked_month or months.month_start(first_free_day or today)
    # A month outside the bookable span (an old link, an edited address) shows the nearest one.
    shown = min(max(shown, first_month), last_month)

    by_day = times_by_day(
        office=place,
        procedure=wanted,
        first=max(shown, today),
        last=min(months.month_end(shown), last_day),
        now=now,
    )
    places = {day: sum(r for *_, r in times) for day, times in by_day.items()}

    day = None
    if asked_day is not None and months.month_start(asked_day) == shown:
        if asked_day in by_day:
            day = asked_day
        else:
            notices.append("day_full")
    elif by_day:
        day = min(by_day)  # the month's first day with places, so its times show at once

    nearby = first_free_nearby(place, wanted, now=now) if first_free is None else []
    order = months.weekday_order()
    # Labels made here once, not by template tags in each of ~35 cells and ~50 times.
    grid = months.weeks(shown, places)
    for week in grid:
        for cell in week:
            if cell is not None:
                said = f"{date_format(cell.day, 'l')}, {date_format(cell.day, 'DATE_FORMAT')}"
                free = (
                    ngettext("%(n)s lugar libre", "%(n)s lugares libres", cell.places) % {"n": cell.places}
                    if cell.places
                    else gettext("sin lugares")
                )
                cell.label = f"{said}, {free}"
    times = [
        (iso, f"{clock:%H:%M}", ngettext("%(n)s lugar", "%(n)s lugares", left) % {"n": left})
        for iso, clock, left in (by_day.get(day, []) if day else [])
    ]
    context = {
        **_office_context(place),
        "procedure": wanted,
        "month": shown,
        "weeks": grid,
        "weekdays": [(WEEKDAYS[i], WEEKDAYS_ABBR[i]) for i in order],
        "previous_month": months.add_months(shown, -1) if shown > first_month else None,
        "next_month": months.add_months(shown, 1) if shown < last_month else None,
        "day": day,
        "times": times,
        "first_free": first_free_day,
        "month_empty": not by_day,
        "asked_day": asked_day,
        "notices": notices,
        "nearby": nearby,
        "horizon_days": schedule_for(place).horizon_days,
    }
    return render(request, "portal/calendar.html", context)


def applicants(request: HttpRequest, office: str, procedure: str) -> HttpResponse:
    """Step 4's door. For now it repeats the chosen time; the hold and the applicants' form come
    next (issue 14, steps 4-6)."""
    place = _office(office)
    wanted = _procedure(place, procedure)
    try:
        start = dt.datetime.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = None
    if start is not None and start.tzinfo is None:
        start = None
    return render(
        request,
        "portal/applicants.html",
        {
            **_office_context(place),
            "procedure": wanted,
            "start": start,
            "start_day": start.astimezone(office_zone(place)).date() if start else None,
            "start_time": start.astimezone(office_zone(place)).time() if start else None,
        },
    )


def waitlist(request: HttpRequest, office: str, procedure: str) -> HttpResponse:
    """The waitlist's front door (URL name `portal:waitlist`). A placeholder until the waitlist app
    lands: it says so, and the calendar already links here."""
    place = _office(office)
    wanted = _procedure(place, procedure)
    return render(request, "portal/waitlist.html", {**_office_context(place), "procedure": wanted})
