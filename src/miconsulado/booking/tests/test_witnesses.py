"""A birth registration's witnesses: exactly as many as the procedure requires, each with a name and
an ID document, stored with the booking (all or nothing), answered by the API, kept on reschedule."""

import pytest
from django.urls import reverse

from miconsulado.accounts.models import Role
from miconsulado.accounts.tests.factories import make_user
from miconsulado.booking import services
from miconsulado.booking.errors import InvalidWitnesses
from miconsulado.booking.models import Appointment, Witness
from miconsulado.booking.tests.api_support import bearer, booking, get, offset_start, post
from miconsulado.booking.witnesses import WitnessData
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant, make_procedure, make_slot, make_window

pytestmark = pytest.mark.django_db
URL = "/api/v1/appointments"
TWO = [
    {"full_name": "Rosa Martínez Ávila", "id_document": "INE 1234567890"},
    {"full_name": "José O'Neill", "id_document": "Pasaporte G12345678"},
]


@pytest.fixture
def registration(office):
    return make_procedure("birth-registration", max_persons=4, witnesses_required=2)


@pytest.fixture
def slot(office, procedure, registration):
    return make_slot(make_window(office, [procedure, registration]), capacity=2)


def register(client, slot, witnesses, **headers):
    return post(client, URL, booking(slot, "birth-registration", witnesses=witnesses), **headers)


def assert_nothing_written(slot):
    slot.refresh_from_db()
    assert slot.booked == 0
    assert not Appointment.objects.exists()
    assert not Witness.objects.exists()


def test_stored_in_order_and_answered(client, slot):
    response = register(client, slot, TWO)
    assert response.status_code == 201, response.json()
    # Names for whoever has the appointment; ID documents only for staff.
    assert response.json()["witnesses"] == [
        {"full_name": "Rosa Martínez Ávila", "id_document": None},
        {"full_name": "José O'Neill", "id_document": None},
    ]
    appointment = Appointment.objects.get(code=response.json()["code"])
    assert [(w.position, w.full_name, w.id_document) for w in appointment.witnesses.all()] == [
        (0, "Rosa Martínez Ávila", "INE 1234567890"),
        (1, "José O'Neill", "Pasaporte G12345678"),
    ]
    staff = get(client, f"{URL}/{appointment.code}", **bearer(Role.SUPERVISOR))
    assert [w["id_document"] for w in staff.json()["witnesses"]] == ["INE 1234567890", "Pasaporte G12345678"]


def test_names_and_documents_are_stored_clean(client, slot):
    witnesses = [
        {"full_name": "  Rosa   Martínez ", "id_document": " INE  123 "},
        {"full_name": "José", "id_document": "INE 456"},
    ]
    assert register(client, slot, witnesses).status_code == 201
    assert list(Witness.objects.values_list("full_name", "id_document")) == [
        ("Rosa Martínez", "INE 123"),
        ("José", "INE 456"),
    ]


@pytest.mark.parametrize(
    ("witnesses", "field"),
    [
        ([], "witnesses"),
        (TWO[:1], "witnesses"),
        ([*TWO, {"full_name": "Otro Testigo", "id_document": "INE 999"}], "witnesses"),
        ([TWO[0], {"full_name": "\u200b", "id_document": "INE 999"}], "witnesses.1.full_name"),
        ([TWO[0], {"full_name": "1234", "id_document": "INE 999"}], "witnesses.1.full_name"),
        ([{"full_name": "Rosa\x1b[2J", "id_document": "INE 1"}, TWO[1]], "witnesses.0.full_name"),
        ([TWO[0], {"full_name": "Ana Ruiz", "id_document": "  "}], "witnesses.1.id_document"),
        ([TWO[0], {"full_name": "Ana Ruiz", "id_document": "INE\u202e1"}], "witnesses.1.id_document"),
        ([TWO[0], {"full_name": "Ana Ruiz", "id_document": "ine 1234567890"}], "witnesses.1.id_document"),
    ],
    ids=[
        "none",
        "one",
        "three",
        "invisible-name",
        "no-letter",
        "control-character",
        "blank-document",
        "bidi-override",
        "same-document-twice",
    ],
)
def test_refused_with_the_field_and_nothing_written(client, slot, witnesses, field):
    response = register(client, slot, witnesses)
    assert response.status_code == 422, response.json()
    body = response.json()
    assert body["code"] == "invalid_witnesses"
    assert field in body["errors"]
    assert_nothing_written(slot)


def test_a_procedure_without_witnesses_refuses_them(client, slot):
    response = post(client, URL, booking(slot, "matricula", witnesses=TWO))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_witnesses"
    assert response.json()["errors"]["witnesses"] == ["Este trámite no lleva testigos."]
    assert_nothing_written(slot)


def test_a_missing_field_is_a_validation_error(client, slot):
    response = register(client, slot, [TWO[0], {"full_name": "Ana Ruiz"}])
    assert response.status_code == 422
    assert "witnesses.1.id_document" in response.json()["errors"]
    assert_nothing_written(slot)


def test_message_in_english(client, slot):
    response = post(client, URL, booking(slot, "birth-registration", witnesses=TWO[:1]), lang="en")
    assert response.json()["errors"]["witnesses"] == ["This procedure requires 2 witnesses."]


def test_a_reschedule_keeps_them(client, slot, window):
    created = register(client, slot, TWO).json()
    later = make_slot(slot.window, days_ahead=10, capacity=1)
    curp = created["applicants"][0]["curp"]
    moved = post(client, f"{URL}/{created['code']}/reschedule", {"curp": curp, "start": offset_start(later)})
    assert moved.status_code == 200, moved.json()
    assert [w["full_name"] for w in moved.json()["witnesses"]] == ["Rosa Martínez Ávila", "José O'Neill"]
    assert Witness.objects.filter(appointment__slot=later).count() == 2


def test_a_confirmed_hold_records_them(slot, registration):
    hold = services.hold_slot(slot=slot, procedure=registration, channel=Channel.WEB)
    with pytest.raises(InvalidWitnesses):
        services.confirm_appointment(
            contact_proven=True, appointment=hold, applicants=[applicant()], channel=Channel.WEB
        )
    assert not Witness.objects.exists()
    confirmed = services.confirm_appointment(
        contact_proven=True,
        appointment=hold,
        applicants=[applicant()],
        witnesses=[WitnessData("Rosa Martínez", "INE 1"), WitnessData("José Pérez", "INE 2")],
        channel=Channel.WEB,
    )
    assert [w.full_name for w in confirmed.witnesses.all()] == ["Rosa Martínez", "José Pérez"]


def test_other_appointments_answer_an_empty_list(client, slot):
    response = post(client, URL, booking(slot, "matricula"))
    assert response.status_code == 201
    assert response.json()["witnesses"] == []


def test_shown_to_staff_in_the_admin(client, slot, office):
    created = register(client, slot, TWO).json()
    appointment = Appointment.objects.get(code=created["code"])
    client.force_login(make_user(Role.CONSULAR_STAFF, offices=[office]))
    page = client.get(reverse("admin:booking_appointment_change", args=[appointment.pk]))
    assert page.status_code == 200
    assert "Rosa Martínez Ávila" in page.text and "Pasaporte G12345678" in page.text
