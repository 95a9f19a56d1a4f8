"""The Caller every channel builds from the user it found (or none), without HTTP."""

import pytest
from django.contrib.auth.models import AnonymousUser

from miconsulado.accounts.callers import Caller, caller_for
from miconsulado.accounts.models import Role
from miconsulado.accounts.tests.factories import make_user
from miconsulado.core.channels import Channel
from miconsulado.core.errors import Forbidden
from miconsulado.testing import make_office

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("nobody", [None, AnonymousUser()])
def test_nobody_signed_in_is_a_citizen_on_the_channel_they_use(nobody):
    citizen = caller_for(nobody)
    assert citizen == Caller(None)
    assert citizen.is_anonymous and not citizen.is_staff and not citizen.is_agent
    assert citizen.channel == Channel.API
    assert caller_for(nobody, citizen_channel=Channel.WEB).channel == Channel.WEB
    assert caller_for(nobody, citizen_channel=Channel.IVR).channel == Channel.IVR


@pytest.mark.parametrize(
    ("role", "channel", "is_staff"),
    [
        (Role.AGENT, Channel.PHONE, False),
        (Role.CONSULAR_STAFF, Channel.STAFF, True),
        (Role.SUPERVISOR, Channel.STAFF, True),
        (Role.ADMIN, Channel.STAFF, True),
    ],
)
def test_staff_and_agents_are_recorded_by_role_whatever_the_channel(role, channel, is_staff):
    for citizen_channel in (Channel.API, Channel.WEB):
        who = caller_for(make_user(role), citizen_channel=citizen_channel)
        assert who.channel == channel
        assert who.is_staff is is_staff
        assert who.is_anonymous is False


def test_a_user_without_a_caller_role_or_inactive_is_refused():
    with pytest.raises(Forbidden):
        caller_for(make_user(""))
    with pytest.raises(Forbidden):
        caller_for(make_user(Role.AGENT, is_active=False))


def test_who_reaches_an_office_without_the_applicants_curp():
    la = make_office("losangeles")
    chicago = make_office("chicago", tz="America/Chicago")
    staff = caller_for(make_user(Role.CONSULAR_STAFF, offices=[la]))
    assert staff.reaches(la) and not staff.reaches(chicago)
    staff.ensure_may_book(la)
    with pytest.raises(Forbidden):
        staff.ensure_may_book(chicago)
    agent = caller_for(make_user(Role.AGENT))
    assert agent.reaches(chicago)
    agent.ensure_may_book(chicago)
    assert caller_for(make_user(Role.SUPERVISOR)).reaches(chicago)
    citizen = caller_for(None)
    assert not citizen.reaches(la)
    citizen.ensure_may_book(la)  # anyone may book; the CURP proves the rest
