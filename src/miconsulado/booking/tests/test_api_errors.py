"""Bad requests get one JSON shape, a message per field in the caller's language, and write nothing."""

import json

import pytest

from miconsulado.booking.models import Appointment
from miconsulado.booking.tests.api_support import booking, person, post

pytestmark = pytest.mark.django_db
URL = "/api/v1/appointments"


def refused(response, status=422):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert not Appointment.objects.exists()
    return body


def test_missing_fields_are_named_one_by_one(client, slot):
    body = refused(post(client, URL, {"applicants": [{}]}))
    assert body["code"] == "validation_error"
    assert body["message"] == "Revise los datos enviados: hay campos con errores."
    required = ["Este campo es obligatorio."]
    assert body["errors"] == {
        "office": required,
        "procedure": required,
        "start": required,
        "applicants.0.curp": required,
        "applicants.0.given_names": required,
        "applicants.0.first_surname": required,
        "applicants.0.birth_date": required,
    }


def test_missing_fields_in_english(client, slot):
    body = refused(post(client, URL, {"office": "losangeles"}, lang="en"))
    assert body["message"] == "Please check the data sent: some fields have errors."
    assert body["errors"]["procedure"] == ["This field is required."]


def test_english_is_picked_from_a_regional_accept_language(client, slot):
    response = client.post(URL, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert refused(response)["errors"]["office"] == ["This field is required."]


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "Fecha no válida: use el formato AAAA-MM-DD."),
        ("en", "Invalid date: use the format YYYY-MM-DD."),
    ],
)
@pytest.mark.parametrize("value", ["12/04/1985", "1985-02-30", "ayer", 19850412])
def test_malformed_birth_date(client, slot, lang, message, value):
    body = refused(post(client, URL, booking(slot, applicants=[person(birth_date=value)]), lang=lang))
    assert body["errors"] == {"applicants.0.birth_date": [message]}


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (
            "es",
            "Fecha y hora no válidas: use ISO 8601, por ejemplo 2026-03-09T08:00 o 2026-03-09T08:00:00-07:00.",
        ),
        (
            "en",
            "Invalid date and time: use ISO 8601, for example 2026-03-09T08:00 or 2026-03-09T08:00:00-07:00.",
        ),
    ],
)
@pytest.mark.parametrize(
    "value", ["mañana a las 9", "2026-13-01T08:00", "2026-03-09 25:00", 1773068400, None]
)
def test_malformed_start(client, slot, lang, message, value):
    body = refused(post(client, URL, booking(slot, start=value), lang=lang))
    assert body["errors"] == {"start": [message]}


def test_wrong_types(client, slot):
    data = booking(slot, office=12, applicants={"curp": "x"})
    body = refused(post(client, URL, data, lang="en"))
    assert body["errors"] == {"office": ["Must be a string."], "applicants": ["Must be a list."]}
    data = booking(slot, applicants=["PERJ850412HNEBBD03"])
    assert refused(post(client, URL, data, lang="en"))["errors"] == {
        "applicants.0": ["Must be a JSON object."]
    }
    data = booking(
        slot, applicants=[person(parents=[{"role": "mother", "full_name": "M", "present": "maybe"}])]
    )
    body = refused(post(client, URL, data, lang="en"))
    assert body["errors"] == {"applicants.0.parents.0.present": ["Must be true or false."]}


@pytest.mark.parametrize(
    ("lang", "message"), [("es", "Máximo 100 caracteres."), ("en", "At most 100 characters.")]
)
def test_overlong_text(client, slot, lang, message):
    data = booking(slot, applicants=[person(given_names="A" * 101)])
    assert refused(post(client, URL, data, lang=lang))["errors"] == {"applicants.0.given_names": [message]}


def test_too_many_applicants_for_any_request(client, slot):
    data = booking(slot, applicants=[person() for _ in range(21)])
    assert refused(post(client, URL, data, lang="en"))["errors"] == {"applicants": ["At most 20 items."]}


@pytest.mark.parametrize(("lang", "message"), [("es", "Campo no reconocido."), ("en", "Unknown field.")])
def test_unknown_fields_are_refused_not_ignored(client, slot, lang, message):
    data = booking(slot, applicants=[person(birthdate="1985-04-12")], slots=3)
    body = refused(post(client, URL, data, lang=lang))
    assert body["errors"] == {"slots": [message], "applicants.0.birthdate": [message]}


@pytest.mark.parametrize(
    ("lang", "message"),
    [("es", "El cuerpo de la solicitud no es JSON válido."), ("en", "The request body is not valid JSON.")],
)
@pytest.mark.parametrize("raw", ['{"office": "losangeles",', "office=losangeles", b"\xff\xfe{}"])
def test_malformed_json_is_400(client, slot, lang, message, raw):
    response = client.post(URL, raw, content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang)
    assert refused(response, 400) == {"code": "malformed_json", "message": message, "errors": {}}


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "Falta el cuerpo de la solicitud (un objeto JSON)."),
        ("en", "The request body (a JSON object) is missing."),
    ],
)
def test_empty_body(client, slot, lang, message):
    response = client.post(URL, "", content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang)
    assert refused(response)["errors"] == {"body": [message]}


@pytest.mark.parametrize("raw", ["[]", '"hola"', "42", "null"])
def test_a_body_that_is_not_an_object(client, slot, raw):
    response = client.post(URL, raw, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    errors = refused(response)["errors"]
    assert list(errors) == ["body"]


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nowhere", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "That resource does not exist.", "errors": {}}


def test_unexpected_failure_is_a_json_500(client, slot, monkeypatch):
    from miconsulado.booking import services

    def boom(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(services, "book_appointment", boom)
    response = post(client, URL, booking(slot), lang="en")
    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "message": "An internal error occurred. Please try again later.",
        "errors": {},
    }
    assert "fire" not in json.dumps(response.json())


def test_an_oversized_body_is_413(client, slot):
    raw = '{"office": "' + "x" * 3_000_000 + '"}'
    response = client.post(URL, raw, content_type="application/json", HTTP_ACCEPT_LANGUAGE="es")
    assert refused(response, 413) == {
        "code": "payload_too_large",
        "message": "El cuerpo de la solicitud es demasiado grande.",
        "errors": {},
    }


def test_an_oversized_body_is_413_in_english(client, slot):
    raw = '{"office": "' + "x" * 3_000_000 + '"}'
    response = client.post(URL, raw, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused(response, 413)["message"] == "The request body is too large."


def test_unknown_api_path_in_spanish(client):
    response = client.get("/api/v1/nowhere", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert response.json()["message"] == "No existe ese recurso."


@pytest.mark.parametrize(
    ("lang", "message"), [("es", "La solicitud no es válida."), ("en", "The request is not valid.")]
)
def test_too_many_query_fields_is_a_json_400(client, lang, message):
    query = "&".join(f"f{i}=1" for i in range(1100))  # DATA_UPLOAD_MAX_NUMBER_FIELDS is 1000
    response = client.get(f"/api/v1/procedures?{query}", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 400
    assert response.json() == {"code": "bad_request", "message": message, "errors": {}}


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "Ese horario ya no está disponible (la oficina cambió su agenda)."),
        ("en", "That time is no longer available (the office changed its schedule)."),
    ],
)
def test_a_slot_closed_while_booking_is_409(client, slot, monkeypatch, lang, message):
    """A regeneration withdraws the slot between the API finding it and the booking taking it."""
    from miconsulado.booking import selectors
    from miconsulado.scheduling.models import Slot

    find = selectors.slot_at

    def find_then_withdraw(**kwargs):
        found = find(**kwargs)
        Slot.objects.filter(pk=found.slot.pk).update(withdrawn=True)
        return found

    monkeypatch.setattr(selectors, "slot_at", find_then_withdraw)
    body = refused(post(client, URL, booking(slot), lang=lang), 409)
    assert (body["code"], body["message"]) == ("slot_unavailable", message)
    assert Slot.objects.get(pk=slot.pk).booked == 0
