from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from miconsulado.accounts.models import ApiToken, Role
from miconsulado.accounts.selectors import user_for_token
from miconsulado.accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("issue_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_prints_a_working_token_once():
    user = make_user(Role.AGENT, username="agente")
    out, err = run("agente", "--label", "softphone")
    token = out.strip()
    assert user_for_token(token) == user
    assert ApiToken.objects.get(user=user).label == "softphone"
    assert token not in err
    assert "only now" in err


def test_unknown_user_is_an_error_and_issues_nothing():
    with pytest.raises(CommandError, match="nadie"):
        run("nadie")
    assert not ApiToken.objects.exists()


def test_inactive_user_is_an_error():
    make_user(Role.AGENT, username="ex-agente", is_active=False)
    with pytest.raises(CommandError):
        run("ex-agente")
    assert not ApiToken.objects.exists()
