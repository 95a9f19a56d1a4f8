"""Key 9: consular protection, in and out of hours, recorded as an emergency."""

from __future__ import annotations

import datetime as dt

import pytest

from miconsulado.callcenter.models import Call, LineSettings
from miconsulado.callcenter.tests.conftest import EMERGENCY, MAIN

pytestmark = pytest.mark.django_db


def test_emergency_in_hours(caller, in_hours):
    caller.dial(MAIN, "1", "9")
    assert caller.dialled == EMERGENCY
    assert "protección consular" in caller.last_heard
    call = Call.objects.get()
    assert call.emergency
    assert call.steps.get(kind="emergency").detail == EMERGENCY
    caller.dial_ends("completed")
    assert caller.ended and "Hasta luego" in caller.last_heard
    assert call.steps.filter(kind="emergency_done", detail="completed").exists()


@pytest.mark.parametrize(
    "local",
    [
        dt.datetime(2026, 12, 2, 3, 0),  # a weekday night
        dt.datetime(2026, 12, 6, 20, 0),  # Sunday evening
        dt.datetime(2026, 12, 25, 7, 0),  # Christmas morning
    ],
)
def test_emergency_out_of_hours(caller, at, local):
    at(local)
    caller.dial(MAIN, "2", "9")
    assert "Our agents are not available at this time." in caller.all_heard
    assert "For emergencies, press 9." in caller.heard
    assert caller.dialled == EMERGENCY
    assert "consular protection" in caller.last_heard
    assert Call.objects.get().emergency


def test_emergency_without_a_configured_number_says_911(caller, in_hours):
    LineSettings.objects.filter(pk=1).update(emergency_number="")
    caller.dial(MAIN, "1", "9")
    assert caller.dialled is None and caller.ended
    assert "911" in caller.last_heard
    assert Call.objects.get().emergency
