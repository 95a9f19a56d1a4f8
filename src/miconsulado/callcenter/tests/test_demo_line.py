"""The demo data sets up the line: its numbers, the settings row with a demo emergency number; it
prints the demo token when TWILIO_AUTH_TOKEN is unset under DEBUG."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from miconsulado.callcenter.models import LineSettings, NumberRole, PhoneNumber
from miconsulado.callcenter.services import ensure_line_defaults
from miconsulado.callcenter.tests.caller import TestCaller

pytestmark = pytest.mark.django_db


def test_line_defaults_are_created_once_and_kept():
    assert len(ensure_line_defaults()) == 6
    roles = dict(PhoneNumber.objects.values_list("number", "role"))
    assert roles["+14243090009"] == NumberRole.MAIN
    retired = sorted(n for n, r in roles.items() if r == NumberRole.RETIRED)
    assert retired == ["+18776394835", "+19776394835", "+528006394835"]
    LineSettings.objects.filter(pk=1).update(emergency_number="+15205550000")
    assert ensure_line_defaults() == []
    assert LineSettings.objects.get().emergency_number == "+15205550000"


def test_demo_token_is_printed_under_debug(settings):
    settings.DEBUG = True
    settings.TWILIO_AUTH_TOKEN = settings.DEMO_TWILIO_AUTH_TOKEN
    out = StringIO()
    call_command("load_demo_data", "--no-slots", stdout=out)
    assert "demo-twilio-auth-token" in out.getvalue()


def test_a_demo_call(client, in_hours):
    ensure_line_defaults()
    caller = TestCaller(client).dial("+18776394835")
    assert "1, 4 2 4, 3 0 9, 0 0 0 9" in caller.heard[0]
    assert TestCaller(client).dial("+14243090009", "1", "9").dialled == "+13235550199"
