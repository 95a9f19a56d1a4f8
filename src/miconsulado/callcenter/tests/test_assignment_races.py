"""Assignment is exactly-once under concurrency: many calls arriving at once, in threads with their
own database connections, against hundreds of signed-in agents → every call offered to one agent
or still waiting, no agent with two calls (PostgreSQL: 400 agents, 1,000 calls; SQLite, whose
writers take turns: a smaller crowd)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from miconsulado.accounts.models import Role, User
from miconsulado.callcenter import queue
from miconsulado.callcenter.models import (
    Agent,
    AgentSkill,
    AgentState,
    Call,
    EntryStatus,
    QueueEntry,
    SkillKind,
)

pytestmark = pytest.mark.django_db(transaction=True)


def crowd(agents: int, calls: int) -> list[int]:
    """`agents` available agents (a quarter Spanish only, the rest bilingual) and `calls` calls in
    the menu (70 % Spanish), not yet queued."""
    now = timezone.now()
    users = User.objects.bulk_create(
        [User(username=f"race-agent-{i}", role=Role.AGENT) for i in range(agents)]
    )
    made = Agent.objects.bulk_create(
        [
            Agent(
                user=user,
                endpoint=f"client:agent-{user.pk}",
                state=AgentState.AVAILABLE,
                idle_since=now - dt.timedelta(seconds=i),
            )
            for i, user in enumerate(users)
        ]
    )
    skills = []
    for i, agent in enumerate(made):
        skills.append(AgentSkill(agent=agent, kind=SkillKind.LANGUAGE, value="es"))
        if i % 4:
            skills.append(AgentSkill(agent=agent, kind=SkillKind.LANGUAGE, value="en"))
    AgentSkill.objects.bulk_create(skills)
    made_calls = Call.objects.bulk_create(
        [Call(call_sid=f"CArace{i:026d}", language="es" if i % 10 < 7 else "en") for i in range(calls)]
    )
    return [c.pk for c in made_calls]


def arrive_at_once(call_ids: list[int], threads: int) -> list[BaseException]:
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def worker(mine: list[int]) -> None:
        try:
            barrier.wait()
            for pk in mine:
                queue.join_queue(call=Call.objects.get(pk=pk))
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=worker, args=(call_ids[i::threads],)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return errors


def assert_exactly_once(agents: int, calls: int) -> None:
    entries = list(QueueEntry.objects.values_list("call_id", "status", "agent_id"))
    assert len(entries) == calls and len({e[0] for e in entries}) == calls
    offered = [e for e in entries if e[1] == EntryStatus.OFFERED]
    waiting = [e for e in entries if e[1] == EntryStatus.WAITING]
    assert len(offered) + len(waiting) == calls
    assert all(e[2] is None for e in waiting) and all(e[2] is not None for e in offered)
    per_agent = Counter(e[2] for e in offered)
    assert max(per_agent.values()) == 1  # no agent with two calls
    assert len(offered) == min(agents, calls)  # and nobody left idle while a call they speak waits
    reserved = set(Agent.objects.filter(state=AgentState.RESERVED).values_list("pk", flat=True))
    assert reserved == set(per_agent)
    assert not queue.dispatch()  # nothing left that could have been matched
    # Each offer is in the agents' history exactly once.
    from miconsulado.callcenter.models import AgentStateChange

    assert AgentStateChange.objects.filter(to_state=AgentState.RESERVED).count() == len(offered)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL: the full crowd")
def test_400_agents_1000_calls_at_once():
    call_ids = crowd(400, 1000)
    assert arrive_at_once(call_ids, threads=16) == []
    assert_exactly_once(400, 1000)


def test_a_crowd_at_once():
    call_ids = crowd(40, 100)
    assert arrive_at_once(call_ids, threads=8) == []
    assert_exactly_once(40, 100)


def test_agents_signing_in_while_calls_arrive():
    """Both sides move at once: agents becoming available dispatch too."""
    call_ids = crowd(0, 60)
    users = User.objects.bulk_create([User(username=f"late-{i}", role=Role.AGENT) for i in range(30)])
    agents = [queue.create_agent(user=u, languages=["es", "en"]) for u in users]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def calls_side(mine: list[int]) -> None:
        try:
            barrier.wait()
            for pk in mine:
                queue.join_queue(call=Call.objects.get(pk=pk))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def agents_side(mine: list[Agent]) -> None:
        try:
            barrier.wait()
            for agent in mine:
                queue.set_agent_state(agent=agent, state=AgentState.AVAILABLE)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=calls_side, args=(call_ids[i::4],)) for i in range(4)]
    threads += [threading.Thread(target=agents_side, args=(agents[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert_exactly_once(30, 60)
