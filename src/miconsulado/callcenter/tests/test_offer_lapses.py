"""An agent who does not accept within AGENT_ACCEPT_SECONDS goes to break (or offline) and the call
goes back to the head of its queue."""

from __future__ import annotations

import pytest

from miconsulado.callcenter import queue
from miconsulado.callcenter.models import AgentState, AgentStateChange, EntryStatus, QueueEntry
from miconsulado.callcenter.tests.caller import TestCaller
from miconsulado.callcenter.tests.conftest import MAIN
from miconsulado.callcenter.tests.queue_support import make_agent, state_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("missed_state", ["break", "offline"])
def test_offer_not_accepted(client, line, clock, provider, settings, missed_state):
    settings.MICONSULADO = {**settings.MICONSULADO, "AGENT_MISSED_OFFER_STATE": missed_state}
    slow = make_agent("es")
    head = TestCaller(client).dial(MAIN, "1", "2")
    clock.advance(1)
    TestCaller(client).dial(MAIN, "1", "2")  # second in line
    entry = QueueEntry.objects.get(call__call_sid=head.sid)
    assert entry.agent == slow
    clock.advance(settings.MICONSULADO["AGENT_ACCEPT_SECONDS"] - 2)  # offered 1 s before
    queue.tick()
    assert state_of(slow) == AgentState.RESERVED
    clock.advance(1)
    queue.tick()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WAITING and entry.agent is None
    assert state_of(slow) == missed_state
    assert AgentStateChange.objects.filter(agent=slow).last().reason == "offer not accepted"
    with pytest.raises(queue.NoOffer):
        queue.accept_offer(agent=slow)
    # Back at the head: the next agent gets it, not the call behind it.
    quick = make_agent("es")
    assert QueueEntry.objects.get(agent=quick).pk == entry.pk
    head.press(None)
    assert head.heard[-2].startswith("Su lugar en la fila es el 1.")


def test_agent_phone_not_answering_sends_the_call_back(client, line, clock, provider):
    agent = make_agent("es")
    caller = TestCaller(client).dial(MAIN, "1", "2")
    queue.accept_offer(agent=agent)
    caller.redirected(provider.redirects[-1][1])
    caller.dial_ends("no-answer")
    entry = QueueEntry.objects.get()
    assert entry.status == EntryStatus.WAITING and state_of(agent) == AgentState.BREAK
    assert caller.waiting


def test_caller_hangs_up_while_offered_frees_the_agent(client, line, clock, provider):
    agent = make_agent("es")
    caller = TestCaller(client).dial(MAIN, "1", "2")
    clock.advance(4)
    caller.hang_up("completed")
    entry = QueueEntry.objects.get()
    assert entry.status == EntryStatus.ABANDONED and entry.abandoned_after_seconds == 4
    assert state_of(agent) == AgentState.AVAILABLE
