"""Input at the edges of what Python and the databases can hold: a clear JSON error, never a 500,
and nothing stored that the other database would refuse."""

import datetime as dt

import pytest
from django.utils import timezone

from miconsulado.booking.models import Appointment, Parent
from miconsulado.booking.tests.api_support import book, booking, get, person, post
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant, make_curp, make_office, make_procedure, make_slot, make_window

pytestmark = pytest.mark.django_db

URL = "/api/v1/appointments"


def nothing_booked(slot: Slot) -> bool:
    return Slot.objects.get(pk=slot.pk).booked == 0 and not Appointment.objects.exists()


@pytest.mark.parametrize(
    "start", ["9999-12-31T23:59:00-12:00", "9999-12-31T23:59:00", "0001-01-01T00:00:00+14:00"]
)
def test_a_start_at_the_end_of_time_is_no_slot(client, slot, start):
    response = post(client, URL, booking(slot, start=start), lang="en")
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "slot_not_found"
    assert list(response.json()["errors"]) == ["start"]
    assert nothing_booked(slot)


def test_rescheduling_to_the_end_of_time_is_no_slot(client, slot, procedure):
    people = applicant()
    appointment = book(slot, procedure, people)
    response = post(
        client, f"{URL}/{appointment.code}/reschedule", {"curp": people.curp, "start": "9999-12-31T23:59:00"}
    )
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "slot_not_found"


@pytest.mark.parametrize(
    "dates", [{"to": "9999-12-31"}, {"from": "0001-01-01"}, {"from": "0001-01-01", "to": "9999-12-31"}]
)
def test_availability_for_any_representable_dates(client, slot, dates):
    response = get(client, f"/api/v1/offices/{slot.office.code}/availability", procedure="matricula", **dates)
    assert response.status_code == 200, response.json()
    assert [s["id"] for s in response.json()["slots"]] == [slot.pk]


def test_a_nul_in_a_name_is_refused_naming_the_field(client, slot):
    body = booking(slot, applicants=[person(given_names="Ju\x00an")])
    response = post(client, URL, body, lang="en")
    assert response.status_code == 422
    assert response.json()["code"] == "null_character"
    assert response.json()["errors"] == {
        "applicants.0.given_names": ["The null character (U+0000) is not accepted."]
    }
    assert nothing_booked(slot)


def test_a_nul_in_a_key_is_refused(client, slot):
    body = booking(slot)
    body["appl\x00icants"] = []
    response = post(client, URL, body)
    assert response.status_code == 422
    assert response.json()["code"] == "null_character"
    assert nothing_booked(slot)


@pytest.mark.parametrize(
    "path", ["/api/v1/appointments/Z%00Z?curp=X", "/api/v1/offices/los%00angeles", "/api/v1/procedures?x=%00"]
)
def test_a_nul_in_the_url_is_a_json_400(client, path, db):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "null_character"
    assert "null character" in response.json()["message"]


def test_a_wrong_method_is_a_json_405_with_allow(client, db):
    response = client.put(URL, "{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response["Allow"] == "POST"
    assert response.json()["code"] == "method_not_allowed"
    assert response.json()["message"] == "This resource does not accept PUT; use POST."
    spanish = client.delete("/api/v1/procedures", HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.status_code == 405
    assert spanish.json()["message"] == "Este recurso no admite DELETE; use GET."


def test_a_parent_curp_is_stored_as_validated(client):
    office = make_office("phoenix", tz="America/Phoenix")
    minor = make_procedure("passport-minor", requires_both_parents=True, max_age=17)
    slot = make_slot(make_window(office, [minor]))
    mother = make_curp(sex="M")
    spaced = f"{mother[:4]} {mother[4:10]}-{mother[10:]}".lower()
    child = person(
        birth=dt.date(2018, 5, 1),
        parents=[
            {"role": "mother", "full_name": "María López", "curp": spaced},
            {
                "role": "father",
                "full_name": "Pedro Pérez",
                "present": False,
                "remote_consent_signed_on": timezone.localdate().isoformat(),
            },
        ],
    )
    response = post(client, URL, booking(slot, "passport-minor", applicants=[child]))
    assert response.status_code == 201, response.json()
    assert Parent.objects.get(role="mother").curp == mother
