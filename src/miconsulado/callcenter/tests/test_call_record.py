"""Every call leaves a record: number called, origin, caller, language, the path with its times, and
the end the provider reports."""

from __future__ import annotations

import itertools

import pytest

from miconsulado.callcenter.models import Call
from miconsulado.callcenter.tests.caller import TestCaller, post_signed
from miconsulado.callcenter.tests.conftest import MAIN, MEXICO

pytestmark = pytest.mark.django_db


def test_a_whole_call(client, line, in_hours):
    caller = TestCaller(client, caller="+12135550199").dial(MAIN, "2", "3", "1", "2")
    caller.hang_up("completed", duration="95")
    call = Call.objects.get()
    assert (call.number_called, call.origin, call.caller, call.language) == (
        MAIN,
        "main",
        "+12135550199",
        "en",
    )
    assert call.status == "completed" and call.duration_seconds == 95 and call.ended_at is not None
    steps = list(call.steps.all())
    assert [s.kind for s in steps] == [
        "incoming",
        "language",
        "menu",
        "menu_choice",
        "menu",
        "menu_choice",
        "self_service",
        "procedures",
        "status",
    ]
    assert [s.detail for s in steps][1:4] == ["en (2)", "open", "3"]
    assert all(a.at <= b.at for a, b in itertools.pairwise(steps))


def test_hang_up_in_the_middle(client, line, in_hours):
    caller = TestCaller(client).dial(MEXICO, "1")
    caller.hang_up("completed", duration="7")
    call = Call.objects.get()
    assert call.origin == "mexico" and call.ended_at is not None
    assert call.steps.last().kind == "status"


def test_status_of_a_call_never_seen(client, line):
    post_signed(
        client,
        "/voice/status",
        {"CallSid": "CA" + "9" * 32, "CallStatus": "no-answer", "To": MAIN, "From": "+1"},
    )
    call = Call.objects.get()
    assert call.status == "no-answer" and call.ended_at is not None and call.number_called == MAIN


def test_intermediate_status_does_not_end_the_call(client, line, in_hours):
    caller = TestCaller(client).dial(MAIN)
    post_signed(client, "/voice/status", {**caller.params(), "CallStatus": "ringing"})
    call = Call.objects.get()
    assert call.status == "ringing" and call.ended_at is None


def test_steps_are_append_only_in_the_admin(admin_client, client, line, in_hours):
    caller = TestCaller(client).dial(MAIN, "1")
    call = Call.objects.get(call_sid=caller.sid)
    page = admin_client.get(f"/admin/callcenter/call/{call.pk}/change/")
    assert page.status_code == 200
    assert b"language" in page.content and b"incoming" in page.content
    assert admin_client.post(f"/admin/callcenter/call/{call.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/callcenter/call/add/").status_code == 403
