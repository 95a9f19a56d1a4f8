"""Step 1: all offices, by state or province, each with its zone, address and next free place."""

import datetime as dt
import re

from django.db.models import F
from django.utils import timezone

from miconsulado.catalog.localtime import office_date
from miconsulado.catalog.models import Office
from miconsulado.scheduling.models import Slot
from miconsulado.scheduling.selectors import booking_window

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


def test_all_59_offices_grouped_by_state_or_province(catalog, spanish):
    assert catalog == 59
    page = spanish.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert len(re.findall(r'<a class="name" href="/oficinas/[a-z-]+/">', html)) == 59
    assert "59 oficinas." in html
    # Countries, then states by their Spanish names; Canada after the United States.
    assert html.index(">Estados Unidos</h2>") < html.index(">Canadá</h2>")
    assert ">Nuevo México</h3>" in html and ">Columbia Británica</h3>" in html
    texas = html[html.index(">Texas</h3>") : html.index("</ul>", html.index(">Texas</h3>"))]
    assert texas.count('class="name"') == Office.objects.filter(region="TX").count() == 11
    # Cities in order inside a state, accents ignored.
    cities = re.findall(r'class="name" href="[^"]+">([^<]+)<', texas)
    assert cities == sorted(cities)


def test_each_office_shows_its_local_zone(catalog, spanish, english):
    html = spanish.get("/").content.decode()
    phoenix = html[html.index('href="/oficinas/phoenix/"') :][:600]
    assert "hora de la Montaña, sin horario de verano" in phoenix
    assert "Horario local: hora del Este" in html[html.index('href="/oficinas/montreal/"') :][:600]
    english_html = english.get("/").content.decode()
    assert "Local time: Pacific Time" in english_html[english_html.index('href="/oficinas/seattle/"') :][:600]


def test_address_shown_where_known(catalog, spanish):
    Office.objects.filter(code="boston").update(address="15 Court Square, Suite 1100, Boston, MA 02108")
    html = spanish.get("/").content.decode()
    assert "15 Court Square, Suite 1100" in html


def test_next_free_place_is_the_offices_first_free_date(demo, spanish):
    phoenix = Office.objects.get(code="phoenix")
    # Every place of Phoenix's next five days taken: the list shows the first day after them.
    cut = office_date(timezone.now(), phoenix) + dt.timedelta(days=5)
    early = [s.pk for s in Slot.objects.filter(office=phoenix) if office_date(s.start, phoenix) < cut]
    Slot.objects.filter(pk__in=early).update(booked=F("capacity"))
    earliest = booking_window(office=phoenix).earliest
    first = Slot.objects.filter(office=phoenix, booked__lt=F("capacity"), start__gte=earliest).order_by(
        "start"
    )[0]
    expected = office_date(first.start, phoenix)
    assert expected >= cut
    html = spanish.get("/").content.decode()
    entry = html[html.index('href="/oficinas/phoenix/"') :][:800]
    assert f"Próximo lugar libre: {expected.day} de {MONTHS[expected.month - 1]} de {expected.year}" in entry


def test_an_office_without_places_says_so(catalog, spanish):
    html = spanish.get("/").content.decode()  # no slots at all
    assert html.count("Sin lugares libres por ahora.") == 59


def test_inactive_office_is_not_listed(catalog, spanish):
    Office.objects.filter(code="yuma").update(active=False)
    html = spanish.get("/").content.decode()
    assert 'href="/oficinas/yuma/"' not in html
    assert "58 oficinas." in html
