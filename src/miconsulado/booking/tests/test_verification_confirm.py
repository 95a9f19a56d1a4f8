"""Only a verified hold is confirmed for a citizen: the code must have been verified for the first
applicant's e-mail (or phone). Staff and agents confirm directly."""

import pytest

from miconsulado.accounts.models import Role
from miconsulado.accounts.tests.factories import make_user
from miconsulado.booking import services
from miconsulado.booking.errors import ContactNotVerified
from miconsulado.booking.models import AppointmentStatus
from miconsulado.booking.tests.verification_support import (  # noqa: F401  clear_tasks: autouse
    clear_tasks,
    make_hold,
    sent_code,
)
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant, make_slot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hold(slot):
    return make_hold(slot)


def verify(hold, contact="ana@example.com", channel="email"):
    issued = services.send_verification_code(hold=hold, channel=channel, contact=contact)
    services.verify_contact(hold=hold, code=sent_code(issued.pk))


def confirm(hold, *people, **kw):
    kw.setdefault("channel", Channel.API)
    return services.confirm_appointment(appointment=hold, applicants=list(people) or [applicant()], **kw)


@pytest.mark.parametrize("channel", [Channel.API, Channel.WEB])
def test_an_unverified_hold_is_not_confirmed_for_a_citizen(hold, channel):
    with pytest.raises(ContactNotVerified) as refused:
        confirm(hold, applicant(email="ana@example.com"), channel=channel)
    assert refused.value.errors.keys() == {"verification_code"}
    hold.refresh_from_db()
    assert hold.status == AppointmentStatus.HELD and not hold.applicants.exists()


def test_a_code_sent_but_not_verified_is_not_enough(hold):
    services.send_verification_code(hold=hold, contact="ana@example.com")
    with pytest.raises(ContactNotVerified):
        confirm(hold, applicant(email="ana@example.com"))


def test_a_verified_hold_is_confirmed(hold):
    verify(hold)
    confirmed = confirm(hold, applicant(email="Ana@Example.com"))
    assert confirmed.status == AppointmentStatus.CONFIRMED


def test_the_verified_contact_must_be_the_first_applicants(hold, slot):
    verify(hold, contact="mine@example.com")
    with pytest.raises(ContactNotVerified):
        confirm(hold, applicant(email="someone-else@example.com"))
    family = make_hold(make_slot(slot.window), places=2)
    verify(family, contact="mine@example.com")
    with pytest.raises(ContactNotVerified):
        confirm(family, applicant(email="other@example.com"), applicant(email="mine@example.com"))


def test_a_phone_verified_by_sms_counts_for_the_first_applicants_phone(hold):
    verify(hold, contact="+1 213 555 0199", channel="sms")
    person = applicant(email="ana@example.com", phone="(213) 555-0199")
    assert confirm(hold, person).status == AppointmentStatus.CONFIRMED


@pytest.mark.parametrize("role", [Role.AGENT, Role.CONSULAR_STAFF, Role.SUPERVISOR])
def test_staff_and_agents_confirm_without_a_code(hold, role):
    user = make_user(role=role)
    channel = Channel.PHONE if role == Role.AGENT else Channel.STAFF
    assert confirm(hold, actor=user, channel=channel).status == AppointmentStatus.CONFIRMED


def test_a_contact_proven_otherwise_needs_no_code(hold):
    assert confirm(hold, contact_proven=True).status == AppointmentStatus.CONFIRMED


def test_the_system_channel_needs_no_code(hold):
    assert confirm(hold, channel=Channel.SYSTEM).status == AppointmentStatus.CONFIRMED
