"""The anonymous flow over the API: POST /holds → POST /appointments/{code}/verification → POST
/appointments/{code}/confirm with the code. Wrong, missing and exhausted codes get clear errors on
`verification_code`; a confirmed appointment's code is not a hold to anybody without a token."""

import pytest

from miconsulado.booking.models import Appointment, AppointmentStatus, ContactVerification
from miconsulado.booking.tests.api_support import bearer, offset_start, person, post
from miconsulado.booking.tests.verification_support import (  # noqa: F401  clear_tasks: autouse
    clear_tasks,
    issued_payloads,
    sent_code,
    wrong,
)

pytestmark = pytest.mark.django_db(transaction=True)


def hold(client, slot, **extra):
    body = {"office": slot.office.code, "procedure": "matricula", "start": offset_start(slot), **extra}
    response = post(client, "/api/v1/holds", body)
    assert response.status_code == 201, response.json()
    return response.json()


def ask_code(client, code, email="ana@example.com", lang="es"):
    return post(client, f"/api/v1/appointments/{code}/verification", {"email": email}, lang=lang)


def confirm(client, code, verification_code=None, email="ana@example.com", **headers):
    body = {"applicants": [person(email=email)]}
    if verification_code is not None:
        body["verification_code"] = verification_code
    return post(client, f"/api/v1/appointments/{code}/confirm", body, **headers)


def last_code():
    return sent_code(issued_payloads()[-1]["verification"])


def test_hold_verify_confirm(client, slot):
    held = hold(client, slot)
    assert held["status"] == "held" and held["places"] == 1 and held["expires_at"]
    response = ask_code(client, held["code"])
    assert response.status_code == 200, response.json()
    sent = response.json()
    assert sent["channel"] == "email" and sent["sends_left"] == 4
    assert "code" not in sent and last_code() not in response.content.decode()
    response = confirm(client, held["code"], last_code())
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "confirmed"
    assert Appointment.objects.get(code=held["code"]).status == AppointmentStatus.CONFIRMED


def test_confirming_without_the_code_is_refused(client, slot):
    held = hold(client, slot)
    ask_code(client, held["code"])
    response = confirm(client, held["code"])
    assert response.status_code == 403
    assert response.json()["code"] == "contact_not_verified"
    assert "verification_code" in response.json()["errors"]


def test_a_wrong_code_then_the_right_one(client, slot):
    held = hold(client, slot)
    ask_code(client, held["code"])
    response = confirm(client, held["code"], wrong(last_code()))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "verification_code_wrong" and "4" in body["errors"]["verification_code"][0]
    assert Appointment.objects.get(code=held["code"]).status == AppointmentStatus.HELD
    assert confirm(client, held["code"], last_code()).status_code == 200


def test_five_wrong_codes_lock_it_and_a_new_one_is_needed(client, slot, settings):
    settings.MICONSULADO = {**settings.MICONSULADO, "VERIFICATION_RESEND_SECONDS": 0}
    held = hold(client, slot)
    ask_code(client, held["code"])
    first = last_code()
    codes = [confirm(client, held["code"], wrong(first)).json()["code"] for _ in range(5)]
    assert codes == ["verification_code_wrong"] * 4 + ["verification_code_locked"]
    assert confirm(client, held["code"], first).json()["code"] == "verification_code_locked"
    assert ask_code(client, held["code"]).status_code == 200
    assert confirm(client, held["code"], last_code()).status_code == 200


def test_asking_again_too_soon(client, slot):
    held = hold(client, slot)
    assert ask_code(client, held["code"]).status_code == 200
    response = ask_code(client, held["code"])
    assert response.status_code == 409
    assert response.json()["code"] == "verification_resend_too_soon"


def test_the_code_of_one_hold_does_not_confirm_another(client, slot):
    from miconsulado.testing import make_slot

    mine = hold(client, slot)
    theirs = hold(client, make_slot(slot.window))
    ask_code(client, theirs["code"], email="luis@example.com")
    their_code = last_code()
    ask_code(client, mine["code"])
    if their_code == last_code():
        pytest.skip("both holds drew the same code")
    response = confirm(client, mine["code"], their_code)
    assert response.json()["code"] == "verification_code_wrong"


def test_the_code_must_have_gone_to_the_first_applicant(client, slot):
    held = hold(client, slot)
    ask_code(client, held["code"], email="mine@example.com")
    response = confirm(client, held["code"], last_code(), email="victim@example.com")
    assert response.status_code == 403 and response.json()["code"] == "contact_not_verified"
    assert Appointment.objects.get(code=held["code"]).status == AppointmentStatus.HELD


def test_a_confirmed_appointment_is_not_a_hold_to_a_citizen(client, slot):
    held = hold(client, slot)
    ask_code(client, held["code"])
    confirm(client, held["code"], last_code())
    for response in (ask_code(client, held["code"]), confirm(client, held["code"], "123456")):
        assert response.status_code == 404
        assert response.json()["code"] == "appointment_not_found"
    assert ask_code(client, "NOSUCHCODE").status_code == 404


def test_a_bad_address_is_refused_on_its_field(client, slot):
    held = hold(client, slot)
    response = ask_code(client, held["code"], email="not an address")
    assert response.status_code == 422 and "email" in response.json()["errors"]
    assert not ContactVerification.objects.exists()


def test_an_agent_confirms_a_hold_without_a_code(client, slot):
    held = hold(client, slot)
    response = confirm(client, held["code"], **bearer("agent"))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "confirmed"


def test_the_flow_is_in_the_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "/api/v1/holds" in paths
    verification = paths["/api/v1/appointments/{code}/verification"]["post"]
    assert "200" in verification["responses"] and "409" in verification["responses"]
    confirm_op = paths["/api/v1/appointments/{code}/confirm"]["post"]
    body = confirm_op["requestBody"]["content"]["application/json"]["schema"]
    ref = body["$ref"].rsplit("/", 1)[-1]
    assert "verification_code" in schema["components"]["schemas"][ref]["properties"]
