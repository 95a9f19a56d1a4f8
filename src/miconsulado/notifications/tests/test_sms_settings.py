"""A configuration that cannot send SMS stops start-up with a message that says what is missing."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from miconsulado.notifications.sms import check_settings

OK = {"backend": "twilio", "account_sid": "AC" + "0" * 32, "auth_token": "t", "sender": "+14243090009"}


def test_a_complete_twilio_configuration_passes():
    check_settings(**OK)
    check_settings(**{**OK, "sender": "MG" + "1" * 32})
    for backend in ("file", "memory", "off"):
        check_settings(backend=backend, account_sid="", auth_token="", sender="")


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"backend": "carrier-pigeon"}, "MICONSULADO_SMS_BACKEND must be one of"),
        ({"auth_token": ""}, "TWILIO_AUTH_TOKEN"),
        ({"account_sid": "", "sender": ""}, "TWILIO_ACCOUNT_SID, MICONSULADO_SMS_FROM"),
        ({"sender": "4243090009"}, "E.164"),
        ({"sender": "Mi Consulado"}, "E.164"),
    ],
)
def test_a_broken_configuration_is_refused(change, said):
    with pytest.raises(ImproperlyConfigured) as raised:
        check_settings(**{**OK, **change})
    assert said in str(raised.value)


def settings_in(env: dict[str, str]) -> str:
    """SMS_BACKEND as a fresh process computes it from `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "MICONSULADO_SMS"))}
    clean.update({"MICONSULADO_SECRET_KEY": "x" * 50, **env})
    code = "from miconsulado import settings as s; print(s.SMS_BACKEND)"
    run = subprocess.run(  # noqa: S603  # our own interpreter and code
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=False
    )
    return run.stdout.strip() or run.stderr.strip().splitlines()[-1]


def test_the_default_backend_follows_the_configuration():
    assert settings_in({}) == "off"
    assert settings_in({"MICONSULADO_DEBUG": "1"}) == "file"
    twilio = {
        "TWILIO_ACCOUNT_SID": OK["account_sid"],
        "TWILIO_AUTH_TOKEN": "t",
        "MICONSULADO_SMS_FROM": "+14243090009",
    }
    assert settings_in(twilio) == "twilio"
    assert settings_in({**twilio, "MICONSULADO_SMS_BACKEND": "file"}) == "file"
    assert "TWILIO_AUTH_TOKEN" in settings_in({"TWILIO_ACCOUNT_SID": OK["account_sid"]})
