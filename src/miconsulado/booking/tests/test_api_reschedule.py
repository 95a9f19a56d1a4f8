"""POST /api/v1/appointments/{code}/reschedule: the new place is secured before the old is released."""

import datetime as dt

import pytest
from django.utils import timezone

from miconsulado.accounts.models import Role
from miconsulado.booking.models import AppointmentAction, AppointmentEvent
from miconsulado.booking.tests.api_support import bearer, book, local_start, offset_start, post
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant, make_office, make_slot, make_window

pytestmark = pytest.mark.django_db


def url(code):
    return f"/api/v1/appointments/{code}/reschedule"


@pytest.fixture
def person():
    return applicant()


@pytest.fixture
def appointment(slot, procedure, person):
    return book(slot, procedure, person)


@pytest.fixture
def later(window):
    return make_slot(window, days_ahead=10, capacity=1)


def places(*slots):
    for s in slots:
        s.refresh_from_db()
    return [s.booked for s in slots]


def test_moves_to_the_new_start(client, appointment, person, slot, later):
    response = post(client, url(appointment.code), {"curp": person.curp, "start": offset_start(later)})
    assert response.status_code == 200, response.json()
    assert response.json()["start"] == offset_start(later)
    appointment.refresh_from_db()
    assert appointment.slot == later
    assert places(slot, later) == [0, 1]
    event = AppointmentEvent.objects.get(appointment=appointment, action=AppointmentAction.RESCHEDULED)
    assert event.channel == Channel.API


def test_local_time_without_offset(client, appointment, person, later):
    response = post(client, url(appointment.code), {"curp": person.curp, "start": local_start(later)})
    assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.slot == later


@pytest.mark.parametrize(
    ("lang", "message"),
    [("es", "Ya no quedan lugares en ese horario."), ("en", "There are no places left at that time.")],
)
def test_a_full_target_is_409_and_the_appointment_stays(
    client, appointment, person, slot, later, procedure, lang, message
):
    book(later, procedure)
    response = post(
        client, url(appointment.code), {"curp": person.curp, "start": offset_start(later)}, lang=lang
    )
    assert response.status_code == 409
    assert response.json()["message"] == message
    appointment.refresh_from_db()
    assert appointment.slot == slot
    assert places(slot, later) == [1, 1]


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "No existe un horario para esa oficina, trámite y hora."),
        ("en", "There is no slot for that office, procedure and time."),
    ],
)
def test_no_slot_at_that_start_is_422(client, appointment, person, later, lang, message):
    start = (later.start + dt.timedelta(minutes=3)).isoformat()
    response = post(client, url(appointment.code), {"curp": person.curp, "start": start}, lang=lang)
    assert response.status_code == 422
    assert response.json()["errors"] == {"start": [message]}


def test_a_malformed_start_is_422(client, appointment, person):
    response = post(client, url(appointment.code), {"curp": person.curp, "start": "next tuesday"}, lang="en")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["start"]


def test_a_past_slot_is_422(client, appointment, person, window):
    past = make_slot(window, start=timezone.now().replace(microsecond=0) - dt.timedelta(hours=3))
    response = post(client, url(appointment.code), {"curp": person.curp, "start": offset_start(past)})
    assert response.status_code == 422
    assert response.json()["code"] == "slot_in_past"


def test_inside_the_cut_off_is_409_for_citizens(client, window, procedure, person, later):
    soon = make_slot(window, start=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=5))
    appointment = book(soon, procedure, person)
    response = post(
        client, url(appointment.code), {"curp": person.curp, "start": offset_start(later)}, lang="en"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "cancellation_window_closed"
    # Staff may still move it.
    response = post(client, url(appointment.code), {"start": offset_start(later)}, **bearer(Role.SUPERVISOR))
    assert response.status_code == 200


def test_wrong_curp_is_404(client, appointment, later):
    response = post(client, url(appointment.code), {"curp": applicant().curp, "start": offset_start(later)})
    assert response.status_code == 404


def test_to_another_office(client, appointment, person, procedure):
    phoenix = make_office("phoenix", tz="America/Phoenix")
    there = make_slot(make_window(phoenix, [procedure]), days_ahead=9)
    body = {"curp": person.curp, "office": "phoenix", "start": local_start(there)}
    response = post(client, url(appointment.code), body)
    assert response.status_code == 200, response.json()
    assert response.json()["office"]["code"] == "phoenix"
    assert response.json()["start"].endswith("-07:00")  # Arizona: no daylight saving time
    appointment.refresh_from_db()
    assert appointment.slot == there and appointment.office == phoenix


def test_to_an_unknown_office_is_422(client, appointment, person, later):
    body = {"curp": person.curp, "office": "atlantis", "start": offset_start(later)}
    response = post(client, url(appointment.code), body, lang="en")
    assert response.status_code == 422
    assert response.json()["errors"] == {"office": ["There is no consular office with that code."]}


def test_consular_staff_move_within_their_offices_only(client, appointment, office, later, procedure):
    phoenix = make_office("phoenix", tz="America/Phoenix")
    there = make_slot(make_window(phoenix, [procedure]), days_ahead=9)
    headers = bearer(Role.CONSULAR_STAFF, offices=(office,))
    response = post(
        client, url(appointment.code), {"office": "phoenix", "start": local_start(there)}, **headers
    )
    assert response.status_code == 403
    response = post(client, url(appointment.code), {"start": offset_start(later)}, **headers)
    assert response.status_code == 200
    event = AppointmentEvent.objects.get(appointment=appointment, action=AppointmentAction.RESCHEDULED)
    assert event.channel == Channel.STAFF


def test_consular_staff_of_another_office_get_404(client, appointment, later):
    chicago = make_office("chicago", tz="America/Chicago")
    headers = bearer(Role.CONSULAR_STAFF, offices=(chicago,))
    response = post(client, url(appointment.code), {"start": offset_start(later)}, **headers)
    assert response.status_code == 404


def test_an_agent_reschedules_by_phone(client, appointment, later):
    response = post(client, url(appointment.code), {"start": offset_start(later)}, **bearer(Role.AGENT))
    assert response.status_code == 200
    event = AppointmentEvent.objects.get(appointment=appointment, action=AppointmentAction.RESCHEDULED)
    assert event.channel == Channel.PHONE


def test_to_an_office_without_the_procedure_is_422_on_office(client, appointment, person):
    phoenix = make_office("phoenix", tz="America/Phoenix")
    body = {"curp": person.curp, "office": phoenix.code, "start": "2030-01-07T09:00"}
    response = post(client, url(appointment.code), body, lang="en")
    assert response.status_code == 422
    assert response.json()["errors"] == {"office": ["This office does not offer that procedure."]}
