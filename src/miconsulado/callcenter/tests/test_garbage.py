"""Signed but odd: unknown parameters, odd Unicode, huge values, missing fields. The caller hears a
polite ending or the line goes on; never a 500."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from miconsulado.callcenter.models import Call
from miconsulado.callcenter.tests.caller import TestCaller, post_signed
from miconsulado.callcenter.tests.conftest import MAIN

pytestmark = pytest.mark.django_db

PATHS = [
    "/voice/incoming",
    "/voice/status",
    "/voice/language",
    "/voice/menu",
    "/voice/menu/choice?try=0",
    "/voice/menu/choice?try=%F0%9F%92%A9",
    "/voice/emergency/done",
    "/voice/queue/wait",
    "/voice/queue/key",
    "/voice/queue/connect?entry=1",
    "/voice/queue/connect?entry=%F0%9F%92%A9",
    "/voice/queue/after?entry=99999999999999999999999",
    "/voice/survey?entry=1",
    "/voice/callback/answer?entry=-1",
    "/voice/callback/status?entry=",
    "/voice/self-service",
    "/voice/self-service/choice",
    "/voice/appointment/code",
    "/voice/appointment/code/entered",
    "/voice/appointment/proof",
    "/voice/appointment",
    "/voice/appointment/choice",
    "/voice/appointment/cancel",
    "/voice/procedures",
    "/voice/procedures/choice",
]
ODD = [
    {},
    {"CallSid": ""},
    {"CallSid": "CA\x00bad", "To": "\x00", "From": "\u202e\u0000"},
    {"CallSid": "💩" * 10, "To": "💩", "From": "💩", "Digits": "💩"},
    {
        "CallSid": "CA" + "f" * 32,
        "To": "x" * 100_000,
        "From": "𝟙𝟚𝟛",
        "Digits": "١٢٣",
        "ForwardedFrom": "+" * 500,
    },
    {
        "CallSid": "CA" + "e" * 32,
        "To": MAIN,
        "Digits": "9" * 5000,
        "CallDuration": "9" * 50,
        "CallStatus": "\u0000" * 30,
    },
    {"CallSid": "A" * 65, "To": MAIN},
    {"callsid": "CA" + "d" * 32, "Unexpected": "yes", "Digits": "1#*"},
]


def verbs(response) -> list[str]:
    assert response.status_code == 200, response.content[:200]
    root = ElementTree.fromstring(response.content)  # noqa: S314  # our own answer
    assert root.tag == "Response"
    return [child.tag for child in root]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("params", ODD, ids=range(len(ODD)))
def test_garbage_never_fails(client, line, in_hours, path, params):
    response = post_signed(client, path, params)
    found = verbs(response)
    if path != "/voice/status" and not (path == "/voice/incoming" and Call.objects.exists()):
        assert found[-1] == "Hangup"


def test_garbage_inside_a_real_call(client, line, in_hours):
    call = TestCaller(client).dial(MAIN, "1")
    for path in PATHS[2:]:
        for digits in ["", "💩", "\x00", "9" * 5000, "١", "12#", "*"]:
            response = post_signed(client, path, {**call.params(), "Digits": digits})
            verbs(response)
    # The record is whole and readable.
    record = Call.objects.get(call_sid=call.sid)
    assert record.steps.count() > 10
    assert not record.emergency or record.steps.filter(kind="emergency").exists()


def test_status_with_a_huge_duration_is_stored_without_it(client, line):
    post_signed(
        client,
        "/voice/status",
        {"CallSid": "CA" + "c" * 32, "CallStatus": "completed", "CallDuration": "9" * 20},
    )
    call = Call.objects.get()
    assert call.duration_seconds is None and call.ended_at is not None


def test_odd_caller_id_is_cleaned(client, line, in_hours):
    post_signed(
        client,
        "/voice/incoming",
        {"CallSid": "CA" + "b" * 32, "To": MAIN, "From": "\x00+1\u202e310" + "5" * 100},
    )
    call = Call.objects.get()
    assert "\x00" not in call.caller and len(call.caller) <= 40


def test_replayed_incoming_webhook_keeps_one_record(client, line, in_hours):
    params = {"CallSid": "CA" + "a" * 32, "To": MAIN, "From": "+13105550100"}
    post_signed(client, "/voice/incoming", params)
    post_signed(client, "/voice/incoming", params)
    call = Call.objects.get()
    assert call.steps.filter(kind="incoming").count() == 1
