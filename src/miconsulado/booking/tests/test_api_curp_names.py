"""A CURP that the names do not produce is refused on its fields, in the caller's language, and
nothing is booked; every channel gets it from the core's applicant validation."""

import dataclasses

import pytest

from miconsulado.booking import services
from miconsulado.booking.errors import InvalidApplicants
from miconsulado.booking.models import Applicant
from miconsulado.booking.tests.api_support import booking, person, post
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant, assert_nothing_booked, make_curp, make_slot

pytestmark = pytest.mark.django_db
URL = "/api/v1/appointments"
MESSAGES = {
    "es": (
        "La CURP no corresponde al nombre y los apellidos escritos: revise ambos (como en su acta de nacimiento).",
        "No coincide con la CURP: escríbalo como en su acta de nacimiento.",
    ),
    "en": (
        "The CURP does not match the given names and surnames typed: check both (as on your birth certificate).",
        "Does not match the CURP: write it as on your birth certificate.",
    ),
}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_someone_elses_curp_is_a_422_on_the_fields_that_disagree(client, slot, lang):
    # A valid CURP made for Ana Pérez López, typed with Juan's name (the reseller's made-up pair).
    body = booking(slot, applicants=[person(curp=make_curp(given_names="Ana"))])
    response = post(client, URL, body, lang=lang)
    assert response.status_code == 422, response.json()
    curp_message, name_message = MESSAGES[lang]
    assert response.json()["code"] == "invalid_applicants"
    assert response.json()["errors"] == {
        "applicants.0.curp": [curp_message],
        "applicants.0.given_names": [name_message],
    }
    assert_nothing_booked(slot)


def test_a_family_member_whose_curp_disagrees_is_named(client, slot):
    stranger = person(
        given_names="Ana", email="", phone="", curp=make_curp(given_names="Ana", first_surname="Gómez")
    )
    response = post(client, URL, booking(slot, applicants=[person(), stranger]), lang="en")
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "applicants.1.curp": [MESSAGES["en"][0]],
        "applicants.1.first_surname": [MESSAGES["en"][1]],
    }
    assert_nothing_booked(slot)


def test_tricky_names_book(client, slot):
    for names in (
        {"given_names": "María de los Ángeles", "first_surname": "de la Peña", "second_surname": "Ñúñez"},
        {"given_names": "Ma. Guadalupe", "first_surname": "Mc Gregor", "second_surname": ""},
    ):
        response = post(client, URL, booking(slot, applicants=[person(**names)]))
        assert response.status_code == 201, response.json()


def test_the_service_refuses_it_for_every_channel(slot, procedure):
    for channel in Channel:
        with pytest.raises(InvalidApplicants) as info:
            services.book_appointment(
                slot=slot,
                procedure=procedure,
                applicants=[applicant(curp=make_curp(given_names="Pedro"))],
                channel=channel,
            )
        assert set(info.value.errors) == {"applicants.0.curp", "applicants.0.given_names"}
    assert_nothing_booked(slot)


def test_a_reschedule_does_not_judge_names_booked_before(slot, procedure, window):
    # Booked before the check existed (or by staff correcting a name later): still movable.
    appointment = services.book_appointment(
        slot=slot, procedure=procedure, applicants=[applicant()], channel=Channel.WEB
    ).appointment
    Applicant.objects.filter(appointment=appointment).update(given_names="Pedro")
    target = make_slot(window)
    moved = services.reschedule_appointment(appointment=appointment, new_slot=target, channel=Channel.WEB)
    assert moved.slot_id == target.pk


@pytest.mark.parametrize("field", ["given_names", "first_surname", "second_surname"])
@pytest.mark.parametrize("bad", ["\n", "\t\u2028", "\u200b"])
def test_an_unreadable_name_gets_its_own_message_only(slot, procedure, field, bad):
    # A name of refused characters only reads as "": it must not also be judged against the CURP.
    person = dataclasses.replace(applicant(), **{field: bad})
    with pytest.raises(InvalidApplicants) as info:
        services.book_appointment(slot=slot, procedure=procedure, applicants=[person], channel=Channel.API)
    assert list(info.value.errors) == [f"applicants.0.{field}"]
    assert_nothing_booked(slot)
