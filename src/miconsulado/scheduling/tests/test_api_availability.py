"""GET /api/v1/offices/{code}/availability: local dates in, starts with the office's UTC offset out."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from miconsulado import testing as factories
from miconsulado.scheduling.models import OfficeSchedule

pytestmark = pytest.mark.django_db


def next_date(month: int, day: int) -> dt.date:
    """The next `month`/`day` at least two days away (beyond the lead time)."""
    soon = timezone.now().date() + dt.timedelta(days=2)
    candidate = dt.date(soon.year, month, day)
    return candidate if candidate >= soon else dt.date(soon.year + 1, month, day)


SUMMER, WINTER = next_date(7, 15), next_date(1, 15)


def office_with_slots(code, tz, procedure, days=(SUMMER, WINTER), capacity=2):
    office = factories.make_office(code, tz=tz)
    OfficeSchedule.objects.filter(office=office).update(horizon_days=400)
    window = factories.make_window(office, [procedure])
    zone = ZoneInfo(tz)
    for day in days:
        start = dt.datetime.combine(day, dt.time(8), tzinfo=zone)
        factories.make_slot(window, start=start, capacity=capacity)
    return office


def availability(client, code="losangeles", lang="es", **params):
    params.setdefault("procedure", "passport-renewal")
    return client.get(f"/api/v1/offices/{code}/availability", params, HTTP_ACCEPT_LANGUAGE=lang)


def starts(response, day=None):
    assert response.status_code == 200, response.json()
    return [
        s["start"] for s in response.json()["slots"] if day is None or s["start"].startswith(day.isoformat())
    ]


def test_los_angeles_shows_its_daylight_saving_offset(client, procedure):
    office_with_slots("losangeles", "America/Los_Angeles", procedure)
    response = availability(client)
    assert response.json()["tz"] == "America/Los_Angeles"
    assert starts(response, SUMMER) == [f"{SUMMER}T08:00:00-07:00"]
    assert starts(response, WINTER) == [f"{WINTER}T08:00:00-08:00"]


def test_phoenix_keeps_one_offset_all_year(client, procedure):
    office_with_slots("phoenix", "America/Phoenix", procedure)
    response = availability(client, "phoenix")
    assert response.json()["tz"] == "America/Phoenix"
    assert starts(response, SUMMER) == [f"{SUMMER}T08:00:00-07:00"]
    assert starts(response, WINTER) == [f"{WINTER}T08:00:00-07:00"]


def test_slots_carry_id_end_and_remaining_places(client, procedure):
    office = office_with_slots("losangeles", "America/Los_Angeles", procedure, days=(SUMMER,), capacity=3)
    slot = office.slots.get()
    slot.booked = 1
    slot.save()
    response = availability(client, **{"from": SUMMER.isoformat(), "to": SUMMER.isoformat()})
    assert response.json()["slots"] == [
        {
            "id": slot.pk,
            "start": f"{SUMMER}T08:00:00-07:00",
            "end": f"{SUMMER}T08:20:00-07:00",
            "remaining": 2,
        }
    ]


def test_full_slots_are_not_listed(client, procedure):
    office = office_with_slots("losangeles", "America/Los_Angeles", procedure, days=(SUMMER,))
    office.slots.update(booked=2)
    assert starts(availability(client)) == []


def test_the_range_is_in_local_dates(client, procedure):
    office_with_slots("losangeles", "America/Los_Angeles", procedure)
    only_summer = availability(client, **{"from": SUMMER.isoformat(), "to": SUMMER.isoformat()})
    assert starts(only_summer) == [f"{SUMMER}T08:00:00-07:00"]
    assert only_summer.json()["from"] == only_summer.json()["to"] == SUMMER.isoformat()
    the_day_before = SUMMER - dt.timedelta(days=1)
    assert starts(availability(client, **{"from": the_day_before, "to": the_day_before})) == []


def test_default_range_is_today_to_the_end_of_the_horizon(client, procedure):
    office_with_slots("losangeles", "America/Los_Angeles", procedure)
    data = availability(client).json()
    today = timezone.now().astimezone(ZoneInfo("America/Los_Angeles")).date()
    assert data["from"] == today.isoformat()
    assert data["to"] == (today + dt.timedelta(days=400)).isoformat()
    assert len(data["slots"]) == 2


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "No existe una oficina consular con ese código."),
        ("en", "There is no consular office with that code."),
    ],
)
def test_unknown_office_is_404(client, procedure, lang, message):
    response = availability(client, "atlantis", lang=lang)
    assert response.status_code == 404
    assert response.json() == {"code": "office_not_found", "message": message, "errors": {}}


@pytest.mark.parametrize(
    ("lang", "message"),
    [("es", "No existe un trámite con ese código."), ("en", "There is no procedure with that code.")],
)
def test_unknown_procedure_is_422_on_procedure(client, procedure, lang, message):
    office_with_slots("losangeles", "America/Los_Angeles", procedure)
    response = availability(client, lang=lang, procedure="teleport")
    assert response.status_code == 422
    assert response.json() == {
        "code": "unknown_procedure",
        "message": message,
        "errors": {"procedure": [message]},
    }


def test_procedure_not_offered_is_422_on_procedure(client, procedure, other_procedure):
    office_with_slots("losangeles", "America/Los_Angeles", procedure)
    response = availability(client, lang="en", procedure=other_procedure.code)
    assert response.status_code == 422
    assert response.json()["code"] == "procedure_not_offered"
    assert response.json()["errors"] == {"procedure": ["This office does not offer that procedure."]}


def test_missing_procedure_is_422(client, procedure):
    office_with_slots("losangeles", "America/Los_Angeles", procedure)
    response = client.get("/api/v1/offices/losangeles/availability", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["errors"] == {"procedure": ["This field is required."]}


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "Fecha no válida: use el formato AAAA-MM-DD."),
        ("en", "Invalid date: use the format YYYY-MM-DD."),
    ],
)
@pytest.mark.parametrize(("field", "value"), [("from", "2026-02-30"), ("to", "15/07/2026"), ("from", "hoy")])
def test_malformed_date_is_422_on_that_field(client, procedure, lang, message, field, value):
    office_with_slots("losangeles", "America/Los_Angeles", procedure)
    response = availability(client, lang=lang, **{field: value})
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [message]}


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "La fecha final no puede ser anterior a la inicial."),
        ("en", "The end date cannot be before the start date."),
    ],
)
def test_to_before_from_is_422(client, procedure, lang, message):
    office_with_slots("losangeles", "America/Los_Angeles", procedure)
    response = availability(client, lang=lang, **{"from": "2026-07-15", "to": "2026-07-14"})
    assert response.status_code == 422
    assert response.json() == {"code": "invalid_date_range", "message": message, "errors": {"to": [message]}}
