"""Every change to the waitlist, one function each: join, leave, offer freed places, accept, decline,
expire. API, pages, the phone line and the tasks call these.

A freed place is offered by holding it for one person through the booking core's hold (its capacity
guard counts the place as taken), and accepted by confirming that hold through the core's confirm:
the waitlist writes no booking rows of its own. Who may have which place is decided by row locks
(an entry is locked before it gets an offer; an offer is locked before it is answered or expired)
and by the constraints of waitlist.models, on SQLite and PostgreSQL alike. Decision 0010.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miconsulado.booking import events as booking_events
from miconsulado.booking import services as booking
from miconsulado.booking.applicants import ApplicantData, clean_applicants
from miconsulado.booking.errors import (
    HoldExpired,
    InvalidApplicants,
    NotConfirmable,
    SlotFull,
    SlotUnavailable,
)
from miconsulado.booking.models import Applicant, AppointmentStatus
from miconsulado.catalog.localtime import office_date, office_today
from miconsulado.catalog.models import Office, Procedure
from miconsulado.core import rows
from miconsulado.core.channels import Channel
from miconsulado.core.errors import DomainError, Invalid
from miconsulado.core.events import announce
from miconsulado.core.languages import DEFAULT_LANGUAGE
from miconsulado.core.outbox import enqueue_on_commit
from miconsulado.scheduling import line
from miconsulado.scheduling.errors import ProcedureNotOffered
from miconsulado.scheduling.models import Slot
from miconsulado.scheduling.rules import check_date, timing_refusal
from miconsulado.scheduling.selectors import available_slots, schedule_for, serves, serving_windows
from miconsulado.waitlist import events
from miconsulado.waitlist.errors import AlreadyBooked, AlreadyWaiting, NotWaiting, OfferClosed, OfferExpired
from miconsulado.waitlist.models import (
    EntryState,
    OfferState,
    WaitlistAction,
    WaitlistEntry,
    WaitlistEvent,
    WaitlistOffer,
)

if TYPE_CHECKING:
    from miconsulado.accounts.models import User

logger = logging.getLogger(__name__)


def offer_duration() -> dt.timedelta:
    """How long an offer holds its place (MICONSULADO_WAITLIST_OFFER_HOURS, default 2)."""
    return dt.timedelta(hours=float(settings.MICONSULADO["WAITLIST_OFFER_HOURS"]))


def _acting(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _record(
    entry: WaitlistEntry,
    action: WaitlistAction,
    *,
    channel: Channel | str,
    actor: User | None = None,
    offer: WaitlistOffer | None = None,
    **data: Any,
) -> None:
    rows.insert(
        WaitlistEvent(
            entry=entry, offer=offer, action=action, channel=channel, actor=_acting(actor), data=data
        )
    )


def _tasks() -> Any:
    from miconsulado.waitlist import tasks  # not at import: tasks import this module

    return tasks


# --- Joining and leaving ------------------------------------------------------------------------


def _as_applicant_errors(exc: InvalidApplicants) -> InvalidApplicants:
    """The core's field paths (`applicants.0.curp`) as the waitlist's (`applicant.curp`)."""
    return InvalidApplicants(
        errors={key.replace("applicants.0.", "applicant.", 1): list(v) for key, v in exc.errors.items()}
    )


def join(
    *,
    office: Office,
    procedure: Procedure,
    applicant: ApplicantData,
    channel: Channel,
    actor: User | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    language: str = DEFAULT_LANGUAGE,
    now: dt.datetime | None = None,
) -> WaitlistEntry:
    """Put one person in line for `procedure` at `office`, on local dates [date_from, date_to] (either
    open). The core's applicant checks (InvalidApplicants, fields `applicant.*`); AlreadyBooked if the
    CURP holds an active appointment for the procedure; AlreadyWaiting if it is in this line already
    (the database's unique constraint decides, not a read)."""
    now = now or timezone.now()
    check_date(date_from, field="from")
    check_date(date_to, field="to")
    today = office_today(office, now)
    if date_to is not None and date_to < today:
        raise Invalid(_("La fecha final ya pasó."), field="to")
    if date_from is not None and date_to is not None and date_from > date_to:
        raise Invalid(_("La fecha inicial es posterior a la final."), field="to")
    if not serving_windows(office=office, procedure=procedure):
        raise ProcedureNotOffered(field="procedure")
    try:
        (clean,) = clean_applicants(
            procedure=procedure, applicants=[applicant], appointment_date=max(date_from or today, today)
        )
    except InvalidApplicants as exc:
        raise _as_applicant_errors(exc) from None
    if Applicant.objects.filter(curp=clean.curp, procedure=procedure, active=True).exists():
        raise AlreadyBooked(field="applicant.curp")
    entry = WaitlistEntry(
        office=office,
        procedure=procedure,
        date_from=date_from,
        date_to=date_to,
        language=language,
        curp=clean.curp,
        given_names=clean.given_names,
        first_surname=clean.first_surname,
        second_surname=clean.second_surname,
        birth_date=clean.birth_date,
        email=clean.email,
        phone=clean.phone,
        channel=channel,
        created_by=_acting(actor),
        state=EntryState.WAITING,
        joined_at=now,
    )
    try:
        with transaction.atomic():
            entry.save(force_insert=True)
            _record(entry, WaitlistAction.JOINED, channel=channel, actor=actor)
    except IntegrityError:
        if WaitlistEntry.objects.filter(
            curp=clean.curp, procedure=procedure, state__in=[EntryState.WAITING, EntryState.OFFERED]
        ).exists():
            raise AlreadyWaiting(field="applicant.curp") from None
        raise
    return entry


def leave(
    *, entry: WaitlistEntry, channel: Channel, actor: User | None = None, now: dt.datetime | None = None
) -> WaitlistEntry:
    """Take the person out of the line; an open offer of theirs is declined and its place goes to
    the next person. NotWaiting if they are no longer in it."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.state not in (EntryState.WAITING, EntryState.OFFERED):
            raise NotWaiting()
        open_offer = (
            WaitlistOffer.objects.select_for_update(of=("self",))
            .select_related("hold", "slot", "entry__office", "entry__procedure")
            .filter(entry=locked, state=OfferState.OFFERED)
            .first()
        )
        if open_offer is not None:
            _close(open_offer, OfferState.DECLINED, channel=channel, actor=actor, now=now)
        locked.state = EntryState.LEFT
        locked.save(update_fields=["state", "updated_at"])
        _record(locked, WaitlistAction.LEFT, channel=channel, actor=actor)
    return locked


# --- Offers ------------------------------------------------------------------------------------


def _facts(offer: WaitlistOffer) -> dict[str, Any]:
    entry = offer.entry
    return {
        "entry": str(entry.public_id),
        "offer": str(offer.public_id),
        "office": entry.office.code,
        "procedure": entry.procedure.code,
        "slot": offer.slot_id,
        "slot_start": booking_events.utc_iso(offer.slot.start),
        "expires_at": booking_events.utc_iso(offer.expires_at),
        "language": entry.language,
    }


def _fits(entry: WaitlistEntry, slot: Slot) -> bool:
    day = office_date(slot.start, slot.office)
    if entry.date_from is not None and day < entry.date_from:
        return False
    if entry.date_to is not None and day > entry.date_to:
        return False
    return serves(office=slot.office, procedure=entry.procedure, window_id=slot.window_id)


def _offer_until(slot: Slot, now: dt.datetime) -> dt.datetime:
    """The offer's end: its duration, but never past the last moment the slot may be booked (its
    start less the office's lead time)."""
    lead = dt.timedelta(minutes=schedule_for(slot.office).min_lead_minutes)
    return min(now + offer_duration(), slot.start - lead)


def offer_freed_places(
    *, slot_id: int | None = None, office_id: int | None = None, now: dt.datetime | None = None
) -> list[WaitlistOffer]:
    """Offer free places to the people waiting, first come first: for each free place (of the slot
    `slot_id`, else of every slot where someone waits, at `office_id` if given), the first person in
    line whose office, procedure and dates fit gets it, held for them by the booking core. Run by a
    task (the PlacesFreed receiver, the scheduler's sweep), never by the request that freed a place.
    Offers past their time are expired first, so their places go round too. Safe to run
    concurrently: each entry is locked before it gets an offer, and each place is taken by the
    core's guarded hold. Returns the offers made."""
    now = now or timezone.now()
    expire_lapsed_offers(now=now)
    made: list[WaitlistOffer] = []
    for slot in _slots_with_room(slot_id=slot_id, office_id=office_id, now=now):
        made.extend(_fill(slot, now=now))
    return made


def _waiting(office_id: int | None) -> Iterable[tuple[int, int]]:
    waiting = WaitlistEntry.objects.filter(state=EntryState.WAITING)
    if office_id is not None:
        waiting = waiting.filter(office_id=office_id)
    return waiting.order_by().values_list("office_id", "procedure_id").distinct()


def _slots_with_room(*, slot_id: int | None, office_id: int | None, now: dt.datetime) -> list[Slot]:
    """Slots with places for the line: held for it (scheduling.line), or free."""
    if slot_id is not None:
        slot = Slot.objects.select_related("office").filter(pk=slot_id).first()
        return [slot] if slot is not None and (slot.line_held or slot.booked < slot.capacity) else []
    found: dict[int, Slot] = {}
    held = Slot.objects.filter(line_held__gt=0).select_related("office")  # index slot_line_held
    if office_id is not None:
        held = held.filter(office_id=office_id)
    for slot in held:
        found[slot.pk] = slot
    offices = {o.pk: o for o in Office.objects.filter(pk__in={o for o, _ in _waiting(office_id)})}
    procedures = {p.pk: p for p in Procedure.objects.filter(pk__in={p for _, p in _waiting(office_id)})}
    for office_pk, procedure_pk in _waiting(office_id):
        for slot in available_slots(office=offices[office_pk], procedure=procedures[procedure_pk], now=now):
            found.setdefault(slot.pk, slot)
    return sorted(found.values(), key=lambda s: (s.start, s.pk))


def _candidates(slot: Slot) -> list[WaitlistEntry]:
    """Who waits at the slot's office, first come first, and has not declined this slot."""
    declined = WaitlistOffer.objects.filter(slot=slot, state=OfferState.DECLINED).values("entry_id")
    waiting = (
        WaitlistEntry.objects.filter(office_id=slot.office_id, state=EntryState.WAITING)
        .exclude(pk__in=declined)
        .select_related("procedure")
        .order_by("joined_at", "id")
    )
    return [entry for entry in waiting if _fits(entry, slot)]


def _fill(slot: Slot, *, now: dt.datetime) -> list[WaitlistOffer]:
    made = []
    offerable = True
    for entry in _candidates(slot):
        try:
            offer = _offer(entry, slot, now=now)
        except SlotFull:
            break  # no place left here
        except (SlotUnavailable, DomainError) as exc:  # too late for this slot, closed: not for anyone
            logger.info("waitlist: slot %s not offered: %s", slot.pk, exc)
            offerable = False
            break
        if offer is not None:
            made.append(offer)
    # Only where the line held places when the slot was read: a place moved to the line since was
    # freed by a change whose own PlacesFreed brings this task back for it.
    if slot.line_held:
        _give_back_unwanted(slot, offerable=offerable, now=now)
    return made


def _give_back_unwanted(slot: Slot, *, offerable: bool, now: dt.datetime) -> None:
    """Give back to everybody the places held for the line in `slot` that nobody in line can take
    now (they left, their dates or procedure do not fit, it is too late to offer the slot). Under
    the slot's row lock, counted afresh: a place freed meanwhile for someone who just joined stays
    held for them."""
    with transaction.atomic():
        fresh = Slot.objects.select_for_update().select_related("office").filter(pk=slot.pk).first()
        if fresh is None or not fresh.line_held:
            return
        wanted = _wanting(fresh, up_to=fresh.line_held) if offerable and _offerable(fresh, now) else 0
        if fresh.line_held > wanted:
            line.release_line_places(slot=fresh, places=fresh.line_held - wanted)
            logger.info(
                "waitlist: %s place(s) of slot %s back to everybody", fresh.line_held - wanted, fresh.pk
            )


def _offerable(slot: Slot, now: dt.datetime) -> bool:
    return (
        slot.office.active
        and not slot.conflict
        and not slot.withdrawn
        and _offer_until(slot, now) > now
        and timing_refusal(office=slot.office, start=slot.start, now=now) is None
    )


def _wanting(slot: Slot, *, up_to: int) -> int:
    """How many people in line would be offered a place of `slot` (counted up to `up_to`): the
    candidates who hold no appointment for their procedure."""
    count = 0
    for entry in _candidates(slot):
        if count >= up_to:
            break
        if not Applicant.objects.filter(
            curp=entry.curp, procedure_id=entry.procedure_id, active=True
        ).exists():
            count += 1
    return count


def _offer(entry: WaitlistEntry, slot: Slot, *, now: dt.datetime) -> WaitlistOffer | None:
    """Hold one place of `slot` for `entry` and make the offer; None if the entry no longer waits
    (another run got it first) or already holds an appointment for the procedure."""
    until = _offer_until(slot, now)
    if until <= now:
        raise SlotUnavailable()
    with transaction.atomic():
        locked = (
            WaitlistEntry.objects.select_for_update(of=("self",))
            .select_related("office", "procedure")
            .filter(pk=entry.pk, state=EntryState.WAITING)
            .first()
        )
        if locked is None:
            return None
        if Applicant.objects.filter(curp=locked.curp, procedure_id=locked.procedure_id, active=True).exists():
            return None  # booked by themselves meanwhile; accepting would be refused
        fresh = Slot.objects.select_related("office").get(pk=slot.pk)
        hold = booking.hold_slot(
            slot=fresh,
            procedure=locked.procedure,
            places=1,
            channel=Channel.SYSTEM,
            language=locked.language,
            ttl=until - now,
            for_the_line=True,  # a place held for the line first, else a free one
            now=now,
        )
        offer = WaitlistOffer(
            entry=locked, hold=hold, slot=fresh, expires_at=now + (until - now)
        )  # the hold's own end
        offer.save(force_insert=True)
        locked.state = EntryState.OFFERED
        locked.save(update_fields=["state", "updated_at"])
        _record(
            locked, WaitlistAction.OFFERED, channel=Channel.SYSTEM, offer=offer, slot=fresh.pk, hold=hold.code
        )
        announce(events.WaitlistOfferMade(**_facts(offer)))
        enqueue_on_commit(_tasks().expire_offer.using(run_after=offer.expires_at), offer.pk)
    return offer


def _lock_offer(offer: WaitlistOffer) -> WaitlistOffer:
    return (
        WaitlistOffer.objects.select_for_update(of=("self",))
        .select_related("entry__office", "entry__procedure", "hold", "slot__office")
        .get(pk=offer.pk)
    )


def _ensure_open(offer: WaitlistOffer, now: dt.datetime) -> None:
    if offer.state == OfferState.EXPIRED or (offer.state == OfferState.OFFERED and offer.expires_at <= now):
        raise OfferExpired()
    if offer.state != OfferState.OFFERED:
        raise OfferClosed()


def accept(
    *,
    offer: WaitlistOffer,
    channel: Channel,
    actor: User | None = None,
    contact_proven: bool = False,
    now: dt.datetime | None = None,
) -> WaitlistOffer:
    """Book the offered place: the core confirms the hold for the entry's person (and announces the
    confirmation). `contact_proven`: the answer came with the offer's signed link, which only the
    entry's e-mail received (the core confirms a citizen's hold only for a proven contact). OfferExpired if its time is up (whether or not the expiry has run yet),
    OfferClosed if already answered; the core's refusals otherwise (e.g. the CURP booked meanwhile)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_offer(offer)
        _ensure_open(locked, now)
        entry = locked.entry
        person = ApplicantData(
            curp=entry.curp,
            given_names=entry.given_names,
            first_surname=entry.first_surname,
            second_surname=entry.second_surname,
            birth_date=entry.birth_date,
            email=entry.email,
            phone=entry.phone,
        )
        try:
            appointment = booking.confirm_appointment(
                appointment=locked.hold,
                applicants=[person],
                channel=channel,
                actor=actor,
                language=entry.language,
                contact_proven=contact_proven,
                now=now,
            )
        except (HoldExpired, NotConfirmable):
            raise OfferExpired() from None
        locked.state = OfferState.ACCEPTED
        locked.answered_at = now
        locked.answer_channel = channel
        locked.save(update_fields=["state", "answered_at", "answer_channel"])
        entry.state = EntryState.BOOKED
        entry.save(update_fields=["state", "updated_at"])
        _record(
            entry,
            WaitlistAction.ACCEPTED,
            channel=channel,
            actor=actor,
            offer=locked,
            appointment=appointment.code,
        )
        announce(
            events.WaitlistOfferAccepted(**_facts(locked), appointment=appointment.code, channel=str(channel))
        )
    return locked


def decline(
    *, offer: WaitlistOffer, channel: Channel, actor: User | None = None, now: dt.datetime | None = None
) -> WaitlistOffer:
    """Give the place back for the next person; the entry waits on for another place (not this one)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_offer(offer)
        _ensure_open(locked, now)
        _close(locked, OfferState.DECLINED, channel=channel, actor=actor, now=now)
        entry = locked.entry
        entry.state = EntryState.WAITING
        entry.save(update_fields=["state", "updated_at"])
    return locked


def _close(
    offer: WaitlistOffer, state: OfferState, *, channel: Channel, actor: User | None, now: dt.datetime
) -> None:
    """Decline a locked open offer and release its hold (the core announces PlacesFreed: the next
    person gets the place)."""
    offer.state = state
    offer.answered_at = now
    offer.answer_channel = channel
    offer.save(update_fields=["state", "answered_at", "answer_channel"])
    hold = offer.hold
    if hold.status == AppointmentStatus.HELD:
        booking.cancel_appointment(
            appointment=hold,
            channel=channel,
            actor=actor,
            reason="waitlist offer declined",
            force=True,
            now=now,
        )
    _record(offer.entry, WaitlistAction.DECLINED, channel=channel, actor=actor, offer=offer)
    announce(events.WaitlistOfferDeclined(**_facts(offer), channel=str(channel)))


def expire_offer(*, offer_id: int, now: dt.datetime | None = None) -> bool:
    """Expire one offer if its time is up and it is still open: the entry leaves the line (it did
    not answer) and the hold is released, so the place goes to the next person. False if there was
    nothing to do (answered in time, or expired already)."""
    now = now or timezone.now()
    with transaction.atomic():
        offer = (
            WaitlistOffer.objects.select_for_update(of=("self",))
            .select_related("entry__office", "entry__procedure", "hold", "slot")
            .filter(pk=offer_id, state=OfferState.OFFERED, expires_at__lte=now)
            .first()
        )
        if offer is None:
            return False
        offer.state = OfferState.EXPIRED
        offer.save(update_fields=["state"])
        entry = offer.entry
        entry.state = EntryState.EXPIRED
        entry.save(update_fields=["state", "updated_at"])
        # The core's own expiry may have released the hold already; if not, now (PlacesFreed).
        booking.expire_hold(appointment_id=offer.hold_id, now=now)
        _record(entry, WaitlistAction.EXPIRED, channel=Channel.SYSTEM, offer=offer)
        announce(events.WaitlistOfferExpired(**_facts(offer)))
    return True


def expire_lapsed_offers(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Expire every open offer past its time (the sweep for expiry tasks that were lost)."""
    now = now or timezone.now()
    due = WaitlistOffer.objects.filter(state=OfferState.OFFERED, expires_at__lte=now).order_by("expires_at")
    return sum(expire_offer(offer_id=pk, now=now) for pk in list(due.values_list("pk", flat=True)[:limit]))


def entries_in_line(entry: WaitlistEntry) -> Q:
    """Entries ahead of `entry` (and itself) in its line."""
    return Q(office_id=entry.office_id, procedure_id=entry.procedure_id, state=EntryState.WAITING) & (
        Q(joined_at__lt=entry.joined_at) | Q(joined_at=entry.joined_at, id__lte=entry.pk)
    )
