"""POST /api/v1/appointments: a booking, and every way a booking is refused, with nothing written."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from miconsulado.booking.models import Appointment, AppointmentEvent, AppointmentStatus
from miconsulado.booking.tests.api_support import book, booking, local_start, person, post
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant, make_curp, make_office, make_procedure, make_slot, make_window

pytestmark = pytest.mark.django_db
URL = "/api/v1/appointments"


def assert_nothing_booked(slot, booked=0, appointments=0):
    slot.refresh_from_db()
    assert slot.booked == booked
    assert Appointment.objects.filter(slot=slot).count() == appointments


def test_creates_a_confirmed_appointment(client, slot):
    body = booking(slot)
    response = post(client, URL, body)
    assert response.status_code == 201, response.json()
    data = response.json()
    appointment = Appointment.objects.get(code=data["code"])
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert appointment.channel == Channel.API
    assert data["status"] == "confirmed"
    assert data["office"] == {
        "code": "losangeles",
        "name": "Consulado losangeles",
        "tz": "America/Los_Angeles",
    }
    assert data["procedure"]["code"] == "matricula"
    assert data["places"] == 1
    # The office's wall-clock time with its UTC offset, and the instant is the slot's.
    start = dt.datetime.fromisoformat(data["start"])
    assert start == slot.start
    assert start.utcoffset() == slot.start.astimezone(ZoneInfo("America/Los_Angeles")).utcoffset()
    assert data["start"] == slot.start.astimezone(ZoneInfo("America/Los_Angeles")).isoformat()
    assert data["applicants"] == [
        {
            "given_names": "Juan",
            "first_surname": "Pérez",
            "second_surname": "López",
            "curp": body["applicants"][0]["curp"],
        }
    ]
    slot.refresh_from_db()
    assert slot.booked == 1
    event = AppointmentEvent.objects.get(appointment=appointment)
    assert event.channel == Channel.API and event.actor is None


def test_start_without_offset_is_the_office_local_time(client, slot):
    response = post(client, URL, booking(slot, start=local_start(slot)))
    assert response.status_code == 201, response.json()
    assert Appointment.objects.get(code=response.json()["code"]).slot == slot


def test_start_with_another_offset_is_that_instant(client, slot):
    # The same instant written in UTC finds the same slot.
    response = post(client, URL, booking(slot, start=slot.start.astimezone(dt.UTC).isoformat()))
    assert response.status_code == 201, response.json()
    # The wall-clock time read as UTC is another instant: no slot there.
    response = post(client, URL, booking(slot, start=local_start(slot) + ":00+00:00"))
    assert response.status_code == 422
    assert response.json()["code"] == "slot_not_found"


def test_a_family_takes_one_place_each(client, slot):
    response = post(
        client, URL, booking(slot, applicants=[person(), person(given_names="Ana", email="", phone="")])
    )
    assert response.status_code == 201, response.json()
    assert response.json()["places"] == 2
    assert [a["given_names"] for a in response.json()["applicants"]] == ["Juan", "Ana"]
    slot.refresh_from_db()
    assert slot.booked == 2


@pytest.mark.parametrize(
    ("lang", "message"),
    [("es", "Ya no quedan lugares en ese horario."), ("en", "There are no places left at that time.")],
)
def test_full_slot_is_409(client, slot, procedure, lang, message):
    book(slot, procedure, applicant(), applicant())
    response = post(client, URL, booking(slot), lang=lang)
    assert response.status_code == 409
    assert response.json() == {"code": "slot_full", "message": message, "errors": {}}
    assert_nothing_booked(slot, booked=2, appointments=1)


def test_family_larger_than_the_places_left_is_409_and_books_nobody(client, slot, procedure):
    book(slot, procedure)
    response = post(client, URL, booking(slot, applicants=[person(), person()]))
    assert response.status_code == 409
    assert response.json()["code"] == "slot_full"
    slot.refresh_from_db()
    assert slot.booked == 1


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "Esta CURP ya tiene una cita activa para este trámite."),
        ("en", "This CURP already has an active appointment for this procedure."),
    ],
)
def test_curp_already_booked_is_409_on_the_field(client, window, procedure, lang, message):
    first, second = make_slot(window), make_slot(window)
    curp = make_curp()
    book(first, procedure, applicant(curp=curp))
    response = post(client, URL, booking(second, applicants=[person(curp=curp)]), lang=lang)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "curp_already_booked"
    assert body["message"] == message
    assert body["errors"] == {"applicants.0.curp": [message]}
    assert_nothing_booked(second)


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "La CURP no es válida: revise las 18 posiciones y el dígito verificador."),
        ("en", "The CURP is not valid: check its 18 characters and the check digit."),
    ],
)
def test_invalid_curp_is_422_on_the_field(client, slot, lang, message):
    good = person()
    bad = dict(good, curp=good["curp"][:-1] + str((int(good["curp"][-1]) + 1) % 10))
    response = post(client, URL, booking(slot, applicants=[bad]), lang=lang)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_applicants"
    assert body["errors"]["applicants.0.curp"] == [message]
    assert_nothing_booked(slot)


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "La fecha de nacimiento no coincide con la CURP."),
        ("en", "The birth date does not match the CURP."),
    ],
)
def test_birth_date_mismatch_is_422(client, slot, lang, message):
    response = post(client, URL, booking(slot, applicants=[person(birth_date="1990-01-01")]), lang=lang)
    assert response.status_code == 422
    assert response.json()["errors"] == {"applicants.0.birth_date": [message]}
    assert_nothing_booked(slot)


def test_every_applicant_problem_is_reported_at_once(client, slot):
    applicants = [person(email="not-an-email", phone="12"), person(curp="XXXX", given_names=" ")]
    response = post(client, URL, booking(slot, applicants=applicants), lang="en")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["applicants.0.email"] == ["The e-mail address is not valid."]
    assert errors["applicants.0.phone"] == ["The phone number is not valid."]
    assert errors["applicants.1.curp"] == [
        "The CURP is not valid: check its 18 characters and the check digit."
    ]
    assert errors["applicants.1.given_names"] == ["This field is required."]


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "No existe una oficina consular con ese código."),
        ("en", "There is no consular office with that code."),
    ],
)
def test_unknown_office_is_422_on_office(client, slot, lang, message):
    response = post(client, URL, booking(slot, office="atlantis"), lang=lang)
    assert response.status_code == 422
    assert response.json() == {"code": "unknown_office", "message": message, "errors": {"office": [message]}}


def test_inactive_office_counts_as_unknown(client, slot, office):
    office.active = False
    office.save()
    response = post(client, URL, booking(slot))
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_office"


@pytest.mark.parametrize(
    ("lang", "message"),
    [("es", "No existe un trámite con ese código."), ("en", "There is no procedure with that code.")],
)
def test_unknown_procedure_is_422_on_procedure(client, slot, lang, message):
    response = post(client, URL, booking(slot, procedure="teleport"), lang=lang)
    assert response.status_code == 422
    assert response.json()["errors"] == {"procedure": [message]}
    assert_nothing_booked(slot)


def test_procedure_not_offered_is_422_on_procedure(client, slot):
    make_procedure("visa")
    response = post(client, URL, booking(slot, procedure="visa"), lang="en")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "procedure_not_offered"
    assert body["errors"] == {"procedure": ["This office does not offer that procedure."]}


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "No existe un horario para esa oficina, trámite y hora."),
        ("en", "There is no slot for that office, procedure and time."),
    ],
)
def test_no_slot_at_that_start_is_422_on_start(client, slot, lang, message):
    # A closed day or an hour between slots: the schedule made no slot there.
    body = booking(slot, start=(slot.start + dt.timedelta(minutes=7)).isoformat())
    response = post(client, URL, body, lang=lang)
    assert response.status_code == 422
    assert response.json() == {"code": "slot_not_found", "message": message, "errors": {"start": [message]}}
    assert_nothing_booked(slot)


def test_slot_in_the_past_is_422(client, window):
    past = make_slot(window, start=timezone.now().replace(microsecond=0) - dt.timedelta(days=1))
    response = post(client, URL, booking(past), lang="en")
    assert response.status_code == 422
    assert response.json()["code"] == "slot_in_past"
    assert response.json()["errors"] == {"start": ["That time has already passed."]}
    assert_nothing_booked(past)


def test_slot_inside_the_lead_time_is_422(client, window):
    soon = make_slot(window, start=timezone.now().replace(microsecond=0) + dt.timedelta(minutes=30))
    response = post(client, URL, booking(soon))
    assert response.status_code == 422
    assert response.json()["code"] == "too_soon"
    assert response.json()["errors"] == {
        "start": ["Ese horario está demasiado próximo; elija uno posterior."]
    }


def test_slot_beyond_the_horizon_is_422(client, window):
    late = make_slot(window, days_ahead=200)
    response = post(client, URL, booking(late), lang="en")
    assert response.status_code == 422
    assert response.json()["code"] == "outside_horizon"
    assert_nothing_booked(late)


def test_too_many_people_for_the_procedure_is_422(client):
    office = make_office("phoenix", tz="America/Phoenix")
    single = make_procedure("visa", max_persons=1)
    slot = make_slot(make_window(office, [single]), capacity=4)
    response = post(client, URL, booking(slot, "visa", applicants=[person(), person()]), lang="en")
    assert response.status_code == 422
    assert response.json()["code"] == "too_many_applicants"
    assert "applicants" in response.json()["errors"]
    assert_nothing_booked(slot)


def test_minor_passport_without_both_parents_is_422(client):
    office = make_office("phoenix", tz="America/Phoenix")
    minor = make_procedure("passport-minor", requires_both_parents=True, max_age=17)
    slot = make_slot(make_window(office, [minor]))
    child = person(birth=dt.date(2018, 5, 1), parents=[{"role": "mother", "full_name": "María López"}])
    response = post(client, URL, booking(slot, "passport-minor", applicants=[child]), lang="en")
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "applicants.0.parents": ["Give both parents (or guardians): present, or with a valid remote OP-7."]
    }
    child["parents"].append({"role": "father", "full_name": "Pedro Pérez", "present": False})
    response = post(client, URL, booking(slot, "passport-minor", applicants=[child]), lang="en")
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "applicants.0.parents.1.remote_consent_signed_on": ["An absent parent needs a signed remote OP-7."]
    }
    assert_nothing_booked(slot)
    child["parents"][1]["remote_consent_signed_on"] = timezone.localdate().isoformat()
    response = post(client, URL, booking(slot, "passport-minor", applicants=[child]))
    assert response.status_code == 201, response.json()
    parents = Appointment.objects.get(code=response.json()["code"]).applicants.get().parents
    assert sorted(parents.values_list("role", "present")) == [("father", False), ("mother", True)]
