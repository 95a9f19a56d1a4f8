"""Step 3: a month calendar marking days with free places, the chosen day's times in the office's
local time, and a plain answer when there are none."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from miconsulado.catalog.localtime import office_date, office_zone
from miconsulado.scheduling.models import OfficeSchedule
from miconsulado.testing import make_office, make_procedure, make_slot, make_window

MONTHS = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]


@pytest.fixture
def setup(db):
    office = make_office("losangeles", tz="America/Los_Angeles", region="CA", city="Los Angeles")
    procedure = make_procedure("matricula", name_es="Matrícula consular", name_en="Consular ID card")
    window = make_window(office, [procedure])
    return office, procedure, window


def _local_day(office, days):
    return office_date(timezone.now(), office) + dt.timedelta(days=days)


def _url(office, procedure, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/oficinas/{office.code}/{procedure.code}/fecha/" + (f"?{query}" if query else "")


def test_days_with_free_places_are_links_others_are_not(setup, spanish):
    office, procedure, window = setup
    free = make_slot(window, days_ahead=3, capacity=2)
    full = make_slot(window, days_ahead=4, capacity=1)
    full.booked = 1
    full.save()
    day3, day4 = _local_day(office, 3), _local_day(office, 4)
    html = spanish.get(_url(office, procedure, month=f"{day3:%Y-%m}")).content.decode()
    assert f"day={day3:%Y-%m-%d}" in html
    assert "2 lugares libres" in html
    if day4.month == day3.month:
        assert f"day={day4:%Y-%m-%d}" not in html
    assert free.start  # the free slot's day is the one marked


def test_times_are_in_the_offices_local_time(setup, spanish):
    office, procedure, window = setup
    day = _local_day(office, 5)
    start = dt.datetime.combine(day, dt.time(9, 40), tzinfo=office_zone(office))
    make_slot(window, start=start.astimezone(dt.UTC), capacity=3)
    html = spanish.get(_url(office, procedure, day=f"{day:%Y-%m-%d}")).content.decode()
    assert ">09:40</span>" in html
    assert "3 lugares" in html
    assert "Horas locales de Los Angeles (hora del Pacífico)" in html
    assert f'value="{start.isoformat()}"' in html


def test_first_free_day_is_chosen_when_none_asked(setup, spanish):
    office, procedure, window = setup
    make_slot(window, days_ahead=6, local_time=dt.time(11, 0))
    html = spanish.get(_url(office, procedure)).content.decode()
    assert 'aria-current="true"' in html
    assert ">11:00</span>" in html
    assert "El primer lugar libre es el" in html


def test_asking_for_a_full_day_says_so(setup, spanish):
    office, procedure, window = setup
    make_slot(window, days_ahead=6)
    day = _local_day(office, 7)
    html = spanish.get(_url(office, procedure, day=f"{day:%Y-%m-%d}")).content.decode()
    assert "no tiene lugares libres. Elija uno de los días marcados." in html


@pytest.mark.parametrize(
    "params",
    [
        {"month": "2026-13"},
        {"month": "junk"},
        {"month": "1900-01"},
        {"month": "9999-12"},
        {"day": "2026-02-30"},
        {"day": "%00"},
        {"month": "2026-05", "day": "1999-01-01"},
    ],
)
def test_tampered_month_or_day_shows_a_bookable_month(setup, spanish, params):
    office, procedure, window = setup
    make_slot(window, days_ahead=2)
    page = spanish.get(_url(office, procedure, **params))
    assert page.status_code == 200
    caption = re.search(r"<caption>([^<]+)</caption>", page.content.decode())[1]
    month_name, year = caption.split()
    shown = dt.date(int(year), MONTHS.index(month_name) + 1, 1)
    first = _local_day(office, 0).replace(day=1)
    last = _local_day(office, OfficeSchedule.objects.get(office=office).horizon_days).replace(day=1)
    assert first <= shown <= last


def test_month_navigation_stays_inside_the_horizon(setup, spanish):
    office, procedure, window = setup
    OfficeSchedule.objects.filter(office=office).update(horizon_days=20)
    make_slot(window, days_ahead=2)
    today = _local_day(office, 0)
    html = spanish.get(_url(office, procedure)).content.decode()
    previous = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert f"?month={previous:%Y-%m}" not in html  # nothing to book before this month
    last = _local_day(office, 20)
    after = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    assert f"?month={after:%Y-%m}" not in html


def test_no_places_says_so_shows_same_state_offices_and_the_waitlist(setup, spanish):
    office, procedure, _window = setup
    sandiego = make_office("sandiego", region="CA", city="San Diego")
    other_slot = make_slot(make_window(sandiego, [procedure]), days_ahead=8)
    make_slot(make_window(make_office("phoenix", region="AZ", city="Phoenix"), [procedure]), days_ahead=1)
    html = spanish.get(_url(office, procedure)).content.decode()
    assert "No hay lugares libres" in html
    assert "No quedan lugares para este trámite en Los Angeles" in html
    assert 'href="/oficinas/sandiego/matricula/fecha/"' in html
    assert 'href="/oficinas/phoenix/' not in html  # another state
    day = office_date(other_slot.start, sandiego)
    assert f"{day.day} de" in html[html.index("/oficinas/sandiego/matricula/fecha/") :]
    assert 'href="/oficinas/losangeles/matricula/lista-de-espera/"' in html
    assert "Anotarme en la lista de espera" in html
    assert spanish.get("/oficinas/losangeles/matricula/lista-de-espera/").status_code == 200


def test_calendar_in_english_starts_weeks_on_sunday(setup, english):
    office, procedure, window = setup
    make_slot(window, days_ahead=3)
    html = english.get(_url(office, procedure)).content.decode()
    assert re.search(r'<thead><tr><th scope="col"><abbr title="Sunday">', html)
    assert "Local times in Los Angeles (Pacific Time)." in html
    assert "Choose a day and time" in html


def test_choosing_a_time_leads_to_step_four(setup, spanish):
    office, procedure, window = setup
    slot = make_slot(window, days_ahead=3, local_time=dt.time(10, 20))
    local = slot.start.astimezone(office_zone(office))
    page = spanish.get(
        f"/oficinas/{office.code}/{procedure.code}/solicitantes/", {"start": local.isoformat()}
    )
    assert page.status_code == 200
    assert "10:20" in page.content.decode()
    # A forged start is not an error page.
    assert (
        spanish.get(f"/oficinas/{office.code}/{procedure.code}/solicitantes/", {"start": "x"}).status_code
        == 200
    )
