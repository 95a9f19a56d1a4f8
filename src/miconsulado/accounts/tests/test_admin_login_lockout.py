"""Admin login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords a username is
refused from that address for the cool-off, with a 429 page in the caller's language, before any
password is hashed; other usernames and addresses are not locked; admins unlock."""

import os
import subprocess
import sys
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from miconsulado.accounts.models import Role
from miconsulado.accounts.services import issue_token
from miconsulado.accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "x-test-password"  # factories.make_user's
LIMIT = 5


def login(client, username, password, address="127.0.0.1", **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **extra,
    )


def fail(client, username, times, **kw):
    return [login(client, username, "wrong", **kw).status_code for _ in range(times)]


def logged_in(response):
    return response.status_code == 302 and "_auth_user_id" in response.client.session


@pytest.fixture
def admin_user():
    return make_user(Role.ADMIN, username="ana")


def test_the_settings_are_the_documented_ones():
    assert settings.AXES_ENABLED is True
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_the_limit_and_cool_off_come_from_the_environment():
    env = {
        **os.environ,
        "MICONSULADO_LOGIN_FAILURE_LIMIT": "3",
        "MICONSULADO_LOGIN_COOLOFF_MINUTES": "60",
        "MICONSULADO_DEBUG": "1",
    }
    code = "import miconsulado.settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    out = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["3", "1:00:00"]


def test_five_wrong_passwords_lock_even_the_right_one_out(client, admin_user):
    assert fail(client, "ana", LIMIT) == [200] * (LIMIT - 1) + [429]
    response = login(client, "ana", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(response)
    assert client.get("/admin/").status_code == 302  # to the login page


def test_a_success_before_the_limit_starts_the_count_again(client, admin_user):
    fail(client, "ana", LIMIT - 1)
    assert logged_in(login(client, "ana", PASSWORD))
    client.logout()
    assert fail(client, "ana", LIMIT - 1) == [200] * (LIMIT - 1)


def test_a_locked_out_login_hashes_no_password(client, admin_user):
    with mock.patch.object(ModelBackend, "authenticate", autospec=True, return_value=None) as backend:
        fail(client, "ana", LIMIT)
        assert backend.call_count == LIMIT  # each checked the password; the fifth failure locks
        backend.reset_mock()
        for password in ["wrong", PASSWORD, "other"]:
            assert login(client, "ana", password).status_code == 429
        assert backend.call_count == 0


def test_the_lockout_page_is_in_spanish_and_english(client, admin_user):
    fail(client, "ana", LIMIT)
    spanish = login(client, "ana", "wrong").content.decode()
    assert "Acceso bloqueado temporalmente" in spanish
    assert "Hubo 5 intentos fallidos" in spanish
    assert "Podrá intentarlo de nuevo en 15 minutos." in spanish
    response = login(client, "ana", "wrong", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert response["Content-Language"] == "en"
    english = response.content.decode()
    assert "Access temporarily locked" in english
    assert "There were 5 failed attempts" in english
    assert "You can try again in 15 minutes." in english


def test_another_username_from_that_address_is_not_locked(client, admin_user):
    make_user(Role.ADMIN, username="beto")
    fail(client, "ana", LIMIT)
    assert logged_in(login(client, "beto", PASSWORD))


def test_the_same_username_from_another_address_is_not_locked(client, admin_user):
    fail(client, "ana", LIMIT)
    assert logged_in(login(client, "ana", PASSWORD, address="10.0.0.2"))


def test_after_the_cool_off_the_right_password_works(client, admin_user):
    fail(client, "ana", LIMIT)
    later = timezone.now() + timedelta(minutes=14)
    with mock.patch("axes.handlers.proxy.now", return_value=later):
        assert login(client, "ana", PASSWORD).status_code == 429
    later = timezone.now() + timedelta(minutes=15, seconds=1)
    with mock.patch("axes.handlers.proxy.now", return_value=later):
        assert logged_in(login(client, "ana", PASSWORD))


def test_attempts_while_locked_do_not_extend_the_cool_off(client, admin_user):
    fail(client, "ana", LIMIT)
    with mock.patch("axes.handlers.proxy.now", return_value=timezone.now() + timedelta(minutes=10)):
        fail(client, "ana", 3)
    with mock.patch("axes.handlers.proxy.now", return_value=timezone.now() + timedelta(minutes=16)):
        assert logged_in(login(client, "ana", PASSWORD))


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_limit_is_the_setting(client, admin_user):
    assert fail(client, "ana", 2) == [200, 429]


def test_without_our_proxy_x_forwarded_for_cannot_dodge_the_lock(client, admin_user):
    fail(client, "ana", LIMIT, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert login(client, "ana", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 429


@override_settings(MICONSULADO={**settings.MICONSULADO, "BEHIND_PROXY": True})
def test_behind_our_proxy_the_address_is_its_last_forwarded_hop(client, admin_user):
    # The proxy appends the address it saw; what the client wrote before it is ignored.
    fail(client, "ana", LIMIT, address="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.1")
    locked = login(client, "ana", PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="2.2.2.2, 198.51.100.1")
    assert locked.status_code == 429
    other = login(client, "ana", PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert logged_in(other)


def test_api_tokens_are_not_touched_by_the_lock(client):
    agent = make_user(Role.AGENT, username="agente")
    token = issue_token(user=agent)
    fail(client, "agente", LIMIT)
    response = client.get("/api/v1/appointments/ZZZZZZ", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404  # authenticated (a bad token is 401), then no such appointment


def test_an_admin_unlocks_in_the_admin(client, admin_user):
    fail(client, "ana", LIMIT)
    other = make_user(Role.ADMIN, username="root")
    client.force_login(other)
    changelist = reverse("admin:axes_accessattempt_changelist")
    listing = client.get(changelist)
    assert listing.status_code == 200
    [attempt] = listing.context["cl"].result_list
    assert attempt.username == "ana"
    assert client.get(reverse("admin:axes_accessattempt_add")).status_code == 403
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}
    )
    assert response.status_code == 302
    client.logout()
    assert logged_in(login(client, "ana", PASSWORD))


@pytest.mark.parametrize("role", [Role.CONSULAR_STAFF, Role.SUPERVISOR])
def test_other_roles_do_not_see_the_attempts(client, role):
    client.force_login(make_user(role))
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_axes_reset_unlocks_everyone(client, admin_user):
    fail(client, "ana", LIMIT)
    call_command("axes_reset", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert logged_in(login(client, "ana", PASSWORD))
