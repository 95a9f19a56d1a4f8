"""Idempotency-Key: a retried create returns the first appointment; the key with another body is refused."""

import pytest

from miconsulado.booking.models import Appointment
from miconsulado.booking.tests.api_support import bearer, booking, person, post

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


def test_two_tokens_with_the_same_key_get_an_appointment_each(client, slot):
    first = post(client, URL, booking(slot), HTTP_IDEMPOTENCY_KEY="k", **bearer("agent"))
    second = post(client, URL, booking(slot), HTTP_IDEMPOTENCY_KEY="k", **bearer("agent"))
    assert (first.status_code, second.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in second
    assert first.json()["code"] != second.json()["code"]
    assert Appointment.objects.count() == 2


def test_the_same_body_and_key_from_another_caller_is_not_their_appointment(client, slot):
    body = booking(slot)
    citizen = post(client, URL, body, HTTP_IDEMPOTENCY_KEY="k")
    agent = post(client, URL, body, HTTP_IDEMPOTENCY_KEY="k", **bearer("agent"))
    assert citizen.status_code == 201
    # Not the citizen's appointment back: a new booking, refused here because it is the same person.
    assert agent.status_code == 409
    assert agent.json()["code"] == "curp_already_booked"
    assert Appointment.objects.count() == 1


def test_an_anonymous_key_used_by_a_token_first_books_anew(client, slot):
    assert post(client, URL, booking(slot), HTTP_IDEMPOTENCY_KEY="k", **bearer("agent")).status_code == 201
    citizen = post(client, URL, booking(slot), HTTP_IDEMPOTENCY_KEY="k")
    assert citizen.status_code == 201
    assert "Idempotent-Replayed" not in citizen
    assert Appointment.objects.count() == 2


def test_the_same_token_retrying_is_replayed(client, slot):
    headers = bearer("agent")
    body = booking(slot)
    first = post(client, URL, body, HTTP_IDEMPOTENCY_KEY="k", **headers)
    again = post(client, URL, body, HTTP_IDEMPOTENCY_KEY="k", **headers)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    refused = post(client, URL, booking(slot), HTTP_IDEMPOTENCY_KEY="k", **headers)
    assert refused.status_code == 422
    assert refused.json()["code"] == "idempotency_key_reused"
