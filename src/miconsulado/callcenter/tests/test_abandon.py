"""A caller who hangs up while waiting leaves an abandoned entry with the time waited."""

from __future__ import annotations

import pytest

from miconsulado.callcenter.models import EntryStatus, QueueEntry
from miconsulado.callcenter.tests.caller import TestCaller
from miconsulado.callcenter.tests.conftest import MAIN
from miconsulado.callcenter.tests.queue_support import make_agent

pytestmark = pytest.mark.django_db


def test_abandon_while_waiting(client, line, clock, provider):
    caller = TestCaller(client).dial(MAIN, "2", "2")
    behind = TestCaller(client).dial(MAIN, "2", "2")
    clock.advance(95)
    caller.hang_up("completed", duration="110")
    entry = QueueEntry.objects.get(call__call_sid=caller.sid)
    assert entry.status == EntryStatus.ABANDONED and entry.abandoned_after_seconds == 95
    assert entry.ended_at == clock.now and entry.agent is None
    assert entry.call.steps.filter(kind="abandoned", detail="95s").exists()
    # The one behind moves up; an agent signing in gets them, not the abandoned call.
    behind.press(None)
    assert "You are number 1 in line." in behind.heard[-2]
    agent = make_agent("en")
    assert QueueEntry.objects.get(agent=agent).call.call_sid == behind.sid


def test_a_repeated_status_changes_nothing(client, line, clock, provider):
    caller = TestCaller(client).dial(MAIN, "2", "2")
    clock.advance(10)
    caller.hang_up("completed")
    clock.advance(10)
    caller.hang_up("completed")
    assert QueueEntry.objects.get().abandoned_after_seconds == 10
