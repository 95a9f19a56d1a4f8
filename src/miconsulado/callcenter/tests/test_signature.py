"""Only the provider may drive the line: a missing or wrong X-Twilio-Signature is a 403, and nothing
is recorded or changed."""

from __future__ import annotations

import pytest
from django.test import override_settings

from miconsulado.booking.models import Appointment, AppointmentEvent
from miconsulado.callcenter.keypad import keypad_digits
from miconsulado.callcenter.models import Call, CallStep
from miconsulado.callcenter.tests.caller import TestCaller, post_signed, sign
from miconsulado.callcenter.tests.conftest import MAIN

pytestmark = pytest.mark.django_db

PARAMS = {"CallSid": "CA" + "1" * 32, "From": "+13105550100", "To": MAIN, "CallStatus": "ringing"}


def nothing_recorded() -> None:
    assert not Call.objects.exists() and not CallStep.objects.exists()


@pytest.mark.parametrize(
    "path", ["/voice/incoming", "/voice/status", "/voice/menu", "/voice/appointment/proof"]
)
def test_forged_signature(client, line, path):
    response = post_signed(client, path, PARAMS, token="not-the-token")
    assert response.status_code == 403
    nothing_recorded()


def test_missing_signature(client, line):
    response = client.post("/voice/incoming", PARAMS)
    assert response.status_code == 403
    nothing_recorded()


def test_tampered_parameters(client, line):
    signature = sign("http://testserver/voice/incoming", PARAMS)
    response = post_signed(client, "/voice/incoming", {**PARAMS, "From": "+15555550000"}, signature=signature)
    assert response.status_code == 403
    nothing_recorded()


def test_signature_for_another_url(client, line):
    signature = sign("http://testserver/voice/status", PARAMS)
    response = post_signed(client, "/voice/incoming", PARAMS, signature=signature)
    assert response.status_code == 403


def test_a_signed_request_is_answered(client, line, in_hours):
    response = post_signed(client, "/voice/incoming", PARAMS)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    assert Call.objects.filter(call_sid=PARAMS["CallSid"]).exists()


def test_forged_cancel_changes_nothing(client, line, in_hours, appointment):
    """A genuine call proves the appointment; a forged request on that call cannot cancel it."""
    call = TestCaller(client).dial(MAIN, "1", "1", "1", keypad_digits(appointment.code), "19850412")
    steps = CallStep.objects.count()
    response = post_signed(
        client, "/voice/appointment/cancel", {**call.params(), "Digits": "1"}, token="forged"
    )
    assert response.status_code == 403
    assert Appointment.objects.get(pk=appointment.pk).status == "confirmed"
    assert AppointmentEvent.objects.filter(appointment=appointment).count() == 1
    assert CallStep.objects.count() == steps


@override_settings(TWILIO_AUTH_TOKEN="")
def test_no_token_refuses_everything(client, line):
    response = post_signed(client, "/voice/incoming", PARAMS, token="")
    assert response.status_code == 403
    nothing_recorded()


def test_behind_a_proxy_the_public_url_is_signed(client, line, in_hours, settings):
    settings.PUBLIC_URL = "https://line.example.org"
    public = sign("https://line.example.org/voice/incoming", PARAMS)
    assert post_signed(client, "/voice/incoming", PARAMS, signature=public).status_code == 200
    own = sign("http://testserver/voice/incoming", {**PARAMS, "CallSid": "CA" + "2" * 32})
    response = post_signed(client, "/voice/incoming", {**PARAMS, "CallSid": "CA" + "2" * 32}, signature=own)
    assert response.status_code == 403


def test_get_is_not_a_webhook(client, line):
    assert client.get("/voice/incoming").status_code == 405
    nothing_recorded()


def test_a_huge_body_is_refused_unread(client, line, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    params = {**PARAMS, "Junk": "x" * 5000}
    assert post_signed(client, "/voice/incoming", params).status_code == 403
    nothing_recorded()
