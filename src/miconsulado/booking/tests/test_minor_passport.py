import datetime as dt

import pytest

from miconsulado.booking import services
from miconsulado.booking.applicants import ParentData
from miconsulado.booking.errors import InvalidApplicants
from miconsulado.booking.models import Parent
from miconsulado.booking.services import local_date
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant, both_parents, make_procedure, make_slot, make_window


@pytest.fixture
def minor_passport(db):
    return make_procedure("passport-minor", requires_both_parents=True, max_age=17, max_persons=4)


@pytest.fixture
def slot(office, minor_passport):
    return make_slot(make_window(office, [minor_passport]))


def child(**kw):
    return applicant(birth=dt.date(2016, 3, 14), **kw)


def book(slot, procedure, person):
    return services.book_appointment(
        slot=slot, procedure=procedure, applicants=[person], channel=Channel.WEB
    ).appointment


def test_both_parents_are_recorded(slot, minor_passport):
    appointment = book(slot, minor_passport, child(parents=both_parents()))
    roles = set(Parent.objects.filter(applicant__appointment=appointment).values_list("role", flat=True))
    assert roles == {"mother", "father"}


def test_one_parent_is_not_enough(slot, minor_passport):
    with pytest.raises(InvalidApplicants) as info:
        book(slot, minor_passport, child(parents=both_parents()[:1]))
    assert "applicants.0.parents" in info.value.errors


def test_absent_parent_needs_a_recent_remote_op7(slot, minor_passport):
    day = local_date(slot)
    recent = (
        ParentData(role="mother", full_name="María"),
        ParentData(
            role="father",
            full_name="Pedro",
            present=False,
            remote_consent_signed_on=day - dt.timedelta(days=30),
        ),
    )
    assert book(slot, minor_passport, child(parents=recent)).status == "confirmed"


@pytest.mark.parametrize("age_days", [91, None])
def test_stale_or_missing_op7_is_refused(slot, minor_passport, age_days):
    day = local_date(slot)
    signed = None if age_days is None else day - dt.timedelta(days=age_days)
    parents = (
        ParentData(role="mother", full_name="María"),
        ParentData(role="father", full_name="Pedro", present=False, remote_consent_signed_on=signed),
    )
    with pytest.raises(InvalidApplicants) as info:
        book(slot, minor_passport, child(parents=parents))
    assert "applicants.0.parents.1.remote_consent_signed_on" in info.value.errors


def test_an_adult_cannot_book_a_minor_passport(slot, minor_passport):
    with pytest.raises(InvalidApplicants) as info:
        book(slot, minor_passport, applicant(parents=both_parents()))
    assert "applicants.0.birth_date" in info.value.errors
