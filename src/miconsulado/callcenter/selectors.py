"""What the queue looks like: a caller's position and estimated wait, an agent's offered or
connected call, and the live figures the agent desktop and the wallboard show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils import timezone

from miconsulado.callcenter import estimate
from miconsulado.callcenter.models import (
    HOLDING_AGENT,
    IN_LINE,
    SIGNED_IN_STATES,
    Agent,
    AgentSkill,
    AgentState,
    EntryStatus,
    QueueEntry,
    SkillKind,
)

HANDLE_TIME_WINDOW = dt.timedelta(hours=1)
ARRIVALS_WINDOW = dt.timedelta(minutes=30)


def position(entry: QueueEntry) -> int:
    """1 for the next call of its language; callbacks waiting to be called keep their places."""
    ahead = QueueEntry.objects.filter(
        Q(enqueued_at__lt=entry.enqueued_at) | Q(enqueued_at=entry.enqueued_at, pk__lt=entry.pk),
        language=entry.language,
        status__in=IN_LINE,
    ).count()
    return ahead + 1


def signed_in_agents(language: str) -> int:
    return Agent.objects.filter(
        Exists(AgentSkill.objects.filter(agent=OuterRef("pk"), kind=SkillKind.LANGUAGE, value=language)),
        state__in=SIGNED_IN_STATES,
    ).count()


def average_handle_seconds(*, now: dt.datetime | None = None) -> float:
    """Talk time of the calls ended in the last hour plus the wrap-up every call is followed by;
    DEFAULT_HANDLE_SECONDS until there are such calls."""
    now = now or timezone.now()
    rows = QueueEntry.objects.filter(
        status=EntryStatus.DONE, ended_at__gte=now - HANDLE_TIME_WINDOW, answered_at__isnull=False
    ).values_list("answered_at", "ended_at")[:500]
    talks = [(ended - answered).total_seconds() for answered, ended in rows if ended and answered]
    if not talks:
        return float(settings.MICONSULADO["DEFAULT_HANDLE_SECONDS"])
    return sum(talks) / len(talks) + settings.MICONSULADO["WRAP_UP_SECONDS"]


def arrivals_per_second(language: str, *, now: dt.datetime | None = None) -> float:
    now = now or timezone.now()
    joined = QueueEntry.objects.filter(language=language, enqueued_at__gte=now - ARRIVALS_WINDOW).count()
    return joined / ARRIVALS_WINDOW.total_seconds()


@dataclass(frozen=True)
class Wait:
    position: int
    seconds: float | None  # None: no agent has signed in with the call's language

    @property
    def offer_callback(self) -> bool:
        return self.seconds is None or self.seconds > settings.MICONSULADO["CALLBACK_OFFER_SECONDS"]


def estimated_wait(entry: QueueEntry, *, now: dt.datetime | None = None) -> Wait:
    """The caller's position and expected wait (estimate.wait_at_position: Erlang C's model given
    the position, with the agents signed in with the language and the recent handle time)."""
    where = position(entry)
    agents = signed_in_agents(entry.language)
    return Wait(where, estimate.wait_at_position(where, agents, average_handle_seconds(now=now)))


def expected_wait_for_new_call(language: str, *, now: dt.datetime | None = None) -> float:
    """Erlang C's mean wait for a call arriving now (math.inf when the load reaches the agents)."""
    return estimate.mean_wait(
        signed_in_agents(language), arrivals_per_second(language, now=now), average_handle_seconds(now=now)
    )


def current_entry(agent: Agent) -> QueueEntry | None:
    """The call offered to or connected with the agent (the desktop's main panel)."""
    return QueueEntry.objects.select_related("call").filter(agent=agent, status__in=HOLDING_AGENT).first()


@dataclass(frozen=True)
class QueueSnapshot:
    waiting: dict[str, int]
    longest_wait_seconds: float
    callbacks_pending: int
    agents_by_state: dict[str, int]


def snapshot(*, now: dt.datetime | None = None) -> QueueSnapshot:
    """The wallboard's live tiles about the queue and the agents."""
    now = now or timezone.now()
    waiting = dict(
        QueueEntry.objects.filter(status__in=(EntryStatus.WAITING, EntryStatus.OFFERED))
        .values_list("language")
        .annotate(n=Count("id"))
        .values_list("language", "n")
    )
    oldest = QueueEntry.objects.filter(status__in=(EntryStatus.WAITING, EntryStatus.OFFERED)).aggregate(
        m=Min("enqueued_at")
    )["m"]
    by_state = dict(Agent.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    return QueueSnapshot(
        waiting={lang: waiting.get(lang, 0) for lang in ("es", "en")},
        longest_wait_seconds=(now - oldest).total_seconds() if oldest else 0.0,
        callbacks_pending=QueueEntry.objects.filter(status=EntryStatus.CALLBACK).count(),
        agents_by_state={state: by_state.get(state, 0) for state in AgentState.values},
    )
