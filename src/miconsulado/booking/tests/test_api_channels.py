"""Who books through the API decides the channel and the actor; tokens must be valid when sent."""

import pytest

from miconsulado.accounts.models import ApiToken, Role
from miconsulado.accounts.services import issue_token, revoke_token
from miconsulado.accounts.tests.factories import make_user
from miconsulado.booking.models import Appointment, AppointmentEvent
from miconsulado.booking.tests.api_support import bearer, booking, post
from miconsulado.core.channels import Channel
from miconsulado.testing import make_office

pytestmark = pytest.mark.django_db
URL = "/api/v1/appointments"


def booked(response):
    assert response.status_code == 201, response.json()
    appointment = Appointment.objects.get(code=response.json()["code"])
    return appointment, AppointmentEvent.objects.get(appointment=appointment)


def test_anonymous_books_through_the_api_channel(client, slot):
    appointment, event = booked(post(client, URL, booking(slot)))
    assert appointment.channel == Channel.API
    assert appointment.created_by is None and event.actor is None


def test_an_agent_books_by_phone_as_the_actor(client, slot):
    agent = make_user(Role.AGENT)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user=agent)}"}
    appointment, event = booked(post(client, URL, booking(slot), **headers))
    assert appointment.channel == Channel.PHONE
    assert event.channel == Channel.PHONE
    assert appointment.created_by == agent and event.actor == agent


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_supervisors_and_admins_book_as_staff_anywhere(client, slot, role):
    appointment, event = booked(post(client, URL, booking(slot), **bearer(role)))
    assert appointment.channel == Channel.STAFF and event.channel == Channel.STAFF


def test_consular_staff_book_at_their_own_office(client, slot, office):
    appointment, _ = booked(
        post(client, URL, booking(slot), **bearer(Role.CONSULAR_STAFF, offices=(office,)))
    )
    assert appointment.channel == Channel.STAFF


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "Sólo puede atender las oficinas que tiene asignadas."),
        ("en", "You may only act on the offices assigned to you."),
    ],
)
def test_consular_staff_of_another_office_get_403(client, slot, lang, message):
    chicago = make_office("chicago", tz="America/Chicago")
    headers = bearer(Role.CONSULAR_STAFF, offices=(chicago,))
    response = post(client, URL, booking(slot), lang=lang, **headers)
    assert response.status_code == 403
    assert response.json() == {"code": "forbidden", "message": message, "errors": {}}
    assert not Appointment.objects.exists()


def test_a_token_without_a_role_gets_403(client, slot):
    response = post(client, URL, booking(slot), lang="en", **bearer(""))
    assert response.status_code == 403
    assert response.json()["message"] == "Your role does not allow this action."


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "Se requiere un token de acceso válido (Authorization: Bearer …)."),
        ("en", "A valid access token is required (Authorization: Bearer …)."),
    ],
)
@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer", "Basic dXNlcjpwYXNz"])
def test_a_bad_token_is_401_not_anonymous(client, slot, header, lang, message):
    response = post(client, URL, booking(slot), lang=lang, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "message": message, "errors": {}}
    assert response["WWW-Authenticate"] == "Bearer"
    assert not Appointment.objects.exists()


def test_a_revoked_token_is_401(client, slot):
    agent = make_user(Role.AGENT)
    raw = issue_token(user=agent)
    revoke_token(token=ApiToken.objects.get(user=agent))
    response = post(client, URL, booking(slot), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert not Appointment.objects.exists()
