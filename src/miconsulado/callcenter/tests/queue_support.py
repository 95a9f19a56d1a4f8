"""Agents, the fake provider and a clock that moves, for the queue's tests."""

from __future__ import annotations

import datetime as dt
import itertools

from miconsulado.accounts.models import Role, User
from miconsulado.callcenter import queue
from miconsulado.callcenter.models import Agent, AgentState

_names = itertools.count(1)


def make_agent(
    *languages: str, groups: list[str] | None = None, available: bool = True, now: dt.datetime | None = None
) -> Agent:
    user = User.objects.create(username=f"agent{next(_names)}", role=Role.AGENT)
    agent = queue.create_agent(user=user, languages=list(languages), groups=groups)
    if available:
        queue.set_agent_state(agent=agent, state=AgentState.AVAILABLE, now=now)
    return agent


def state_of(agent: Agent) -> str:
    return Agent.objects.get(pk=agent.pk).state
