"""A Host header not in ALLOWED_HOSTS: under /api/ the documented JSON 400, in the caller's
language, logged as one warning; other pages keep Django's own answer."""

import logging

import pytest

pytestmark = pytest.mark.django_db

EVIL = "evil.example"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/offices"),
        ("get", "/api/v1/"),
        ("get", "/api/v1/nowhere"),
        ("post", "/api/v1/appointments"),
        ("get", "/api/v1/offices/LAX/availability"),
        ("get", "/api/v1/appointments/ABC123"),
        ("post", "/api/v1/appointments/ABC123/cancel"),
        ("put", "/api/v1/offices"),
        ("options", "/api/v1/docs"),
    ],
)
def test_a_bad_host_on_the_api_is_the_json_400(client, caplog, method, path):
    caplog.set_level(logging.INFO)
    response = getattr(client, method)(path, data={}, content_type="application/json", HTTP_HOST=EVIL)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "bad_host",
        "message": "El encabezado Host de la solicitud no corresponde a este servicio.",
        "errors": {},
    }
    assert [r.levelno for r in caplog.records if r.levelno >= logging.WARNING] == [logging.WARNING]
    assert not any(r.exc_info for r in caplog.records)


def test_the_bad_host_error_speaks_the_callers_language(client):
    response = client.get("/api/v1/offices", HTTP_HOST=EVIL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["message"] == "The request's Host header does not match this service."
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize("host", ["evil.example:8000", "127.0.0.1\r\nX: y", "a b", "[::1"])
def test_odd_hosts_are_refused_too(client, host):
    response = client.get("/api/v1/offices", HTTP_HOST=host)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_host"


def test_an_allowed_host_is_served(client):
    response = client.get("/api/v1/offices", HTTP_HOST="localhost")
    assert response.status_code == 200


def test_other_pages_keep_djangos_answer(client):
    response = client.get("/", HTTP_HOST=EVIL)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
