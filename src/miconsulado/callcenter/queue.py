"""How calls reach agents: our own queue in the database (docs/decisions/0012-call-queue.md).

Every change is one function here, in one transaction, with its history (AgentStateChange,
CallStep, CallbackAttempt). Assignment is exactly-once from the database: the head entry and the
longest-idle agent are taken with row locks (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so that
concurrent dispatchers take different rows instead of queueing behind one), and both are then
changed by conditional UPDATEs that re-check their state (on SQLite, where transactions start
IMMEDIATE and so run one at a time, those conditions are the whole guard). A partial unique index
(`one_call_per_agent`) is the last word: never two calls for one agent. An entry has one agent
column: never two agents for one call.

Outbound actions (connecting a waiting caller, calling back) go through provider.py after the
transaction commits.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miconsulado.callcenter.models import (
    SIGNED_IN_STATES,
    Agent,
    AgentSkill,
    AgentState,
    AgentStateChange,
    Call,
    CallbackAttempt,
    EntryStatus,
    QueueEntry,
    SkillKind,
    SurveyResponse,
    normalize_number,
)
from miconsulado.callcenter.provider import ProviderError, get_provider
from miconsulado.callcenter.services import MAIN_LINE, record_step
from miconsulado.core.errors import Conflict, Invalid

logger = logging.getLogger(__name__)


def conf(name: str) -> int:
    return int(settings.MICONSULADO[name])


class AgentBusy(Conflict):
    code = "agent_busy"
    default_message = _("El agente tiene una llamada en curso.")


class NoOffer(Conflict):
    code = "no_offer"
    default_message = _("No hay una llamada ofrecida a este agente.")


class BadState(Invalid):
    code = "bad_agent_state"
    default_message = _("Estado no permitido.")


class NoCallbackNumber(Invalid):
    code = "no_callback_number"
    default_message = _("No hay un número al que devolver la llamada.")


def absolute(path: str) -> str:
    """What the provider requests: the public address (MICONSULADO_PUBLIC_URL) and the path."""
    return (settings.PUBLIC_URL or "") + path


def _url(name: str, entry: QueueEntry) -> str:
    return f"{reverse(f'callcenter:{name}')}?entry={entry.pk}"


# --- Agents -------------------------------------------------------------------------------------


def _move(agent: Agent, to: str, *, now: dt.datetime, reason: str = "") -> None:
    """Write the agent's new state and its history row (the caller holds the agent's row)."""
    before = agent.state
    agent.state = to
    agent.state_since = now
    agent.idle_since = now if to == AgentState.AVAILABLE else None
    agent.wrap_up_until = (
        now + dt.timedelta(seconds=conf("WRAP_UP_SECONDS")) if to == AgentState.WRAP_UP else None
    )
    Agent.objects.filter(pk=agent.pk).update(
        state=to, state_since=now, idle_since=agent.idle_since, wrap_up_until=agent.wrap_up_until
    )
    AgentStateChange.objects.create(agent=agent, at=now, from_state=before, to_state=to, reason=reason[:60])


def create_agent(
    *, user: object, languages: list[str], groups: list[str] | None = None, endpoint: str = ""
) -> Agent:
    """An agent for a user with the agent role, with their skills; offline."""
    from miconsulado.accounts.models import Role, User

    if not isinstance(user, User) or user.role != Role.AGENT:
        raise Invalid(_("Solo un usuario con el rol de agente puede atender llamadas."))
    if not languages or any(lang not in ("es", "en") for lang in languages):
        raise Invalid(_("Idiomas del agente: es, en."))
    with transaction.atomic():
        agent = Agent.objects.create(user=user, endpoint=endpoint or f"client:agent-{user.pk}")
        AgentSkill.objects.bulk_create(
            [
                AgentSkill(agent=agent, kind=SkillKind.LANGUAGE, value=lang)
                for lang in dict.fromkeys(languages)
            ]
            + [
                AgentSkill(agent=agent, kind=SkillKind.GROUP, value=g[:40])
                for g in dict.fromkeys(groups or [])
            ]
        )
    return agent


# What an agent may choose; the other states come with calls.
CHOOSABLE = (AgentState.OFFLINE, AgentState.AVAILABLE, AgentState.BREAK)


def set_agent_state(*, agent: Agent, state: str, reason: str = "", now: dt.datetime | None = None) -> Agent:
    """The agent signs in (available), takes a break, ends wrap-up early or signs out. Not while a
    call is offered or connected (AgentBusy). Becoming available may take a call at once."""
    if state not in CHOOSABLE:
        raise BadState()
    now = now or timezone.now()
    with transaction.atomic():
        locked = Agent.objects.select_for_update().get(pk=agent.pk)
        if locked.state in (AgentState.RESERVED, AgentState.ON_CALL):
            raise AgentBusy()
        if locked.state != state:
            _move(locked, state, now=now, reason=reason or "agent")
    if state == AgentState.AVAILABLE:
        dispatch(now=now)
    agent.refresh_from_db()
    return agent


# --- Joining and leaving ------------------------------------------------------------------------


def join_queue(*, call: Call, group: str = "", now: dt.datetime | None = None) -> QueueEntry:
    """The caller pressed 2 in hours: a place in the queue of their language (the same place if the
    provider sends the request again)."""
    now = now or timezone.now()
    with transaction.atomic():
        entry, created = QueueEntry.objects.get_or_create(
            call=call, defaults={"language": call.language or "es", "group": group[:40], "enqueued_at": now}
        )
        if created:
            record_step(call, "enqueued", f"queue-{entry.language}")
    dispatch(now=now)
    entry.refresh_from_db()
    return entry


def caller_left(*, call: Call, now: dt.datetime | None = None) -> None:
    """The provider reported the end of the caller's own call. Waiting: abandoned, after how long;
    offered: abandoned and the agent freed; connected: the conversation ended."""
    now = now or timezone.now()
    entry = QueueEntry.objects.filter(call=call).first()
    if entry is None:
        return
    with transaction.atomic():
        entry = QueueEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status in (EntryStatus.WAITING, EntryStatus.OFFERED):
            agent = entry.agent
            waited = max(0, int((now - entry.enqueued_at).total_seconds()))
            QueueEntry.objects.filter(pk=entry.pk).update(
                status=EntryStatus.ABANDONED, agent=None, ended_at=now, abandoned_after_seconds=waited
            )
            record_step(call, "abandoned", f"{waited}s")
            if agent is not None:
                _release(agent.pk, now=now, reason="caller hung up")
        elif entry.status == EntryStatus.CONNECTED and not entry.callback_call_sid:
            _end_connection(entry, now=now)
    dispatch(now=now)


def _release(agent_pk: int, *, now: dt.datetime, reason: str) -> None:
    agent = Agent.objects.select_for_update().get(pk=agent_pk)
    if agent.state in (AgentState.RESERVED, AgentState.ON_CALL):
        _move(agent, AgentState.AVAILABLE, now=now, reason=reason)


def _end_connection(entry: QueueEntry, *, now: dt.datetime) -> None:
    QueueEntry.objects.filter(pk=entry.pk).update(status=EntryStatus.DONE, ended_at=now)
    if entry.agent_id is not None:
        agent = Agent.objects.select_for_update().get(pk=entry.agent_id)
        if agent.state == AgentState.ON_CALL:
            wrap = AgentState.WRAP_UP if conf("WRAP_UP_SECONDS") > 0 else AgentState.AVAILABLE
            _move(agent, wrap, now=now, reason="call ended")
    record_step(entry.call, "agent_call_ended", str(entry.agent or ""))


def connection_ended(*, entry: QueueEntry, now: dt.datetime | None = None) -> QueueEntry:
    """The agent's leg ended (the <Dial> is over): the entry is done, the agent in wrap-up."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            QueueEntry.objects.select_for_update(of=("self",))
            .select_related("call", "agent__user")
            .get(pk=entry.pk)
        )
        if locked.status == EntryStatus.CONNECTED:
            _end_connection(locked, now=now)
    dispatch(now=now)
    locked.refresh_from_db()
    return locked


# --- Routing ------------------------------------------------------------------------------------


def _locking(qs: QuerySet) -> QuerySet:  # type: ignore[type-arg]
    """Rows taken with FOR UPDATE SKIP LOCKED where the database has it (PostgreSQL); on SQLite a
    plain read: its transactions are IMMEDIATE (one writer at a time) and the conditional UPDATEs
    re-check every row."""
    if connection.features.has_select_for_update_skip_locked:
        return qs.select_for_update(skip_locked=True)
    return qs


def _routable(now: dt.datetime) -> Q:
    return Q(status=EntryStatus.WAITING) | Q(status=EntryStatus.CALLBACK, next_try_at__lte=now)


def _with_skill(kind: str, value: str) -> Exists:
    return Exists(AgentSkill.objects.filter(agent=OuterRef("pk"), kind=kind, value=value))


def _signed_in_languages() -> set[str]:
    return set(
        AgentSkill.objects.filter(kind=SkillKind.LANGUAGE, agent__state__in=SIGNED_IN_STATES).values_list(
            "value", flat=True
        )
    )


@dataclass(frozen=True)
class Offer:
    entry_id: int
    agent_id: int
    overflowed: bool


class _Lost(Exception):
    """A conditional UPDATE found its row changed: undo this assignment and try again."""


def _assign_one(*, language: str, now: dt.datetime, overflow: bool) -> Offer | bool | None:
    """One assignment in its own transaction: the head routable entry of `language` and the longest
    idle available agent who may take it. None when no entry, False when no agent."""
    try:
        with transaction.atomic():
            entries = QueueEntry.objects.filter(_routable(now), language=language)
            if overflow:
                entries = entries.filter(
                    enqueued_at__lte=now - dt.timedelta(seconds=conf("OVERFLOW_SECONDS"))
                )
            entry = _locking(entries.order_by("enqueued_at", "id")).first()
            if entry is None:
                return None
            agents = Agent.objects.filter(state=AgentState.AVAILABLE)
            if not overflow:
                agents = agents.filter(_with_skill(SkillKind.LANGUAGE, language))
                if entry.group:
                    agents = agents.filter(_with_skill(SkillKind.GROUP, entry.group))
            agent = _locking(agents.order_by("idle_since", "id")).first()
            if agent is None:
                return False
            taken = Agent.objects.filter(pk=agent.pk, state=AgentState.AVAILABLE).update(
                state=AgentState.RESERVED, state_since=now, idle_since=None
            )
            if taken != 1:
                raise _Lost()
            AgentStateChange.objects.create(
                agent=agent,
                at=now,
                from_state=AgentState.AVAILABLE,
                to_state=AgentState.RESERVED,
                reason="offer",
            )
            moved = QueueEntry.objects.filter(pk=entry.pk, status=entry.status, agent__isnull=True).update(
                status=EntryStatus.OFFERED, agent=agent, offered_at=now, overflowed=overflow
            )
            if moved != 1:
                raise _Lost()
            record_step(entry.call, "offered", f"{agent}{' (overflow)' if overflow else ''}")
            return Offer(entry.pk, agent.pk, overflow)
    except (_Lost, IntegrityError):
        return Offer(0, 0, False)  # lost a race: the caller loops and looks again


def dispatch(*, now: dt.datetime | None = None, limit: int = 1000) -> list[Offer]:
    """Offer waiting calls to available agents until one side runs out: each language's head to the
    longest idle agent with that language (and the entry's group, if any); then calls whose
    language no agent has signed in with, waiting past OVERFLOW_SECONDS, to any available agent."""
    now = now or timezone.now()
    offers: list[Offer] = []
    for overflow in (False, True):
        languages = ["es", "en"]
        if overflow:
            signed_in = _signed_in_languages()
            languages = [lang for lang in languages if lang not in signed_in]
        for language in languages:
            misses = 0
            while len(offers) < limit and misses < 20:
                outcome = _assign_one(language=language, now=now, overflow=overflow)
                if outcome is None or outcome is False:
                    break
                assert isinstance(outcome, Offer)
                if outcome.entry_id == 0:
                    misses += 1
                    continue
                offers.append(outcome)
    return offers


def accept_offer(*, agent: Agent, now: dt.datetime | None = None) -> QueueEntry:
    """The agent accepts the call offered to them: connected, and the provider brings the caller to
    them (a waiting caller's call is redirected to TwiML that dials the agent; a callback calls the
    citizen). NoOffer when nothing is offered to them (it lapsed, or the caller hung up)."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = (
            QueueEntry.objects.select_for_update(of=("self",))
            .select_related("call")
            .filter(agent=agent, status=EntryStatus.OFFERED)
            .first()
        )
        if entry is None:
            raise NoOffer()
        is_callback = bool(entry.callback_number)
        QueueEntry.objects.filter(pk=entry.pk).update(
            status=EntryStatus.CONNECTED, answered_at=None if is_callback else now
        )
        locked = Agent.objects.select_for_update().get(pk=agent.pk)
        _move(locked, AgentState.ON_CALL, now=now, reason="accepted")
        record_step(entry.call, "accepted", str(agent))
    entry.refresh_from_db()
    provider = get_provider()
    try:
        if is_callback:
            sid = provider.call(
                to=entry.callback_number,
                from_=MAIN_LINE,
                url=absolute(_url("callback_answer", entry)),
                status_callback=absolute(_url("callback_status", entry)),
            )
            with transaction.atomic():
                QueueEntry.objects.filter(pk=entry.pk).update(
                    callback_call_sid=sid, callback_attempts=entry.callback_attempts + 1
                )
                CallbackAttempt.objects.create(entry=entry, at=now, call_sid=sid, outcome="calling")
                record_step(entry.call, "callback_dialled", f"try {entry.callback_attempts + 1}")
        else:
            provider.redirect(call_sid=entry.call.call_sid, url=absolute(_url("queue_connect", entry)))
    except ProviderError:
        logger.exception("The provider could not connect queue entry %s", entry.pk)
        _back_to_head(entry.pk, agent_to=AgentState.AVAILABLE, now=now, reason="provider failed")
    entry.refresh_from_db()
    return entry


def _back_to_head(entry_pk: int, *, agent_to: str, now: dt.datetime, reason: str) -> None:
    """The entry returns to its place (its `enqueued_at`: the head, where it was when offered) and the
    agent goes to `agent_to`."""
    with transaction.atomic():
        entry = QueueEntry.objects.select_for_update(of=("self",)).select_related("call").get(pk=entry_pk)
        if entry.status not in (EntryStatus.OFFERED, EntryStatus.CONNECTED) or entry.agent_id is None:
            return
        back = EntryStatus.CALLBACK if entry.callback_number else EntryStatus.WAITING
        QueueEntry.objects.filter(pk=entry.pk).update(
            status=back, agent=None, offered_at=None, answered_at=None, callback_call_sid=""
        )
        agent = Agent.objects.select_for_update().get(pk=entry.agent_id)
        _move(agent, agent_to, now=now, reason=reason)
        record_step(entry.call, "back_to_queue", reason)


def expire_offers(*, now: dt.datetime | None = None) -> int:
    """Offers not accepted within AGENT_ACCEPT_SECONDS: the agent goes to break (or offline,
    AGENT_MISSED_OFFER_STATE) and the call back to the head of its queue."""
    now = now or timezone.now()
    missed = settings.MICONSULADO["AGENT_MISSED_OFFER_STATE"]
    agent_to = AgentState.OFFLINE if missed == "offline" else AgentState.BREAK
    cutoff = now - dt.timedelta(seconds=conf("AGENT_ACCEPT_SECONDS"))
    lapsed = list(
        QueueEntry.objects.filter(status=EntryStatus.OFFERED, offered_at__lte=cutoff).values_list(
            "pk", flat=True
        )
    )
    for pk in lapsed:
        _back_to_head(pk, agent_to=agent_to, now=now, reason="offer not accepted")
    return len(lapsed)


def agent_unreachable(*, entry: QueueEntry, now: dt.datetime | None = None) -> None:
    """The agent's phone did not answer the <Dial>: as an offer not accepted."""
    now = now or timezone.now()
    missed = settings.MICONSULADO["AGENT_MISSED_OFFER_STATE"]
    _back_to_head(
        entry.pk,
        agent_to=AgentState.OFFLINE if missed == "offline" else AgentState.BREAK,
        now=now,
        reason="agent did not answer",
    )


def end_wrap_ups(*, now: dt.datetime | None = None) -> int:
    """Agents whose wrap-up time is over become available (longest idle from now)."""
    now = now or timezone.now()
    ended = 0
    for pk in Agent.objects.filter(state=AgentState.WRAP_UP, wrap_up_until__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            agent = Agent.objects.select_for_update().get(pk=pk)
            if agent.state == AgentState.WRAP_UP:
                _move(agent, AgentState.AVAILABLE, now=now, reason="wrap-up over")
                ended += 1
    return ended


def tick(*, now: dt.datetime | None = None) -> list[Offer]:
    """The queue's heartbeat (each wait webhook, each callback retry, the scheduler each minute)."""
    now = now or timezone.now()
    expire_offers(now=now)
    end_wrap_ups(now=now)
    return dispatch(now=now)


# --- Callbacks ----------------------------------------------------------------------------------


def request_callback(*, entry: QueueEntry, number: str, now: dt.datetime | None = None) -> QueueEntry:
    """The waiting caller leaves the line to be called back at `number`, keeping their place."""
    now = now or timezone.now()
    normalized = normalize_number(number)
    if normalized is None:
        raise NoCallbackNumber()
    with transaction.atomic():
        locked = QueueEntry.objects.select_for_update(of=("self",)).select_related("call").get(pk=entry.pk)
        if locked.status != EntryStatus.WAITING:
            raise Conflict(_("Esta llamada ya no está en espera."))
        QueueEntry.objects.filter(pk=locked.pk).update(
            status=EntryStatus.CALLBACK,
            callback_number=normalized,
            callback_requested_at=now,
            next_try_at=now,
        )
        record_step(locked.call, "callback_requested", normalized[-4:])
    locked.refresh_from_db()
    return locked


def callback_unanswered(*, entry: QueueEntry, outcome: str, now: dt.datetime | None = None) -> QueueEntry:
    """The callback's call was not answered (no-answer, busy, failed): the agent is freed and the
    entry tries again CALLBACK_RETRY_SECONDS later at its place, up to CALLBACK_RETRIES more times;
    then it is recorded as failed. (An SMS saying so is for notifications to send: not yet.)"""
    from miconsulado.callcenter.tasks import callback_due

    now = now or timezone.now()
    retry = False
    with transaction.atomic():
        locked = QueueEntry.objects.select_for_update(of=("self",)).select_related("call").get(pk=entry.pk)
        if locked.status != EntryStatus.CONNECTED or not locked.callback_number:
            return locked
        CallbackAttempt.objects.filter(entry=locked, call_sid=locked.callback_call_sid).update(
            outcome=outcome[:20]
        )
        if locked.agent_id is not None:
            _release(locked.agent_id, now=now, reason="callback not answered")
        if locked.callback_attempts > conf("CALLBACK_RETRIES"):
            QueueEntry.objects.filter(pk=locked.pk).update(
                status=EntryStatus.FAILED, agent=None, ended_at=now, callback_call_sid=""
            )
            record_step(locked.call, "callback_failed", outcome)
        else:
            due = now + dt.timedelta(seconds=conf("CALLBACK_RETRY_SECONDS"))
            QueueEntry.objects.filter(pk=locked.pk).update(
                status=EntryStatus.CALLBACK,
                agent=None,
                offered_at=None,
                callback_call_sid="",
                next_try_at=due,
            )
            record_step(locked.call, "callback_unanswered", outcome)
            retry = True
    if retry:
        try:
            callback_due.using(run_after=now + dt.timedelta(seconds=conf("CALLBACK_RETRY_SECONDS"))).enqueue()
        except Exception:  # the scheduler's tick reaches it anyway
            logger.exception("Could not queue the callback retry of entry %s", locked.pk)
    dispatch(now=now)
    locked.refresh_from_db()
    return locked


def callback_answered(*, entry: QueueEntry, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        locked = QueueEntry.objects.select_for_update(of=("self",)).select_related("call").get(pk=entry.pk)
        QueueEntry.objects.filter(pk=locked.pk).update(answered_at=now)
        CallbackAttempt.objects.filter(entry=locked, call_sid=locked.callback_call_sid).update(
            outcome="answered"
        )
        record_step(locked.call, "callback_answered")


# --- Survey -------------------------------------------------------------------------------------


def record_survey(*, entry: QueueEntry, score: int, now: dt.datetime | None = None) -> SurveyResponse:
    """The caller's 1–5 after the agent hung up, once per call, against the call and the agent."""
    if score not in range(1, 6):
        raise Invalid(_("La calificación es del 1 al 5."))
    with transaction.atomic():
        survey, created = SurveyResponse.objects.get_or_create(
            call_id=entry.call_id,
            defaults={"agent_id": entry.agent_id, "score": score, "at": now or timezone.now()},
        )
        if created:
            record_step(entry.call, "survey", str(score))
    return survey
