"""POST /api/v1/appointments/{code}/cancel: up to the cut-off for citizens and agents, any time for staff."""

import datetime as dt

import pytest
from django.utils import timezone

from miconsulado.accounts.models import Role
from miconsulado.booking.models import Appointment, AppointmentAction, AppointmentEvent, AppointmentStatus
from miconsulado.booking.tests.api_support import bearer, book, post
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant, make_office, make_slot

pytestmark = pytest.mark.django_db


def url(code):
    return f"/api/v1/appointments/{code}/cancel"


@pytest.fixture
def person():
    return applicant()


@pytest.fixture
def appointment(slot, procedure, person):
    return book(slot, procedure, person)


@pytest.fixture
def tomorrow_morning(window, procedure, person):
    """An appointment a few hours away: inside the 24-hour cut-off."""
    soon = make_slot(window, start=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=5))
    return book(soon, procedure, person)


def cancel_event(appointment):
    return AppointmentEvent.objects.get(appointment=appointment, action=AppointmentAction.CANCELLED)


def test_citizen_cancels_with_code_and_curp(client, appointment, person, slot):
    response = post(client, url(appointment.code), {"curp": person.curp, "reason": "  Ya no viajo  "})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["code"] == appointment.code
    appointment.refresh_from_db()
    slot.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert slot.booked == 0
    event = cancel_event(appointment)
    assert event.channel == Channel.API
    assert event.data["reason"] == "Ya no viajo"
    assert event.data["forced"] is False


def test_wrong_curp_is_404_and_cancels_nothing(client, appointment):
    response = post(client, url(appointment.code), {"curp": applicant().curp}, lang="en")
    assert response.status_code == 404
    assert response.json()["message"] == "We found no appointment with that code and that CURP."
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


def test_anonymous_cancel_needs_the_curp(client, appointment):
    response = post(client, url(appointment.code), {})
    assert response.status_code == 422
    assert response.json()["errors"] == {"curp": ["Este campo es obligatorio."]}


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "Las citas sólo pueden cancelarse o reprogramarse hasta 24 horas antes."),
        ("en", "Appointments can only be cancelled or rescheduled up to 24 hours before."),
    ],
)
def test_inside_the_cut_off_is_409(client, tomorrow_morning, person, lang, message):
    response = post(client, url(tomorrow_morning.code), {"curp": person.curp}, lang=lang)
    assert response.status_code == 409
    assert response.json() == {"code": "cancellation_window_closed", "message": message, "errors": {}}
    tomorrow_morning.refresh_from_db()
    assert tomorrow_morning.status == AppointmentStatus.CONFIRMED


def test_agents_respect_the_cut_off(client, tomorrow_morning):
    response = post(client, url(tomorrow_morning.code), {}, **bearer(Role.AGENT))
    assert response.status_code == 409


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN, Role.CONSULAR_STAFF])
def test_staff_cancel_inside_the_cut_off_without_curp(client, tomorrow_morning, office, role):
    headers = bearer(role, offices=(office,))
    response = post(client, url(tomorrow_morning.code), {"reason": "Cierre"}, **headers)
    assert response.status_code == 200, response.json()
    event = cancel_event(Appointment.objects.get(pk=tomorrow_morning.pk))
    assert event.channel == Channel.STAFF
    assert event.data["forced"] is True
    assert event.actor is not None


def test_an_agent_cancels_by_phone(client, appointment):
    response = post(client, url(appointment.code), {}, **bearer(Role.AGENT))
    assert response.status_code == 200
    assert cancel_event(appointment).channel == Channel.PHONE


def test_consular_staff_of_another_office_get_404(client, appointment):
    chicago = make_office("chicago", tz="America/Chicago")
    response = post(client, url(appointment.code), {}, **bearer(Role.CONSULAR_STAFF, offices=(chicago,)))
    assert response.status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


@pytest.mark.parametrize(
    ("lang", "message"),
    [("es", "La cita ya no está activa."), ("en", "The appointment is no longer active.")],
)
def test_cancelling_twice_is_409(client, appointment, person, lang, message):
    assert post(client, url(appointment.code), {"curp": person.curp}).status_code == 200
    response = post(client, url(appointment.code), {"curp": person.curp}, lang=lang)
    assert response.status_code == 409
    assert response.json() == {"code": "not_active", "message": message, "errors": {}}


def test_an_overlong_reason_is_422(client, appointment, person):
    response = post(client, url(appointment.code), {"curp": person.curp, "reason": "x" * 501}, lang="en")
    assert response.status_code == 422
    assert response.json()["errors"] == {"reason": ["At most 500 characters."]}
