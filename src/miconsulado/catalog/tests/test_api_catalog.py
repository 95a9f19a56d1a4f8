"""GET /api/v1/offices, /offices/{code}, /procedures: public, in the request's language."""

import datetime as dt

import pytest
from django.utils import timezone

from miconsulado.catalog.models import Fee, OfficeProcedure
from miconsulado.scheduling.models import OpeningHours
from miconsulado.testing import make_office, make_procedure, make_window

pytestmark = pytest.mark.django_db


def get(client, url, lang="es", **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE=lang)


@pytest.fixture
def offices(db):
    la = make_office(
        "losangeles", name_es="Consulado General en Los Ángeles", name_en="Consulate General in Los Angeles"
    )
    toronto = make_office("toronto", tz="America/Toronto", country="CA")
    closed = make_office("closed", active=False)
    return la, toronto, closed


@pytest.fixture
def passport(db):
    procedure = make_procedure(
        "passport-minor",
        name_es="Pasaporte para menores",
        name_en="Minor's passport",
        description_es="Para menores de edad.",
        description_en="For minors.",
        documents_es="Acta de nacimiento\nIdentificación de ambos padres\n",
        documents_en="Birth certificate\nBoth parents' ID\n",
        requires_both_parents=True,
        max_age=17,
        max_persons=3,
    )
    year = timezone.localdate().year
    Fee.objects.create(
        procedure=procedure, variant="3y", name_es="3 años", name_en="3 years", amount_cents=9000,
        valid_from=dt.date(year - 1, 1, 1), valid_until=dt.date(year - 1, 12, 31),
    )  # fmt: skip
    Fee.objects.create(
        procedure=procedure, variant="3y", name_es="3 años", name_en="3 years", amount_cents=10100,
        valid_from=dt.date(year, 1, 1),
    )  # fmt: skip
    Fee.objects.create(
        procedure=procedure, variant="1y", name_es="1 año", name_en="1 year", amount_cents=4400,
        valid_from=dt.date(year, 1, 1),
    )  # fmt: skip
    return procedure


def test_lists_active_offices(client, offices):
    response = get(client, "/api/v1/offices")
    assert response.status_code == 200
    data = response.json()
    assert [o["code"] for o in data] == ["losangeles", "toronto"]
    assert data[0] == {
        "code": "losangeles",
        "name": "Consulado General en Los Ángeles",
        "city": "Losangeles",
        "region": "CA",
        "country": "US",
        "tz": "America/Los_Angeles",
        "address": "",
        "phone": "",
    }


def test_office_names_follow_the_language(client, offices):
    assert get(client, "/api/v1/offices", lang="en").json()[0]["name"] == "Consulate General in Los Angeles"


def test_filters_by_country(client, offices):
    assert [o["code"] for o in get(client, "/api/v1/offices", country="CA").json()] == ["toronto"]
    assert [o["code"] for o in get(client, "/api/v1/offices", country="US").json()] == ["losangeles"]


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "Valor no permitido; use uno de: US, CA."),
        ("en", "Value not allowed; use one of: US, CA."),
    ],
)
def test_unknown_country_is_422(client, offices, lang, message):
    response = get(client, "/api/v1/offices", lang=lang, country="MX")
    assert response.status_code == 422
    assert response.json()["errors"] == {"country": [message]}


def test_office_detail(client, offices, passport):
    la = offices[0]
    make_window(la, [passport])
    other = make_procedure("visa")
    make_window(la, [other])
    OfficeProcedure.objects.filter(office=la, procedure=other).update(active=False)
    OpeningHours.objects.create(office=la, weekday=0, opens=dt.time(13), closes=dt.time(16))
    OpeningHours.objects.create(office=la, weekday=0, opens=dt.time(8), closes=dt.time(12))
    OpeningHours.objects.create(office=la, weekday=5, opens=dt.time(9), closes=dt.time(13))
    response = get(client, "/api/v1/offices/losangeles", lang="en")
    assert response.status_code == 200
    data = response.json()
    assert data["tz"] == "America/Los_Angeles"
    assert data["procedures"] == [{"code": "passport-minor", "name": "Minor's passport"}]
    assert data["opening_hours"] == [
        {"weekday": 0, "day": "Monday", "opens": "08:00", "closes": "12:00"},
        {"weekday": 0, "day": "Monday", "opens": "13:00", "closes": "16:00"},
        {"weekday": 5, "day": "Saturday", "opens": "09:00", "closes": "13:00"},
    ]
    assert data["booking"] == {
        "slot_minutes": 20,
        "horizon_days": 90,
        "min_lead_minutes": 120,
        "cancellation_cutoff_hours": 24,
    }
    spanish = get(client, "/api/v1/offices/losangeles").json()
    assert spanish["opening_hours"][0]["day"] == "lunes"
    assert spanish["procedures"][0]["name"] == "Pasaporte para menores"


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "No existe una oficina consular con ese código."),
        ("en", "There is no consular office with that code."),
    ],
)
@pytest.mark.parametrize("code", ["atlantis", "closed"])
def test_unknown_or_inactive_office_is_404(client, offices, code, lang, message):
    response = get(client, f"/api/v1/offices/{code}", lang=lang)
    assert response.status_code == 404
    assert response.json() == {"code": "office_not_found", "message": message, "errors": {}}


def test_procedures_with_rules_and_current_fees(client, passport):
    make_procedure("retired", active=False)
    response = get(client, "/api/v1/procedures", lang="en")
    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "passport-minor",
            "name": "Minor's passport",
            "description": "For minors.",
            "duration_minutes": 20,
            "documents": ["Birth certificate", "Both parents' ID"],
            "rules": {
                "max_persons": 3,
                "requires_both_parents": True,
                "min_age": None,
                "max_age": 17,
                "witnesses_required": 0,
            },
            # Last year's price is gone; integer cents with their currency.
            "fees": [
                {"variant": "1y", "name": "1 year", "amount_cents": 4400, "currency": "USD"},
                {"variant": "3y", "name": "3 years", "amount_cents": 10100, "currency": "USD"},
            ],
        }
    ]


def test_procedures_in_spanish(client, passport):
    data = get(client, "/api/v1/procedures").json()[0]
    assert data["name"] == "Pasaporte para menores"
    assert data["description"] == "Para menores de edad."
    assert data["documents"] == ["Acta de nacimiento", "Identificación de ambos padres"]
    assert data["fees"][0]["name"] == "1 año"
