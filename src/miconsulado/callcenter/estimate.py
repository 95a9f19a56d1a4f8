"""How long a caller will wait: Erlang C (M/M/N) from the agents signed in with the call's skill and
the recent average handle time (docs/decisions/0012-call-queue.md).

Pure functions, tested against values computed by hand; queue.py feeds them the live figures.
"""

from __future__ import annotations

import math


def erlang_c(agents: int, offered_load: float) -> float:
    """The probability that a call waits (Erlang C) with `agents` servers and `offered_load`
    erlangs (arrival rate × handle time). 1.0 when the load reaches the agents (the queue grows)."""
    if agents <= 0 or offered_load >= agents:
        return 1.0
    if offered_load <= 0:
        return 0.0
    # Summed term by term (A^k/k!) so that 400 agents do not overflow a float's factorial.
    term = 1.0
    below = 0.0
    for k in range(agents):
        below += term
        term *= offered_load / (k + 1)
    top = term * agents / (agents - offered_load)
    return top / (below + top)


def mean_wait(agents: int, arrivals_per_second: float, handle_seconds: float) -> float:
    """Erlang C's mean wait of a new call in seconds (math.inf when the load reaches the agents)."""
    if agents <= 0 or handle_seconds <= 0:
        return math.inf
    load = arrivals_per_second * handle_seconds
    if load >= agents:
        return math.inf
    return erlang_c(agents, load) * handle_seconds / (agents - load)


def wait_at_position(position: int, agents: int, handle_seconds: float) -> float | None:
    """The expected wait of the caller `position` places from the head (1 = next) while every agent is
    busy: under the same M/M/N model agents finish calls at `agents / handle_seconds` per second,
    so `position` finishes take `position × handle_seconds / agents` on average. None without agents."""
    if agents <= 0:
        return None
    return position * handle_seconds / agents


def spoken_minutes(seconds: float) -> int:
    """Whole minutes a caller is told, rounded up (a wait under a minute is "less than a minute": 0)."""
    if seconds < 60:
        return 0
    return math.ceil(seconds / 60)
