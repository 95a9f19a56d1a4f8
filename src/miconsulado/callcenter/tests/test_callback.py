"""A caller may leave the line to be called back, keeping their place; at the head the line calls out
and connects them to the agent; not answered → tried again CALLBACK_RETRY_SECONDS later, up to
CALLBACK_RETRIES more times, then recorded as failed."""

from __future__ import annotations

import pytest
from django_tasks import default_task_backend

from miconsulado.callcenter import queue
from miconsulado.callcenter.models import AgentState, CallbackAttempt, EntryStatus, QueueEntry
from miconsulado.callcenter.tests.caller import TestCaller
from miconsulado.callcenter.tests.conftest import MAIN
from miconsulado.callcenter.tests.queue_support import make_agent, state_of

pytestmark = pytest.mark.django_db

CITIZEN = "+13105550177"


def leave_for_callback(client) -> TestCaller:
    caller = TestCaller(client, caller=CITIZEN).dial(MAIN, "1", "2")
    caller.press("1")
    assert caller.ended
    assert "terminado en 0 1 7 7" in caller.all_heard
    return caller


def test_callback_keeps_the_place_and_is_answered(client, line, clock, provider):
    agent = make_agent("es")
    TestCaller(client).dial(MAIN, "1", "2")  # takes the agent
    queue.accept_offer(agent=agent)
    clock.advance(1)
    first = leave_for_callback(client)
    clock.advance(1)
    later = TestCaller(client).dial(MAIN, "1", "2")
    assert "fila es el 2" in later.all_heard  # the callback keeps its place ahead
    entry = QueueEntry.objects.get(call__call_sid=first.sid)
    assert entry.status == EntryStatus.CALLBACK and entry.callback_number == CITIZEN
    # The agent's call ends; after wrap-up the callback is at the head.
    busy = QueueEntry.objects.get(agent=agent, status=EntryStatus.CONNECTED)
    queue.connection_ended(entry=busy)
    clock.advance(60)
    queue.tick()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OFFERED and entry.agent == agent
    queue.accept_offer(agent=agent)
    placed = provider.calls[-1]
    assert placed["to"] == CITIZEN and placed["from"] == MAIN
    callee = TestCaller.answer(client, placed)
    assert "Le llamamos de Mi Consulado" in callee.all_heard
    assert callee.dialled == f"client:agent-{agent.user.pk}"
    entry.refresh_from_db()
    assert entry.answered_at is not None and entry.status == EntryStatus.CONNECTED
    callee.dial_ends("completed")
    callee.press("4")  # the survey
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DONE and entry.call.survey.score == 4
    assert list(CallbackAttempt.objects.values_list("outcome", flat=True)) == ["answered"]
    assert QueueEntry.objects.get(call__call_sid=later.sid).status == EntryStatus.WAITING


def test_callback_not_answered_is_retried_then_failed(client, line, clock, provider, settings):
    agent = make_agent("es", available=False)
    caller = leave_for_callback(client)
    entry = QueueEntry.objects.get(call__call_sid=caller.sid)
    assert entry.status == EntryStatus.CALLBACK  # the original call's hang-up is no abandon
    queue.set_agent_state(agent=agent, state=AgentState.AVAILABLE)
    retries = settings.MICONSULADO["CALLBACK_RETRIES"]
    for attempt in range(1, retries + 2):
        queue.accept_offer(agent=agent)
        TestCaller.not_answered(client, provider.calls[-1], "no-answer" if attempt % 2 else "busy")
        entry.refresh_from_db()
        assert entry.callback_attempts == attempt
        assert state_of(agent) == AgentState.AVAILABLE  # freed for others meanwhile
        if attempt <= retries:
            assert entry.status == EntryStatus.CALLBACK
            # Not before its time...
            clock.advance(settings.MICONSULADO["CALLBACK_RETRY_SECONDS"] - 1)
            queue.tick()
            assert QueueEntry.objects.get(pk=entry.pk).status == EntryStatus.CALLBACK
            clock.advance(1)
            queue.tick()
            assert QueueEntry.objects.get(pk=entry.pk).status == EntryStatus.OFFERED
    assert entry.status == EntryStatus.FAILED
    assert len(provider.calls) == retries + 1
    assert list(CallbackAttempt.objects.values_list("outcome", flat=True)) == [
        "no-answer",
        "busy",
        "no-answer",
    ]
    assert entry.call.steps.filter(kind="callback_failed").exists()
    # A retry is queued as a task CALLBACK_RETRY_SECONDS later (django-tasks).
    assert sum(r.task.name == "callback_due" for r in default_task_backend.results) == retries


def test_callback_needs_a_number(client, line, clock, provider):
    caller = TestCaller(client, caller="anonymous").dial(MAIN, "1", "2")
    caller.press("1")
    assert "No podemos devolverle la llamada" in caller.all_heard and caller.waiting
    assert QueueEntry.objects.get().status == EntryStatus.WAITING


def test_forged_callback_answer_is_refused(client, line, clock, provider):
    agent = make_agent("es", available=False)
    leave_for_callback(client)
    queue.set_agent_state(agent=agent, state=AgentState.AVAILABLE)
    queue.accept_offer(agent=agent)
    placed = {**provider.calls[-1], "sid": "CA" + "e" * 32}  # not the call we placed
    callee = TestCaller.answer(client, placed)
    assert "Le llamamos" not in callee.all_heard
    assert QueueEntry.objects.get().answered_at is None
