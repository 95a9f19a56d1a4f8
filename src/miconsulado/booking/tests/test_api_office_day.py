"""GET /api/v1/offices/{code}/appointments?date=: the day's list, for staff and agents only."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from miconsulado.accounts.models import Role
from miconsulado.booking import services
from miconsulado.booking.models import Appointment
from miconsulado.booking.tests.api_support import bearer, book, get
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant, make_office, make_slot

pytestmark = pytest.mark.django_db
URL = "/api/v1/offices/losangeles/appointments"


@pytest.fixture
def day(slot):
    return slot.start.astimezone(ZoneInfo("America/Los_Angeles")).date()


@pytest.fixture
def appointments(window, procedure, slot):
    """Two appointments on the slot's day (one cancelled), one on the next day."""
    kept = book(slot, procedure, applicant())
    cancelled = book(slot, procedure, applicant())
    services.cancel_appointment(appointment=cancelled, channel=Channel.API)
    next_day = make_slot(window, start=slot.start + dt.timedelta(days=1))
    other_day = book(next_day, procedure, applicant())
    return kept, cancelled, other_day


def test_staff_of_the_office_see_the_days_active_appointments(client, appointments, day, office):
    kept = appointments[0]
    response = get(client, URL, date=day.isoformat(), **bearer(Role.CONSULAR_STAFF, offices=(office,)))
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["office"]["code"] == "losangeles"
    assert data["date"] == day.isoformat()
    assert [a["code"] for a in data["appointments"]] == [kept.code]
    assert data["appointments"][0]["applicants"][0]["curp"] == kept.applicants.get().curp


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.ADMIN])
def test_agents_supervisors_and_admins_see_any_office(client, appointments, day, role):
    response = get(client, URL, date=day.isoformat(), **bearer(role))
    assert response.status_code == 200
    assert len(response.json()["appointments"]) == 1


def test_default_date_is_today_at_the_office(client, window, procedure, office):
    zone = ZoneInfo("America/Los_Angeles")
    today = timezone.now().astimezone(zone).date()
    # Noon today, past or not: made directly, the booking rules are not under test here.
    noon = make_slot(window, start=dt.datetime.combine(today, dt.time(12), tzinfo=zone))
    Appointment.objects.create(
        code="TODAY234", office=office, procedure=procedure, slot=noon, status="confirmed", channel="api"
    )
    response = get(client, URL, **bearer(Role.SUPERVISOR))
    assert response.status_code == 200
    assert response.json()["date"] == today.isoformat()
    assert [a["code"] for a in response.json()["appointments"]] == ["TODAY234"]


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "Se requiere un token de acceso válido (Authorization: Bearer …)."),
        ("en", "A valid access token is required (Authorization: Bearer …)."),
    ],
)
def test_without_a_token_is_401(client, appointments, lang, message):
    response = get(client, URL, lang=lang)
    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "message": message, "errors": {}}


def test_a_revoked_or_unknown_token_is_401(client, appointments):
    assert get(client, URL, HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_staff_of_another_office_get_403(client, appointments, day):
    chicago = make_office("chicago", tz="America/Chicago")
    response = get(
        client, URL, lang="en", date=day.isoformat(), **bearer(Role.CONSULAR_STAFF, offices=(chicago,))
    )
    assert response.status_code == 403
    assert response.json()["message"] == "You may only act on the offices assigned to you."


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "No existe una oficina consular con ese código."),
        ("en", "There is no consular office with that code."),
    ],
)
def test_unknown_office_is_404(client, lang, message):
    response = get(client, "/api/v1/offices/atlantis/appointments", lang=lang, **bearer(Role.SUPERVISOR))
    assert response.status_code == 404
    assert response.json() == {"code": "office_not_found", "message": message, "errors": {}}


def test_a_malformed_date_is_422(client, appointments):
    response = get(client, URL, lang="en", date="2026-02-30", **bearer(Role.SUPERVISOR))
    assert response.status_code == 422
    assert response.json()["errors"] == {"date": ["Invalid date: use the format YYYY-MM-DD."]}
