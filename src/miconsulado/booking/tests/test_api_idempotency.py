"""Idempotency-Key: a retried create returns the first appointment; the key with another body is refused."""

import pytest

from miconsulado.booking.models import Appointment
from miconsulado.booking.tests.api_support import booking, person, post

pytestmark = pytest.mark.django_db
URL = "/api/v1/appointments"


def test_a_retry_returns_the_same_appointment(client, slot):
    body = booking(slot)
    first = post(client, URL, body, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    again = post(client, URL, body, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Appointment.objects.count() == 1
    slot.refresh_from_db()
    assert slot.booked == 1


def test_a_retry_after_the_slot_filled_still_returns_the_appointment(client, slot):
    body = booking(slot)
    first = post(client, URL, body, HTTP_IDEMPOTENCY_KEY="retry-2")
    assert post(client, URL, booking(slot)).status_code == 201  # someone takes the last place
    again = post(client, URL, body, HTTP_IDEMPOTENCY_KEY="retry-2")
    assert again.status_code == 201
    assert again.json()["code"] == first.json()["code"]


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "Esa clave de idempotencia ya se usó con otra solicitud."),
        ("en", "That idempotency key was already used with a different request."),
    ],
)
def test_the_same_key_with_another_body_is_422(client, slot, lang, message):
    assert post(client, URL, booking(slot), HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    response = post(client, URL, booking(slot, applicants=[person()]), lang=lang, HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert response.json()["message"] == message
    assert Appointment.objects.count() == 1


def test_without_a_key_a_repeat_is_a_new_request(client, slot):
    body = booking(slot)
    assert post(client, URL, body).status_code == 201
    # Same CURP, same procedure: the database's rule answers.
    response = post(client, URL, body)
    assert response.status_code == 409
    assert response.json()["code"] == "curp_already_booked"


def test_an_overlong_key_is_422_on_the_header(client, slot):
    response = post(client, URL, booking(slot), lang="en", HTTP_IDEMPOTENCY_KEY="k" * 101)
    assert response.status_code == 422
    assert response.json()["errors"] == {"Idempotency-Key": ["At most 100 characters."]}
    assert not Appointment.objects.exists()
