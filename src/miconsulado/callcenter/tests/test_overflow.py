"""A call whose language no agent has signed in with goes to any available agent after
OVERFLOW_SECONDS; while an agent with the language is signed in (even busy), it waits for them."""

from __future__ import annotations

import pytest

from miconsulado.callcenter import queue
from miconsulado.callcenter.models import AgentState, EntryStatus, QueueEntry
from miconsulado.callcenter.tests.caller import TestCaller
from miconsulado.callcenter.tests.conftest import MAIN
from miconsulado.callcenter.tests.queue_support import make_agent

pytestmark = pytest.mark.django_db


def test_overflow_after_the_wait(client, line, clock, provider, settings):
    spanish = make_agent("es")
    caller = TestCaller(client).dial(MAIN, "2", "2")  # English; nobody signed in speaks it
    entry = QueueEntry.objects.get()
    assert entry.status == EntryStatus.WAITING
    clock.advance(settings.MICONSULADO["OVERFLOW_SECONDS"] - 1)
    caller.press(None)  # the wait loop comes back: not yet
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WAITING
    clock.advance(1)
    caller.press(None)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OFFERED and entry.agent == spanish and entry.overflowed
    queue.accept_offer(agent=spanish)
    caller.redirected(provider.redirects[-1][1])
    assert caller.dialled == f"client:agent-{spanish.user.pk}"


def test_no_overflow_while_someone_with_the_language_is_signed_in(client, line, clock, provider, settings):
    english = make_agent("en")
    TestCaller(client).dial(MAIN, "2", "2")
    queue.accept_offer(agent=english)  # busy now, but signed in
    make_agent("es")
    waiting = TestCaller(client).dial(MAIN, "2", "2")
    clock.advance(settings.MICONSULADO["OVERFLOW_SECONDS"] + 60)
    waiting.press(None)
    assert QueueEntry.objects.get(call__call_sid=waiting.sid).status == EntryStatus.WAITING


def test_spanish_agents_keep_spanish_order(client, line, clock, provider, settings):
    """Overflow takes only the overflowing call; Spanish calls go first to Spanish agents."""
    TestCaller(client).dial(MAIN, "2", "2")  # English, waits
    clock.advance(settings.MICONSULADO["OVERFLOW_SECONDS"])
    spanish_call = TestCaller(client).dial(MAIN, "1", "2")
    agent = make_agent("es")
    assert QueueEntry.objects.get(agent=agent).call.call_sid == spanish_call.sid
    assert QueueEntry.objects.get(language="en").status == EntryStatus.WAITING
    assert agent.state == AgentState.RESERVED
