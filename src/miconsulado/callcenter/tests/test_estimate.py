"""The wait estimate (Erlang C) against values computed by hand."""

from __future__ import annotations

import math

import pytest

from miconsulado.callcenter import estimate


@pytest.mark.parametrize(
    ("agents", "load", "expected"),
    [
        # M/M/1: the probability of waiting is the utilisation.
        (1, 0.5, 0.5),
        # N=2, A=1: (A²/2!·2/(2−1)) / (1 + A + A²/2!·2/(2−1)) = 1 / (1 + 1 + 1) = 1/3.
        (2, 1.0, 1 / 3),
        # N=3, A=2: terms 1, 2, 2; A³/3!·3/(3−2) = 4/3·3 = 4 → 4 / (5 + 4) = 4/9.
        (3, 2.0, 4 / 9),
        (3, 0.0, 0.0),
        (2, 2.0, 1.0),  # the load reaches the agents: every call waits
        (0, 1.0, 1.0),
    ],
)
def test_erlang_c(agents, load, expected):
    assert estimate.erlang_c(agents, load) == pytest.approx(expected)


def test_mean_wait_by_hand():
    # N=2, one call every 300 s, 300 s handle time: A = 1, C = 1/3, W = C·h/(N−A) = 100 s.
    assert estimate.mean_wait(2, 1 / 300, 300) == pytest.approx(100)
    # N=3, A=2 (a call every 150 s, 300 s each): W = 4/9 · 300 / 1 = 133.3 s.
    assert estimate.mean_wait(3, 1 / 150, 300) == pytest.approx(400 / 3)
    assert estimate.mean_wait(2, 2 / 300, 300) == math.inf
    assert estimate.mean_wait(0, 0.0, 300) == math.inf


def test_400_agents_do_not_overflow():
    # 400 agents at 95 % occupancy: a probability, no overflow of A^N / N!.
    c = estimate.erlang_c(400, 380.0)
    assert 0.0 < c < 1.0


def test_wait_at_position():
    assert estimate.wait_at_position(3, 2, 300) == 450
    assert estimate.wait_at_position(1, 400, 300) == 0.75
    assert estimate.wait_at_position(5, 0, 300) is None


@pytest.mark.parametrize(("seconds", "minutes"), [(0, 0), (59.9, 0), (60, 1), (61, 2), (450, 8)])
def test_spoken_minutes(seconds, minutes):
    assert estimate.spoken_minutes(seconds) == minutes
