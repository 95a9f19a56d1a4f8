"""MICONSULADO_ANONYMOUS_ONE_STEP_BOOKING: on (today's default), anyone books in one step; off, a
caller without a token is told to hold, verify and confirm (403), and nothing is booked; tokens
book in one step either way."""

import pytest
from django.conf import settings as django_settings

from miconsulado.booking.models import Appointment
from miconsulado.booking.tests.api_support import bearer, booking, post

pytestmark = pytest.mark.django_db
URL = "/api/v1/appointments"


@pytest.fixture
def one_step_off(settings):
    settings.MICONSULADO = {**settings.MICONSULADO, "ANONYMOUS_ONE_STEP_BOOKING": False}


def test_on_by_default():
    assert django_settings.MICONSULADO["ANONYMOUS_ONE_STEP_BOOKING"] is True


def test_on_anyone_books_in_one_step(client, slot):
    response = post(client, URL, booking(slot))
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_off_an_anonymous_caller_is_sent_to_the_three_steps(client, slot, one_step_off, lang):
    response = post(client, URL, booking(slot), lang=lang)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "anonymous_one_step_booking_off"
    for path in ("/api/v1/holds", "/verification", "/confirm"):
        assert path in body["message"]
    slot.refresh_from_db()
    assert slot.booked == 0 and not Appointment.objects.exists()


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_off_tokens_still_book_in_one_step(client, slot, one_step_off, role):
    response = post(client, URL, booking(slot), **bearer(role))
    assert response.status_code == 201, response.json()


def test_off_the_three_steps_still_work(client, slot, one_step_off):
    from miconsulado.booking.tests.api_support import offset_start

    body = {"office": slot.office.code, "procedure": "matricula", "start": offset_start(slot)}
    assert post(client, "/api/v1/holds", body).status_code == 201
