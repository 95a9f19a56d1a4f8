"""How booking writes its rows: the mechanics under booking.services' actions, and for them only.

The appointment and its people as unwritten rows (`new_people`, `new_parents`), and what the caller
renders next remembered without reading it back; the history entry; the guarded UPDATE that takes
places and the one that gives them back; the check for room before a transaction opens; a new
appointment's transaction with a freshly drawn code (`new_appointment`), turning a refused CURP into
the error that names it; the replay of an idempotent request. The rules (who may book what, when,
how many) and the order of the writes are in booking.services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, OperationalError, connection, transaction

from miconsulado.booking import codes, one_statement
from miconsulado.booking import curp as curp_rules
from miconsulado.booking.applicants import CleanApplicant
from miconsulado.booking.errors import CurpAlreadyBooked, IdempotencyKeyReused, SlotFull, SlotUnavailable
from miconsulado.booking.models import (
    Applicant,
    Appointment,
    AppointmentAction,
    AppointmentEvent,
    AppointmentStatus,
    Parent,
    Witness,
)
from miconsulado.booking.selectors import lapsed_hold_sql
from miconsulado.booking.witnesses import WitnessData
from miconsulado.core import rows
from miconsulado.core.channels import Channel
from miconsulado.scheduling import line
from miconsulado.scheduling.models import Slot

if TYPE_CHECKING:
    from miconsulado.accounts.models import User
    from miconsulado.catalog.models import Office

CODE_ATTEMPTS = 5


# --- Places -----------------------------------------------------------------------------------


def take_places(slot: Slot, places: int) -> bool:
    """Take places with one guarded UPDATE; False (nothing written) if they do not fit or the slot
    is closed. The caller notes the change of availability, last in its transaction."""
    # Plain SQL, the one guard both paths run: the one statement every booking runs while it
    # holds the slot's row, and the ORM's UPDATE took several times what the database takes.
    with connection.cursor() as cursor:
        cursor.execute(one_statement.TAKE_PLACES_SQL, one_statement.take_places_params(slot.pk, places))
        taken = cursor.rowcount
    return bool(taken)


def refusal(slot: Slot) -> SlotFull | SlotUnavailable:
    """Why places could not be taken: the slot is full, or a regeneration closed it since the
    caller read it."""
    if not Slot.objects.filter(pk=slot.pk, conflict=False, withdrawn=False).exists():
        return SlotUnavailable()
    return SlotFull()


def give_back_places(slot: Slot, places: int, *, office: Office, now: dt.datetime) -> None:
    """Give an appointment's places back: to the waitlist's line as far as people wait for them
    (they stay taken, held for the line), the rest to everybody (scheduling.line). The caller
    announces PlacesFreed and notes the change of availability, last in its transaction."""
    line.give_back_places(slot=slot, office=office, places=places, now=now)


# --- History ----------------------------------------------------------------------------------


def acting_user(actor: User | None) -> User | None:
    """Who to store as having acted: an anonymous visitor (the web, the API without a token) is nobody."""
    return actor if actor is not None and actor.is_authenticated else None


def history_entry(
    appointment: Appointment,
    action: AppointmentAction,
    *,
    channel: Channel | str,
    actor: User | None,
    **data: Any,
) -> AppointmentEvent:
    return AppointmentEvent(
        appointment=appointment, action=action, channel=channel, actor=acting_user(actor), data=data
    )


def record(
    appointment: Appointment,
    action: AppointmentAction,
    *,
    channel: Channel | str,
    actor: User | None,
    **data: Any,
) -> None:
    rows.insert(history_entry(appointment, action, channel=channel, actor=actor, **data))


def slot_data(slot: Slot) -> dict[str, Any]:
    return {"slot": slot.pk, "office": slot.office.code, "start": slot.start.isoformat()}


# --- A new appointment ------------------------------------------------------------------------


class CurpTaken(Exception):
    """The unique index refused a CURP inside the transaction. PostgreSQL answers nothing more in
    an aborted transaction: which CURPs are taken is asked once it has rolled back."""


def new_appointment(
    write: Callable[[str], Appointment], *, curps: Sequence[str], procedure_id: int
) -> Appointment:
    """Run `write(code)` as one transaction with a freshly drawn confirmation code.

    The unique constraints decide, not reads made beforehand (a read cannot see a concurrent
    writer): a code already in use (about one draw in 10^5 with ten million appointments) means
    another try with a new code; a CURP with an active appointment becomes CurpAlreadyBooked
    naming it. A transaction PostgreSQL failed to break a deadlock is run once more: nothing of
    it was written, and the second run is booked or refused like any other.
    """
    retried = False
    for _attempt in range(CODE_ATTEMPTS):
        code = codes.new_code()
        try:
            with transaction.atomic():
                return write(code)
        except CurpTaken:
            raise curp_conflict(curps, procedure_id=procedure_id) from None
        except IntegrityError:
            if Appointment.objects.filter(code=code).exists():
                continue
            raise
        except OperationalError as exc:
            if retried or not one_statement.lost_to_another_transaction(exc):
                raise
            retried = True
    raise RuntimeError("could not draw a free confirmation code")


# --- Room, before a transaction opens ---------------------------------------------------------


# Is there room for that many places in the slot, counting holds that have lapsed but are not yet released?
_ROOM_SQL = """
    SELECT 1 FROM scheduling_slot s
    WHERE s.id = %s AND (s.booked + %s <= s.capacity OR <lapsed_hold>)
""".replace("<lapsed_hold>", lapsed_hold_sql("s"))


def ensure_room(slot: Slot, places: int, *, now: dt.datetime, lapsed_hold: bool | None) -> None:
    """Refuse a full slot before opening a transaction: in a rush, most requests come after the
    last place is gone. Only when the slot as read is full: if it was read with the answer to
    "does a lapsed hold sit in it?" (`lapsed_hold`, from `booking.selectors.slot_at`), that answer
    decides; otherwise (None) the database is asked (the read may be old): no room and no lapsed
    hold that could make some."""
    if slot.booked + places <= slot.capacity:
        return
    if lapsed_hold is not None:
        if not lapsed_hold:
            raise SlotFull()
        return  # the booking releases it when it takes the places
    # Plain SQL: this runs for nearly every request of a rush, and building it with the ORM costs
    # more than the database takes to answer it.
    with connection.cursor() as cursor:
        cursor.execute(
            _ROOM_SQL,
            [slot.pk, places, AppointmentStatus.HELD.value, connection.ops.adapt_datetimefield_value(now)],
        )
        if cursor.fetchone() is None:
            raise SlotFull()


# --- People -----------------------------------------------------------------------------------


def new_people(appointment: Appointment, applicants: Sequence[CleanApplicant]) -> list[Applicant]:
    """The appointment's people, unwritten. In CURP order: two family bookings sharing CURPs then
    lock index entries in the same order."""
    return sorted(
        (
            Applicant(
                appointment=appointment,
                procedure=appointment.procedure,
                position=position,
                curp=a.curp,
                given_names=a.given_names,
                first_surname=a.first_surname,
                second_surname=a.second_surname,
                birth_date=a.birth_date,
                sex=a.sex,
                email=a.email,
                phone=a.phone,
                active=True,
            )
            for position, a in enumerate(applicants)
        ),
        key=lambda r: r.curp,
    )


def new_parents(people: Sequence[Applicant], applicants: Sequence[CleanApplicant]) -> list[Parent]:
    by_curp = {person.curp: person for person in people}
    return [
        Parent(
            applicant=by_curp[a.curp],
            role=p.role,
            full_name=p.full_name.strip(),
            curp=curp_rules.compact(p.curp),  # as validated: no spaces or dashes
            id_document=p.id_document.strip(),
            present=p.present,
            remote_consent_signed_on=None if p.present else p.remote_consent_signed_on,
        )
        for a in applicants
        for p in a.parents
    ]


def remember_people(appointment: Appointment, people: Sequence[Applicant]) -> None:
    """What the caller renders next: the rows just written, not read back (as prefetch_related
    leaves them: a queryset whose results are already known)."""
    written = appointment.applicants.all()
    written._result_cache = sorted(people, key=lambda r: r.position)
    written._prefetch_done = True  # type: ignore[attr-defined]
    appointment._prefetched_objects_cache = {"applicants": written}  # type: ignore[attr-defined]


def add_applicants(appointment: Appointment, applicants: Sequence[CleanApplicant]) -> None:
    """Insert the people; the partial unique index refuses a CURP already active for the procedure."""
    people = new_people(appointment, applicants)
    try:
        rows.insert(*people)
    except IntegrityError as exc:
        raise CurpTaken() from exc
    parents = new_parents(people, applicants)  # the people have their keys now
    if parents:
        Parent.objects.bulk_create(parents)
    remember_people(appointment, people)


def add_witnesses(appointment: Appointment, witnesses: Sequence[WitnessData]) -> None:
    """Insert the witnesses in the order given, and remember them for the caller's rendering."""
    rows_ = [
        Witness(appointment=appointment, full_name=w.full_name, id_document=w.id_document, position=position)
        for position, w in enumerate(witnesses)
    ]
    if rows_:
        Witness.objects.bulk_create(rows_)
    written = appointment.witnesses.all()
    written._result_cache = rows_
    written._prefetch_done = True  # type: ignore[attr-defined]
    cache = getattr(appointment, "_prefetched_objects_cache", None)
    if cache is None:
        cache = appointment._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    cache["witnesses"] = written


def curp_conflict(curps: Sequence[str], *, procedure_id: int) -> CurpAlreadyBooked:
    """The error naming which of `curps` hold an active appointment for the procedure (asked after
    the rollback: PostgreSQL answers nothing in an aborted transaction)."""
    taken = set(
        Applicant.objects.filter(curp__in=curps, procedure_id=procedure_id, active=True)
        .order_by()
        .values_list("curp", flat=True)
    ) or set(curps)  # the other appointment ended meanwhile: name them all
    return CurpAlreadyBooked(
        errors={
            f"applicants.{i}.curp": [CurpAlreadyBooked.default_message]
            for i, curp in enumerate(curps)
            if curp in taken
        }
    )


# --- Idempotent requests ----------------------------------------------------------------------


def replay(scope: str, key: str, fingerprint: str) -> Appointment | None:
    """The appointment made under `key` in `scope`, if any; IdempotencyKeyReused if by a different
    request."""
    existing = Appointment.objects.filter(idempotency_scope=scope, idempotency_key=key).first()
    if existing is None:
        return None
    if existing.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(field="idempotency_key")
    return existing
