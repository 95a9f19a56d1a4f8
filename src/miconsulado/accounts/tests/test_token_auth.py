import pytest
from django.test import RequestFactory

from miconsulado.accounts.auth import TokenAuth
from miconsulado.accounts.callers import require_office_access, require_roles
from miconsulado.accounts.models import ApiToken, Role
from miconsulado.accounts.services import issue_token, revoke_token
from miconsulado.accounts.tests.factories import make_user
from miconsulado.core.errors import Forbidden
from miconsulado.testing import make_office

pytestmark = pytest.mark.django_db


def authenticate(header: str | None):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    request = RequestFactory().get("/api/v1/anything", **extra)
    return TokenAuth()(request), request


def test_valid_bearer_token_returns_the_user():
    user = make_user(Role.AGENT)
    raw = issue_token(user=user)
    result, request = authenticate(f"Bearer {raw}")
    assert result == user
    assert request.user == user


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer nope", "Basic abc", "Token x"])
def test_missing_or_unknown_token_is_refused(header):
    issue_token(user=make_user(Role.AGENT))
    assert authenticate(header)[0] is None


def test_revoked_token_is_refused():
    user = make_user(Role.AGENT)
    raw = issue_token(user=user)
    revoke_token(token=ApiToken.objects.get(user=user))
    assert authenticate(f"Bearer {raw}")[0] is None


def test_token_of_inactive_user_is_refused():
    user = make_user(Role.AGENT)
    raw = issue_token(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert authenticate(f"Bearer {raw}")[0] is None


def test_require_roles():
    agent = make_user(Role.AGENT)
    assert require_roles(agent, Role.AGENT, Role.SUPERVISOR) is agent
    with pytest.raises(Forbidden):
        require_roles(agent, Role.SUPERVISOR)
    with pytest.raises(Forbidden):
        require_roles(make_user(""), Role.AGENT)


def test_admins_and_superusers_pass_every_role_check():
    require_roles(make_user(Role.ADMIN), Role.AGENT)
    require_roles(make_user("", is_superuser=True), Role.CONSULAR_STAFF)


def test_inactive_or_anonymous_users_fail_role_checks():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Forbidden):
        require_roles(make_user(Role.ADMIN, is_active=False), Role.ADMIN)
    with pytest.raises(Forbidden):
        require_roles(AnonymousUser(), Role.AGENT)
    with pytest.raises(Forbidden):
        require_roles(None, Role.AGENT)


def test_consular_staff_only_reach_their_offices():
    la = make_office("losangeles")
    chicago = make_office("chicago", tz="America/Chicago")
    staff = make_user(Role.CONSULAR_STAFF, offices=[la])
    require_office_access(staff, la)
    with pytest.raises(Forbidden):
        require_office_access(staff, chicago)
    # Agents book for every office; supervisors manage all of them.
    require_office_access(make_user(Role.AGENT), chicago)
    require_office_access(make_user(Role.SUPERVISOR), chicago)
