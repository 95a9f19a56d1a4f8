import datetime as dt

import pytest

from miconsulado.accounts.models import ApiToken, Role
from miconsulado.accounts.selectors import user_for_token
from miconsulado.accounts.services import issue_token, revoke_token
from miconsulado.accounts.tests.factories import make_user
from miconsulado.core.errors import Invalid

pytestmark = pytest.mark.django_db


def test_issue_stores_only_hash_and_prefix():
    user = make_user(Role.AGENT)
    raw = issue_token(user=user, label="ivr")
    token = ApiToken.objects.get(user=user)
    assert len(raw) >= 40
    assert token.key_hash == ApiToken.hash_key(raw) != raw
    assert token.prefix == raw[:8]
    assert token.label == "ivr"
    assert not ApiToken.objects.filter(key_hash=raw).exists()


def test_each_token_is_different():
    user = make_user(Role.AGENT)
    assert issue_token(user=user) != issue_token(user=user)
    assert ApiToken.objects.filter(user=user).count() == 2


def test_valid_token_finds_its_user_and_records_use():
    user = make_user(Role.AGENT)
    raw = issue_token(user=user)
    assert user_for_token(raw) == user
    assert ApiToken.objects.get(user=user).last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute():
    user = make_user(Role.AGENT)
    raw = issue_token(user=user)
    user_for_token(raw)
    first = ApiToken.objects.get(user=user).last_used_at
    user_for_token(raw)
    assert ApiToken.objects.get(user=user).last_used_at == first

    stale = first - dt.timedelta(minutes=5)
    ApiToken.objects.filter(user=user).update(last_used_at=stale)
    user_for_token(raw)
    assert ApiToken.objects.get(user=user).last_used_at > stale


@pytest.mark.parametrize("raw", ["", "   ", "not-a-token", "x" * 5000])
def test_unknown_token_finds_nobody(raw):
    issue_token(user=make_user(Role.AGENT))
    assert user_for_token(raw) is None


def test_revoked_token_finds_nobody():
    user = make_user(Role.AGENT)
    raw = issue_token(user=user)
    revoke_token(token=ApiToken.objects.get(user=user))
    assert user_for_token(raw) is None


def test_revoking_twice_keeps_the_first_time():
    token_owner = make_user(Role.AGENT)
    issue_token(user=token_owner)
    token = ApiToken.objects.get(user=token_owner)
    first = revoke_token(token=token).revoked_at
    assert first is not None
    assert revoke_token(token=ApiToken.objects.get(pk=token.pk)).revoked_at == first


def test_token_of_inactive_user_finds_nobody():
    user = make_user(Role.AGENT)
    raw = issue_token(user=user)
    user.is_active = False
    user.save()
    assert user_for_token(raw) is None


def test_no_token_for_inactive_user():
    user = make_user(Role.AGENT, is_active=False)
    with pytest.raises(Invalid):
        issue_token(user=user)
    assert not ApiToken.objects.exists()


def test_label_too_long_is_refused_and_nothing_is_stored():
    user = make_user(Role.AGENT)
    with pytest.raises(Invalid) as excinfo:
        issue_token(user=user, label="x" * 101)
    assert excinfo.value.field == "label"
    assert not ApiToken.objects.exists()
