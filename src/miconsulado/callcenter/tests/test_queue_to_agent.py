"""Key 2 in hours: the caller waits in our queue for their language, hears position and estimate,
and reaches the longest-idle agent with that language when the agent accepts."""

from __future__ import annotations

import pytest

from miconsulado.callcenter import queue
from miconsulado.callcenter.models import AgentState, AgentStateChange, EntryStatus, QueueEntry
from miconsulado.callcenter.tests.caller import TestCaller
from miconsulado.callcenter.tests.conftest import MAIN
from miconsulado.callcenter.tests.queue_support import make_agent, state_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("key", "language", "heard"),
    [("1", "es", "Le comunicamos con un agente."), ("2", "en", "We are connecting you with an agent.")],
)
def test_in_hours_to_an_agent(client, line, clock, provider, key, language, heard):
    other = make_agent("es" if language == "en" else "en")
    clock.advance(10)
    first = make_agent(language)  # idle the longest of those who speak the language
    clock.advance(10)
    second = make_agent("es", "en")
    clock.advance(10)
    caller = TestCaller(client).dial(MAIN, key, "2")
    assert caller.waiting
    entry = QueueEntry.objects.get()
    assert entry.language == language and entry.status == EntryStatus.OFFERED and entry.agent == first
    assert (
        state_of(first) == AgentState.RESERVED and state_of(second) == state_of(other) == AgentState.AVAILABLE
    )
    queue.accept_offer(agent=first)
    assert provider.redirects == [(caller.sid, f"/voice/queue/connect?entry={entry.pk}")]
    caller.redirected(provider.redirects[0][1])
    assert heard in caller.all_heard
    assert caller.dialled == f"client:agent-{first.user.pk}"
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CONNECTED and entry.answered_at == clock.now
    assert state_of(first) == AgentState.ON_CALL
    clock.advance(200)
    caller.dial_ends("completed")  # the agent hung up: the survey
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DONE and state_of(first) == AgentState.WRAP_UP
    kinds = [s.kind for s in entry.call.steps.all()]
    assert kinds[-4:] == ["enqueued", "offered", "accepted", "agent_call_ended"]
    history = list(AgentStateChange.objects.filter(agent=first).values_list("to_state", flat=True))
    assert history == ["available", "reserved", "on_call", "wrap_up"]


def test_position_and_estimate_are_spoken(client, line, clock, provider):
    busy = [make_agent("es") for _ in range(2)]
    for _ in range(2):  # both agents take a call
        TestCaller(client).dial(MAIN, "1", "2")
    for agent in busy:
        queue.accept_offer(agent=agent)
    callers = [TestCaller(client).dial(MAIN, "1", "2") for _ in range(3)]
    # Third in line, 2 agents, no call ended yet so DEFAULT_HANDLE_SECONDS (300):
    # 3 × 300 / 2 = 450 s → 8 minutes (rounded up); the first: 150 s → 3 minutes.
    assert (
        "Su lugar en la fila es el 3. El tiempo estimado de espera es de 8 minutos." in callers[2].all_heard
    )
    assert (
        "Su lugar en la fila es el 1. El tiempo estimado de espera es de 3 minutos." in callers[0].all_heard
    )
    assert "sin perder su lugar, marque 1" in callers[2].all_heard  # 450 s > 300 s: callback offered
    # Every N seconds the loop comes back (no key: the <Redirect> after the <Gather>).
    clock.advance(30)
    callers[2].press(None)
    assert (
        callers[2].heard.count("Su lugar en la fila es el 3. El tiempo estimado de espera es de 8 minutos.")
        == 2
    )
    assert callers[2].waiting


def test_becoming_available_takes_the_head(client, line, clock, provider):
    first = TestCaller(client).dial(MAIN, "2", "2")
    clock.advance(5)
    TestCaller(client).dial(MAIN, "2", "2")
    agent = make_agent("en")
    assert QueueEntry.objects.get(agent=agent).call.call_sid == first.sid


def test_agent_cannot_sign_out_on_a_call(client, line, clock, provider):
    agent = make_agent("es")
    TestCaller(client).dial(MAIN, "1", "2")
    with pytest.raises(queue.AgentBusy):
        queue.set_agent_state(agent=agent, state=AgentState.OFFLINE)
    with pytest.raises(queue.BadState):
        queue.set_agent_state(agent=agent, state=AgentState.ON_CALL)
    with pytest.raises(queue.NoOffer):
        queue.accept_offer(agent=make_agent("en"))


def test_wrap_up_ends_after_its_time(client, line, clock, provider, settings):
    agent = make_agent("es")
    caller = TestCaller(client).dial(MAIN, "1", "2")
    queue.accept_offer(agent=agent)
    caller.redirected(provider.redirects[0][1]).dial_ends("completed")
    assert state_of(agent) == AgentState.WRAP_UP
    clock.advance(settings.MICONSULADO["WRAP_UP_SECONDS"] - 1)
    queue.tick()
    assert state_of(agent) == AgentState.WRAP_UP
    clock.advance(1)
    queue.tick()
    assert state_of(agent) == AgentState.AVAILABLE


def test_a_user_without_the_agent_role_is_no_agent(db):
    from miconsulado.accounts.models import Role, User

    with pytest.raises(queue.Invalid):
        queue.create_agent(user=User.objects.create(username="s", role=Role.SUPERVISOR), languages=["es"])
    with pytest.raises(queue.Invalid):
        queue.create_agent(user=User.objects.create(username="a", role=Role.AGENT), languages=["fr"])
