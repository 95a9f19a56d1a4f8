"""Names over the API: a name with control or invisible characters, or without a letter, is a 422
naming the field, in the caller's language, and nothing is stored."""

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from miconsulado.booking.tests.api_support import book, booking, person, post
from miconsulado.booking.tests.names import (
    good_names,
    names_with_refused_characters,
    names_without_letters,
    stored,
)
from miconsulado.testing import applicant, assert_nothing_booked, make_procedure, make_slot, make_window

pytestmark = pytest.mark.django_db

URL = "/api/v1/appointments"
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
INVISIBLE = {
    "es": "Contiene caracteres de control o invisibles; escríbalo sin ellos.",
    "en": "Contains control or invisible characters; type it without them.",
}
NO_LETTER = {"es": "Debe contener al menos una letra.", "en": "Must contain at least one letter."}
bad_names = st.one_of(
    st.tuples(names_with_refused_characters(), st.just(INVISIBLE)),
    st.tuples(names_without_letters, st.just(NO_LETTER)),
)


@PROPERTY
@given(
    field=st.sampled_from(["given_names", "first_surname", "second_surname"]),
    bad=bad_names,
    lang=st.sampled_from(["es", "en"]),
)
def test_a_bad_name_is_a_422_on_its_field(client, slot, field, bad, lang):
    name, messages = bad
    response = post(client, URL, booking(slot, applicants=[person(**{field: name})]), lang=lang)
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "invalid_applicants"
    assert response.json()["errors"] == {f"applicants.0.{field}": [messages[lang]]}
    assert_nothing_booked(slot)


@PROPERTY
@given(bad=bad_names)
def test_a_bad_parent_name_is_a_422_on_its_field(client, office, bad):
    name, messages = bad
    minor = make_procedure("passport-minor", requires_both_parents=True, max_age=17)
    slot = make_slot(make_window(office, [minor]))
    child = person(
        birth=dt.date(2018, 5, 1),
        parents=[{"role": "mother", "full_name": "María López"}, {"role": "father", "full_name": name}],
    )
    response = post(client, URL, booking(slot, "passport-minor", applicants=[child]), lang="en")
    assert response.status_code == 422, response.json()
    assert response.json()["errors"] == {"applicants.0.parents.1.full_name": [messages["en"]]}
    assert_nothing_booked(slot)


@PROPERTY
@given(name=good_names())
def test_a_real_name_is_booked_as_typed_composed(client, office, procedure, name):
    slot = make_slot(make_window(office, [procedure]), capacity=1)  # a fresh place per example
    response = post(client, URL, booking(slot, applicants=[person(given_names=name)]))
    assert response.status_code == 201, response.json()
    assert response.json()["applicants"][0]["given_names"] == stored(name)


def test_a_lone_surrogate_is_a_422_not_a_500(client, slot):
    body = json.dumps(booking(slot)).replace('"Juan"', '"Ju\\ud800an"')
    response = client.post(URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == ["applicants.0.given_names"]  # refused by the parser
    assert_nothing_booked(slot)


@pytest.mark.parametrize("reason", ["\x1b[31mrojo", "ok\u202eko", "\u200b"])
def test_a_cancellation_reason_with_invisible_characters_is_a_422(client, slot, procedure, reason):
    people = applicant()
    appointment = book(slot, procedure, people)
    body = {"curp": people.curp, "reason": reason}
    response = post(client, f"{URL}/{appointment.code}/cancel", body, lang="en")
    assert response.status_code == 422, response.json()
    assert response.json() == {
        "code": "invalid_text",
        "message": INVISIBLE["en"],
        "errors": {"reason": [INVISIBLE["en"]]},
    }
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"
