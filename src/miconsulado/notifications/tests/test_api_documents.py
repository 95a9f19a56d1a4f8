"""GET /api/v1/appointments/{code}/receipt.pdf and /calendar.ics: to whoever may look the appointment
up, refused exactly as the lookup refuses."""

import datetime as dt

import pytest
from icalendar import Calendar

from miconsulado.accounts.models import Role
from miconsulado.booking.models import Appointment
from miconsulado.booking.tests.api_support import bearer, get
from miconsulado.notifications.tests.conftest import book_at
from miconsulado.notifications.tests.pdf_support import pdf_text, qr_codes
from miconsulado.testing import applicant, make_office

pytestmark = pytest.mark.django_db

DOCUMENTS = ["receipt.pdf", "calendar.ics"]


@pytest.fixture
def booked(window):
    person = applicant(given_names="Lucía")
    return book_at(window, dt.datetime(2026, 12, 10, 9, 0), person), person


def url(code, document):
    return f"/api/v1/appointments/{code}/{document}"


def test_the_receipt(client, booked):
    appointment, person = booked
    response = get(client, url(appointment.code, "receipt.pdf"), curp=person.curp)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="acuse-{appointment.code}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert "Lucía Pérez López" in text
    assert person.curp not in text
    assert "jueves 10 de diciembre de 2026, 09:00 (hora de Los Angeles)" in text
    assert qr_codes(response.content) == [appointment.code]


def test_the_calendar_file(client, booked):
    appointment, person = booked
    response = get(client, url(appointment.code, "calendar.ics"), curp=person.curp)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    assert response["Content-Disposition"] == f'attachment; filename="cita-{appointment.code}.ics"'
    (event,) = Calendar.from_ical(response.content).events
    assert event["uid"] == f"{appointment.code}@miconsulado"
    assert event.decoded("dtstart").replace(tzinfo=None) == dt.datetime(2026, 12, 10, 9, 0)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # The appointment's language (Spanish here), not the browser's of whoever downloads it.
        ({"HTTP_ACCEPT_LANGUAGE": "en"}, "Llegue 15 minutos antes."),
        ({"lang": "en"}, "Arrive 15 minutes early."),
    ],
)
def test_in_the_language_asked_for(client, booked, params, expected):
    appointment, person = booked
    headers = {k: v for k, v in params.items() if k.startswith("HTTP_")}
    query = {k: v for k, v in params.items() if not k.startswith("HTTP_")}
    response = client.get(
        url(appointment.code, "receipt.pdf"),
        {"curp": person.curp, **query},
        **({"HTTP_ACCEPT_LANGUAGE": "es"} | headers),
    )
    assert expected in pdf_text(response.content)
    ics = client.get(url(appointment.code, "calendar.ics"), {"curp": person.curp, **query}, **headers)
    (event,) = Calendar.from_ical(ics.content).events
    assert expected.rstrip(".") in str(event["description"])


def test_an_unknown_language_is_422(client, booked):
    appointment, person = booked
    response = client.get(url(appointment.code, "receipt.pdf"), {"curp": person.curp, "lang": "fr"})
    assert response.status_code == 422
    assert "lang" in response.json()["errors"]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_a_wrong_curp_is_the_lookups_404(client, booked, document):
    appointment, person = booked
    lookup = get(client, f"/api/v1/appointments/{appointment.code}", curp=applicant().curp)
    wrong_curp = get(client, url(appointment.code, document), curp=applicant().curp)
    wrong_code = get(client, url("AAAAAAAA", document), curp=person.curp)
    assert lookup.status_code == wrong_curp.status_code == wrong_code.status_code == 404
    assert wrong_curp["Content-Type"] == lookup["Content-Type"] == "application/json; charset=utf-8"
    assert lookup.json() == wrong_curp.json() == wrong_code.json()
    assert wrong_curp.json()["code"] == "appointment_not_found"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_anonymous_callers_need_the_curp(client, booked, document):
    response = get(client, url(booked[0].code, document), lang="en")
    assert response.status_code == 422
    assert response.json()["errors"] == {"curp": ["This field is required."]}


@pytest.mark.parametrize("document", DOCUMENTS)
def test_staff_tokens_as_the_lookup_allows(client, booked, office, document):
    appointment, _ = booked
    assert get(client, url(appointment.code, document), **bearer(Role.AGENT)).status_code == 200
    own = bearer(Role.CONSULAR_STAFF, offices=(office,))
    assert get(client, url(appointment.code, document), **own).status_code == 200
    other = bearer(Role.CONSULAR_STAFF, offices=(make_office("chicago", tz="America/Chicago"),))
    assert get(client, url(appointment.code, document), **other).status_code == 404
    bad = get(client, url(appointment.code, document), HTTP_AUTHORIZATION="Bearer nope")
    assert bad.status_code == 401


def test_the_schema_documents_binary_answers(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, media_type in [
        ("/api/v1/appointments/{code}/receipt.pdf", "application/pdf"),
        ("/api/v1/appointments/{code}/calendar.ics", "text/calendar"),
    ]:
        responses = paths[path]["get"]["responses"]
        assert responses["200"]["content"] == {media_type: {"schema": {"type": "string", "format": "binary"}}}
        assert {"401", "404", "422"} <= set(responses)


def test_in_the_appointments_language_by_default(client, booked):
    appointment, person = booked
    Appointment.objects.filter(pk=appointment.pk).update(language="en")
    response = client.get(
        url(appointment.code, "receipt.pdf"), {"curp": person.curp}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert "Arrive 15 minutes early." in pdf_text(response.content)
