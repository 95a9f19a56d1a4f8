"""Every name field takes the names people have (accents, Ñ, apostrophes, hyphens, dots, combining
marks, any script) and refuses control and invisible characters and text without a letter: through
the booking service, on both databases, with nothing stored when it refuses."""

import dataclasses
import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from miconsulado.booking import services
from miconsulado.booking.applicants import ParentData
from miconsulado.booking.errors import InvalidApplicants, InvalidText
from miconsulado.booking.models import Applicant, AppointmentStatus, Parent
from miconsulado.booking.tests.names import (
    good_names,
    names_with_refused_characters,
    names_without_letters,
    refused,
    stored,
)
from miconsulado.booking.text import INVISIBLE, NO_LETTER
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant, assert_nothing_booked, make_procedure, make_slot, make_window

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
APPLICANT_NAMES = ["given_names", "first_surname", "second_surname"]
bad_names = st.one_of(
    st.tuples(names_with_refused_characters(), st.just(INVISIBLE)),
    st.tuples(names_without_letters, st.just(NO_LETTER)),
)


@pytest.fixture
def minor_slot(office):
    minor = make_procedure("passport-minor", requires_both_parents=True, max_age=17)
    return make_slot(make_window(office, [minor]))


def book(slot, person, procedure=None):
    return services.book_appointment(
        slot=slot,
        procedure=procedure or slot.window.procedures.get(),
        applicants=[person],
        channel=Channel.API,
    ).appointment


def child(mother: str = "María López", father: str = "Pedro Pérez", names=None, **mother_kw):
    parents = (
        ParentData(role="mother", full_name=mother, **mother_kw),
        ParentData(role="father", full_name=father),
    )
    return applicant(birth=dt.date(2016, 3, 14), parents=parents, **(names or {}))


@PROPERTY
@given(field=st.sampled_from(APPLICANT_NAMES), bad=bad_names)
def test_a_bad_applicant_name_is_refused_on_its_field(slot, field, bad):
    name, message = bad
    with pytest.raises(InvalidApplicants) as info:
        book(slot, dataclasses.replace(applicant(), **{field: name}))
    assert info.value.errors == {f"applicants.0.{field}": [message]}
    assert_nothing_booked(slot)


@PROPERTY
@given(bad=bad_names)
def test_a_bad_parent_name_is_refused_on_its_field(minor_slot, bad):
    name, message = bad
    with pytest.raises(InvalidApplicants) as info:
        book(minor_slot, child(father=name))
    assert info.value.errors == {"applicants.0.parents.1.full_name": [message]}
    assert_nothing_booked(minor_slot)


@PROPERTY
@given(document=st.text(refused, min_size=1, max_size=2).map(lambda bad: f"G12{bad}345"))
def test_an_id_document_with_invisible_characters_is_refused(minor_slot, document):
    with pytest.raises(InvalidApplicants) as info:
        book(minor_slot, child(id_document=document))
    assert info.value.errors == {"applicants.0.parents.0.id_document": [INVISIBLE]}
    assert_nothing_booked(minor_slot)


@PROPERTY
@given(names=st.tuples(good_names(), good_names(), good_names(), good_names()))
def test_real_names_are_stored_composed_and_single_spaced(minor_slot, names):
    given_names, first, second, mother = names
    person = child(
        mother=mother,
        id_document=" G12  345 ",
        names={"given_names": given_names, "first_surname": first, "second_surname": second},
    )
    with transaction.atomic():
        appointment = book(minor_slot, person)
        kept = Applicant.objects.get(appointment=appointment)
        assert (kept.given_names, kept.first_surname, kept.second_surname) == (
            stored(given_names),
            stored(first),
            stored(second),
        )
        mother_row = Parent.objects.get(applicant=kept, role="mother")
        assert (mother_row.full_name, mother_row.id_document) == (stored(mother), "G12 345")
        transaction.set_rollback(True)  # the next example books the same place again


def test_every_problem_is_told_at_once(slot):
    person = dataclasses.replace(
        applicant(), given_names="\u200b", first_surname="Pérez\x1b[2J", second_surname="---"
    )
    with pytest.raises(InvalidApplicants) as info:
        book(slot, person)
    assert info.value.errors == {
        "applicants.0.given_names": [INVISIBLE],
        "applicants.0.first_surname": [INVISIBLE],
        "applicants.0.second_surname": [NO_LETTER],
    }
    assert_nothing_booked(slot)


@pytest.fixture
def booked(slot):
    return book(slot, applicant())


@PROPERTY
@given(reason=st.text(refused.filter(lambda c: c not in "\r\n\t"), min_size=1, max_size=3))
def test_a_cancellation_reason_with_invisible_characters_is_refused(booked, reason):
    with pytest.raises(InvalidText) as info:
        services.cancel_appointment(
            appointment=booked, channel=Channel.API, reason=f"Cambio{reason} de planes"
        )
    assert info.value.errors == {"reason": [INVISIBLE]}
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CONFIRMED


def test_a_cancellation_reason_may_span_lines(slot):
    appointment = book(slot, applicant())
    services.cancel_appointment(appointment=appointment, channel=Channel.API, reason="Cambio.\r\nGracias")
    assert appointment.events.get(action="cancelled").data["reason"] == "Cambio.\nGracias"
