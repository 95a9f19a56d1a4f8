"""Every change to an appointment, one function each. Portal, API, IVR, agent desktop and admin all
call these; a booking by phone and one on the web travel the same way.

Capacity is guarded by the database: places are taken with a conditional UPDATE
(`booked + n <= capacity`) under a CHECK constraint, and a partial unique index allows one active
appointment per CURP and procedure. Each function is one transaction; nothing half-done survives a
crash or an error. The rules and the order of the writes are here; how rows are built and written
(the SQL, the confirmation code's retries) is in booking.writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from miconsulado.booking import codes, one_statement, verification, writes
from miconsulado.booking import events as announced
from miconsulado.booking.applicants import (
    ApplicantData,
    CleanApplicant,
    clean_applicants,
    ensure_applicant_count,
    normalize_phone,
)
from miconsulado.booking.errors import (
    CancellationWindowClosed,
    ContactNotVerified,
    CurpAlreadyBooked,
    HoldExpired,
    InvalidContact,
    NotActive,
    NotConfirmable,
    SlotUnavailable,
    TooManyApplicants,
    VerificationCodeExpired,
    VerificationCodeLocked,
    VerificationCodeWrong,
    VerificationNotRequested,
    VerificationResendLimit,
    VerificationResendTooSoon,
)
from miconsulado.booking.models import (
    ACTIVE_STATUSES,
    Applicant,
    Appointment,
    AppointmentAction,
    AppointmentEvent,
    AppointmentStatus,
    ContactChannel,
    ContactVerification,
)
from miconsulado.booking.text import clean_reason
from miconsulado.booking.witnesses import WitnessData, clean_witnesses
from miconsulado.catalog.localtime import office_date
from miconsulado.catalog.models import Procedure
from miconsulado.core import rows
from miconsulado.core.channels import Channel
from miconsulado.core.errors import DomainError
from miconsulado.core.events import announce, delivery
from miconsulado.core.languages import DEFAULT_LANGUAGE
from miconsulado.core.outbox import enqueue_on_commit
from miconsulado.scheduling import line
from miconsulado.scheduling.errors import ProcedureNotOffered
from miconsulado.scheduling.models import Slot
from miconsulado.scheduling.rules import timing_refusal
from miconsulado.scheduling.selectors import schedule_for, serves
from miconsulado.scheduling.services import note_availability_changed

if TYPE_CHECKING:
    from miconsulado.accounts.models import User

logger = logging.getLogger(__name__)


# --- Rules shared by every path ---------------------------------------------------------------


def ensure_bookable(*, slot: Slot, procedure: Procedure, now: dt.datetime | None = None) -> None:
    """The slot can take a new booking of `procedure` now, or the domain error that says why not."""
    now = now or timezone.now()
    office = slot.office
    if not office.active or slot.withdrawn or slot.conflict:
        raise SlotUnavailable()
    if not serves(office=office, procedure=procedure, window_id=slot.window_id):
        raise ProcedureNotOffered(field="procedure")
    refusal = timing_refusal(office=office, start=slot.start, now=now)
    if refusal is not None:
        raise refusal


def local_date(slot: Slot) -> dt.date:
    return office_date(slot.start, slot.office)


ANONYMOUS_SCOPE = "anonymous"


def idempotency_scope(actor: User | None) -> str:
    """Whose Idempotency-Keys a request's key is one of: its user's (a staff or agent token), or all
    anonymous callers' (citizens, who carry no identity). Anonymous callers share one scope: a
    citizen's key is a random UUID, so two citizens drawing the same one is not a practical leak;
    a key repeated by another caller (another token, or a token and an anonymous call) neither
    returns the first caller's appointment nor blocks: it books anew."""
    user = writes.acting_user(actor)
    return ANONYMOUS_SCOPE if user is None else f"user:{user.pk}"


def request_fingerprint(payload: Any) -> str:
    """A stable digest of a create request, to tell a retry from a different request under the same key."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


# --- Shared by the actions --------------------------------------------------------------------


def _take_places(slot: Slot, places: int) -> None:
    """Take places, or refuse (SlotFull, SlotUnavailable). A lapsed hold never blocks a real
    booking: when the slot looks full, its expired holds are released and the places tried again.
    The caller notes the change of availability (of the slot's office, also for released holds)."""
    if writes.take_places(slot, places):
        return
    if _release_expired(now=timezone.now(), slot=slot) and writes.take_places(slot, places):
        return
    raise writes.refusal(slot)


def _tasks() -> ModuleType:
    from miconsulado.booking import tasks  # not at import: tasks import this module

    return tasks


def _facts(
    appointment: Appointment,
    *,
    slot: Slot,
    channel: Channel | str,
    places: int | None = None,
    office_code: str | None = None,
) -> dict[str, Any]:
    """What every event booking announces says (booking.events.AppointmentFacts): about `slot`,
    at the appointment's office unless told."""
    return {
        "appointment": appointment.code,
        "office": office_code or appointment.office.code,
        "procedure": appointment.procedure.code,
        "slot": slot.pk,
        "slot_start": announced.utc_iso(slot.start),
        "channel": str(channel),
        "places": appointment.places if places is None else places,
        "language": appointment.language,
    }


# --- Holds --------------------------------------------------------------------------------------


def hold_slot(
    *,
    slot: Slot,
    procedure: Procedure,
    places: int = 1,
    channel: Channel,
    actor: User | None = None,
    language: str = DEFAULT_LANGUAGE,
    ttl: dt.timedelta | None = None,
    for_the_line: bool = False,
    now: dt.datetime | None = None,
) -> Appointment:
    """Set places aside while the person fills in the form, in `language`. Released automatically
    after `ttl`. `for_the_line`: the hold is the waitlist's offer to a person in line, who may take
    places held for the line (scheduling.line) before free ones; nobody else can."""
    now = now or timezone.now()
    ttl = ttl or dt.timedelta(seconds=int(settings.MICONSULADO["HOLD_TTL_SECONDS"]))
    ensure_applicant_count(procedure=procedure, count=places, field="places")
    ensure_bookable(slot=slot, procedure=procedure, now=now)
    if not for_the_line:  # the line's places are counted in `booked`: the guarded UPDATEs decide
        writes.ensure_room(slot, places, now=now, lapsed_hold=None)

    def write(code: str) -> Appointment:
        appointment = Appointment(
            code=code,
            office=slot.office,
            procedure=procedure,
            slot=slot,
            places=places,
            status=AppointmentStatus.HELD,
            hold_expires_at=now + ttl,
            channel=channel,
            language=language,
            created_by=writes.acting_user(actor),
        )
        rows.insert(appointment)
        writes.record(
            appointment,
            AppointmentAction.HELD,
            channel=channel,
            actor=actor,
            places=places,
            **writes.slot_data(slot),
        )
        enqueue_on_commit(_tasks().expire_hold.using(run_after=appointment.hold_expires_at), appointment.pk)
        if for_the_line and line.take_line_places(slot, places):
            return appointment  # taken already, for the line: nobody's availability changes
        _take_places(slot, places)  # last: see book_appointment
        note_availability_changed(office_id=slot.office_id)
        return appointment

    return writes.new_appointment(write, curps=(), procedure_id=procedure.pk)


def confirm_appointment(
    *,
    appointment: Appointment,
    applicants: Sequence[ApplicantData],
    channel: Channel,
    actor: User | None = None,
    witnesses: Sequence[WitnessData] = (),
    language: str | None = None,
    contact_proven: bool = False,
    now: dt.datetime | None = None,
) -> Appointment:
    """Turn a hold into an appointment for these people (and the witnesses the procedure needs),
    in `language` if given (the form's), else the hold's. Unused held places go back to the slot.

    A citizen on the web or the API (no acting user) confirms only a hold whose first applicant's
    contact was verified with a code (`verify_contact`), else ContactNotVerified; staff and agents
    confirm directly. `contact_proven`: the caller proved the contact another way (a signed link
    sent to it, as a waitlist offer's)."""
    now = now or timezone.now()
    slot = appointment.slot
    procedure = appointment.procedure
    cleaned = clean_applicants(procedure=procedure, applicants=applicants, appointment_date=local_date(slot))
    kept = clean_witnesses(procedure=procedure, witnesses=witnesses)
    must_verify = not contact_proven and verification_required(actor=actor, channel=channel)
    try:
        return _confirm(
            appointment,
            cleaned,
            kept,
            channel=channel,
            actor=actor,
            language=language,
            must_verify=must_verify,
            now=now,
        )
    except writes.CurpTaken:
        raise writes.curp_conflict([c.curp for c in cleaned], procedure_id=procedure.pk) from None


def _confirm(
    appointment: Appointment,
    cleaned: Sequence[CleanApplicant],
    witnesses: Sequence[WitnessData],
    *,
    channel: Channel,
    actor: User | None,
    language: str | None,
    must_verify: bool,
    now: dt.datetime,
) -> Appointment:
    slot = appointment.slot
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status != AppointmentStatus.HELD:
            raise HoldExpired() if locked.status == AppointmentStatus.EXPIRED else NotConfirmable()
        if locked.hold_expires_at is not None and locked.hold_expires_at <= now:
            raise HoldExpired()
        if must_verify and cleaned and not _contact_verified(locked, cleaned[0]):
            raise ContactNotVerified(field="verification_code")
        if len(cleaned) > locked.places:
            raise TooManyApplicants(
                _("El apartado es para %(n)s personas.") % {"n": locked.places}, field="applicants"
            )
        # The people before the slot, as a booking takes them (CURPs, then the slot, then the
        # version): a confirmation that gave spare places back first could deadlock with a
        # booking of one of its CURPs in the same slot.
        writes.add_applicants(locked, cleaned)
        writes.add_witnesses(locked, witnesses)
        spare = locked.places - len(cleaned)
        if spare:
            writes.give_back_places(slot, spare, office=locked.office, now=now)
            announce(announced.PlacesFreed(**_facts(locked, slot=slot, channel=channel, places=spare)))
            locked.places = len(cleaned)
        locked.status = AppointmentStatus.CONFIRMED
        locked.hold_expires_at = None
        locked.confirmed_at = now
        if language is not None:
            locked.language = language
        locked.save(
            update_fields=["status", "hold_expires_at", "confirmed_at", "places", "language", "updated_at"]
        )
        writes.record(
            locked,
            AppointmentAction.CONFIRMED,
            channel=channel,
            actor=actor,
            curps=[c.curp for c in cleaned],
            **writes.slot_data(slot),
        )
        announce(announced.AppointmentConfirmed(**_facts(locked, slot=slot, channel=channel)))
        if spare:
            note_availability_changed(office_id=locked.office_id)
    return locked


# --- Verification of a hold's contact ------------------------------------------------------------

# Channels where a citizen without an account reaches us from anywhere: a hold confirmed there needs
# a verified contact (the resellers' door: made-up people booked in bulk from one client).
VERIFIED_CHANNELS = frozenset({Channel.API, Channel.WEB})


def verification_required(*, actor: User | None, channel: Channel | str) -> bool:
    """Whether confirming a hold needs a verified contact: for citizens (no acting user) on the
    web and the API; staff and agents act with their own identity."""
    return writes.acting_user(actor) is None and channel in VERIFIED_CHANNELS


def _setting(name: str) -> int:
    return int(settings.MICONSULADO[name])


def clean_contact(*, channel: ContactChannel | str, contact: str) -> str:
    """The contact as stored and compared: an e-mail address as given (trimmed), a phone in E.164."""
    value = (contact or "").strip()
    if channel == ContactChannel.SMS:
        try:
            return normalize_phone(value)
        except ValueError:
            raise InvalidContact(_("El número de teléfono no es válido."), field="phone") from None
    try:
        validate_email(value)
    except ValidationError:
        raise InvalidContact(_("El correo electrónico no es válido."), field="email") from None
    return value


def _same_contact(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def _contact_verified(hold: Appointment, first: CleanApplicant) -> bool:
    """A code was verified for this hold, sent to the first applicant's e-mail or phone."""
    verified = ContactVerification.objects.filter(appointment=hold, verified_at__isnull=False)
    return any(
        _same_contact(v.contact, first.email if v.channel == ContactChannel.EMAIL else first.phone)
        for v in verified.only("channel", "contact")
    )


def _locked_hold(hold: Appointment, *, now: dt.datetime) -> Appointment:
    """The hold's row, locked (one verification step at a time per hold); refused if no longer held."""
    locked = Appointment.objects.select_for_update(of=("self",)).select_related("office").get(pk=hold.pk)
    if locked.status != AppointmentStatus.HELD:
        raise HoldExpired() if locked.status == AppointmentStatus.EXPIRED else NotConfirmable()
    if locked.hold_expires_at is not None and locked.hold_expires_at <= now:
        raise HoldExpired()
    return locked


def send_verification_code(
    *,
    hold: Appointment,
    channel: ContactChannel | str = ContactChannel.EMAIL,
    contact: str,
    language: str | None = None,
    now: dt.datetime | None = None,
) -> ContactVerification:
    """Draw a new code for the hold's contact and announce it (VerificationCodeIssued: notifications
    sends it); it replaces any earlier code of the hold. At most VERIFICATION_MAX_SENDS codes per hold
    (VerificationResendLimit), one per VERIFICATION_RESEND_SECONDS (VerificationResendTooSoon).
    Written in `language`, else the hold's."""
    now = now or timezone.now()
    channel = ContactChannel(channel)
    address = clean_contact(channel=channel, contact=contact)
    ttl = dt.timedelta(seconds=_setting("VERIFICATION_CODE_TTL_SECONDS"))
    with transaction.atomic():
        locked = _locked_hold(hold, now=now)
        sent = list(ContactVerification.objects.filter(appointment=locked).order_by("-created_at", "-id"))
        if len(sent) >= _setting("VERIFICATION_MAX_SENDS"):
            raise VerificationResendLimit(field="verification_code")
        wait = _setting("VERIFICATION_RESEND_SECONDS")
        if sent and sent[0].created_at > now - dt.timedelta(seconds=wait):
            left = wait - int((now - sent[0].created_at).total_seconds())
            raise VerificationResendTooSoon(
                ngettext(
                    "Ya se envió un código; puede pedir otro en %(n)s segundo.",
                    "Ya se envió un código; puede pedir otro en %(n)s segundos.",
                    left,
                )
                % {"n": left},
                field="verification_code",
            )
        code = verification.new_code()
        salt = verification.new_salt()
        issued = ContactVerification.objects.create(
            appointment=locked,
            channel=channel,
            contact=address,
            salt=salt,
            code_hash=verification.hash_code(code, salt),
            created_at=now,
            expires_at=now + ttl,
        )
        # The code travels sealed (booking/verification.py): the event's task row, readable in the
        # admin's task list, never holds it in clear; only notifications opens it, to write the
        # message, and the code is dead 10 minutes later anyway.
        announce(
            announced.VerificationCodeIssued(
                appointment=locked.code,
                office=locked.office.code,
                verification=issued.pk,
                channel=channel.value,
                contact=address,
                language=language or locked.language,
                sealed_code=verification.seal(code, salt),
                salt=salt,
                expires_at=announced.utc_iso(issued.expires_at),
                valid_minutes=max(1, int(ttl.total_seconds()) // 60),
            )
        )
    return issued


def verify_contact(*, hold: Appointment, code: str, now: dt.datetime | None = None) -> ContactVerification:
    """Check `code` against the hold's live code; on success its contact is verified (and stays so:
    the same code may be given again, say by a retried confirmation). Refusals, all on the field
    `verification_code`: VerificationNotRequested, VerificationCodeExpired, VerificationCodeLocked
    (VERIFICATION_MAX_ATTEMPTS wrong attempts: a new code must be asked for), VerificationCodeWrong
    (says how many attempts are left). A wrong attempt is counted in the database under the hold's
    lock and committed before the refusal is raised: call it outside a transaction, or the caller's
    rollback would forget the attempt."""
    now = now or timezone.now()
    limit = _setting("VERIFICATION_MAX_ATTEMPTS")
    refusal: DomainError | None = None
    with transaction.atomic():
        locked = _locked_hold(hold, now=now)
        live = ContactVerification.objects.filter(appointment=locked).order_by("-created_at", "-id").first()
        if live is None:
            raise VerificationNotRequested(field="verification_code")
        if live.attempts >= limit:
            raise VerificationCodeLocked(field="verification_code")
        right = verification.matches(code, salt=live.salt, code_hash=live.code_hash)
        if live.verified_at is None and live.expires_at <= now:
            raise VerificationCodeExpired(field="verification_code")
        if right:
            if live.verified_at is None:
                live.verified_at = now
                live.save(update_fields=["verified_at"])
            return live
        live.attempts += 1
        live.save(update_fields=["attempts"])
        left = limit - live.attempts
        refusal = (
            VerificationCodeLocked(field="verification_code")
            if left <= 0
            else VerificationCodeWrong(
                ngettext(
                    "El código no es correcto; le queda %(n)s intento.",
                    "El código no es correcto; le quedan %(n)s intentos.",
                    left,
                )
                % {"n": left},
                field="verification_code",
            )
        )
    raise refusal


@dataclass(frozen=True, slots=True)
class Booked:
    """What book_appointment did: a new appointment, or (`replayed`) the one an earlier request
    with the same idempotency key made."""

    appointment: Appointment
    replayed: bool = False


def book_appointment(
    *,
    slot: Slot,
    procedure: Procedure,
    applicants: Sequence[ApplicantData],
    channel: Channel,
    actor: User | None = None,
    witnesses: Sequence[WitnessData] = (),
    language: str = DEFAULT_LANGUAGE,
    idempotency_key: str | None = None,
    fingerprint: str = "",
    lapsed_hold: bool | None = None,
    now: dt.datetime | None = None,
) -> Booked:
    """Hold and confirm in one step (API, agents), for people written to in `language`. With an
    idempotency key, a retried request of the same caller (`idempotency_scope(actor)`) returns the
    appointment the first one made; the same key with a different request is refused. `lapsed_hold`: whether a lapsed hold sat in the slot
    when it was read (`selectors.slot_at` tells), None if not known."""
    now = now or timezone.now()
    scope = idempotency_scope(actor) if idempotency_key else ""
    if idempotency_key:
        replay = writes.replay(scope, idempotency_key, fingerprint)
        if replay is not None:
            return Booked(replay, replayed=True)
    ensure_applicant_count(procedure=procedure, count=len(applicants))
    ensure_bookable(slot=slot, procedure=procedure, now=now)
    # Room before the applicants: in a rush nearly every request comes after the last place is
    # gone, and checking CURPs, birth dates, e-mail and phone numbers for a place nobody can have
    # was about a fifth of a refusal's cost. A request both for a full slot and malformed is told
    # "full" (409); decision 0005.
    writes.ensure_room(slot, len(applicants), now=now, lapsed_hold=lapsed_hold)
    cleaned = clean_applicants(procedure=procedure, applicants=applicants, appointment_date=local_date(slot))
    kept = clean_witnesses(procedure=procedure, witnesses=witnesses)
    curps = [c.curp for c in cleaned]

    def new(code: str) -> Appointment:
        return Appointment(
            code=code,
            office=slot.office,
            procedure=procedure,
            slot=slot,
            places=len(cleaned),
            status=AppointmentStatus.CONFIRMED,
            confirmed_at=now,
            channel=channel,
            language=language,
            created_by=writes.acting_user(actor),
            idempotency_scope=scope,
            idempotency_key=idempotency_key or None,
            request_fingerprint=fingerprint,
        )

    def confirmed(appointment: Appointment) -> AppointmentEvent:
        return writes.history_entry(
            appointment,
            AppointmentAction.CONFIRMED,
            channel=channel,
            actor=actor,
            places=len(cleaned),
            curps=curps,
            **writes.slot_data(slot),
        )

    def confirmation(appointment: Appointment) -> announced.AppointmentConfirmed:
        return announced.AppointmentConfirmed(**_facts(appointment, slot=slot, channel=channel))

    if one_statement.available() and not kept:
        # PostgreSQL: the same rows in one statement when all goes well; anything else (full,
        # closed, a lapsed hold to release, a constraint) goes the general way below, and so do
        # the rare bookings with witnesses (a birth registration).
        appointment = new(codes.new_code())
        people = writes.new_people(appointment, cleaned)
        if one_statement.write_booking(
            slot=slot,
            appointment=appointment,
            people=people,
            parents=writes.new_parents(people, cleaned),
            event=confirmed(appointment),
            queued=delivery(confirmation(appointment)),
        ):
            writes.remember_people(appointment, people)
            return Booked(appointment)

    def write(code: str) -> Appointment:
        appointment = new(code)
        rows.insert(appointment)
        writes.add_applicants(appointment, cleaned)
        if kept:
            writes.add_witnesses(appointment, kept)
        rows.insert(confirmed(appointment))
        announce(confirmation(appointment))
        # The places last, just before COMMIT: the slot's row stays locked for one statement, not
        # for the whole booking, so a rush on one slot is not queued behind other people's inserts.
        # If it turns out full after all, the rows above roll back with it.
        _take_places(slot, len(cleaned))
        note_availability_changed(office_id=slot.office_id)
        return appointment

    try:
        return Booked(writes.new_appointment(write, curps=curps, procedure_id=procedure.pk))
    except (IntegrityError, CurpAlreadyBooked):
        # A concurrent retry under the same key may have won the race: answer with its appointment.
        if idempotency_key:
            replay = writes.replay(scope, idempotency_key, fingerprint)
            if replay is not None:
                return Booked(replay, replayed=True)
        raise


# --- Changes to an appointment -------------------------------------------------------------------


def _ensure_changeable(appointment: Appointment, *, now: dt.datetime, force: bool) -> None:
    if appointment.status not in ACTIVE_STATUSES:
        raise NotActive()
    if force or appointment.status == AppointmentStatus.HELD:
        return
    hours = schedule_for(appointment.office).cancellation_cutoff_hours
    if appointment.slot.start - now < dt.timedelta(hours=hours):
        raise CancellationWindowClosed(
            _("Las citas sólo pueden cancelarse o reprogramarse hasta %(hours)s horas antes.")
            % {"hours": hours}
        )


def cancel_appointment(
    *,
    appointment: Appointment,
    channel: Channel,
    actor: User | None = None,
    reason: str = "",
    force: bool = False,
    now: dt.datetime | None = None,
) -> Appointment:
    """Cancel and give the places back. `force` (staff) skips the cut-off before the appointment."""
    now = now or timezone.now()
    reason = clean_reason(reason)
    with transaction.atomic():
        # `of`: the appointment's row only. Locking the joined office (or procedure) row would stop
        # every booking there until this commits; the slot is changed by one guarded UPDATE.
        locked = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("slot", "office")
            .get(pk=appointment.pk)
        )
        _ensure_changeable(locked, now=now, force=force)
        writes.give_back_places(locked.slot, locked.places, office=locked.office, now=now)
        facts = _facts(locked, slot=locked.slot, channel=channel)
        announce(announced.AppointmentCancelled(**facts))
        announce(announced.PlacesFreed(**facts))
        locked.status = AppointmentStatus.CANCELLED
        locked.cancelled_at = now
        locked.hold_expires_at = None
        locked.save(update_fields=["status", "cancelled_at", "hold_expires_at", "updated_at"])
        Applicant.objects.filter(appointment=locked).update(active=False)
        writes.record(
            locked,
            AppointmentAction.CANCELLED,
            channel=channel,
            actor=actor,
            reason=reason,
            forced=force,
            **writes.slot_data(locked.slot),
        )
        note_availability_changed(office_id=locked.office_id)
    return locked


def reschedule_appointment(
    *,
    appointment: Appointment,
    new_slot: Slot,
    channel: Channel,
    actor: User | None = None,
    force: bool = False,
    now: dt.datetime | None = None,
) -> Appointment:
    """Move to another slot. The new place is taken before the old one is given back, in one
    transaction: the person never ends up with neither (nor with both)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Appointment.objects.select_for_update(of=("self",))  # as in cancel_appointment
            .select_related("slot", "office", "procedure")
            .get(pk=appointment.pk)
        )
        _ensure_changeable(locked, now=now, force=force)
        if new_slot.pk == locked.slot_id:
            return locked
        ensure_bookable(slot=new_slot, procedure=locked.procedure, now=now)
        if locked.applicants.exists():
            # Age and OP-7 validity depend on the date: check the people again for the new date.
            _revalidate_for_date(locked, local_date(new_slot))
        old_slot = locked.slot
        # Lock both slots in id order: two reschedules crossing between the same slots would
        # otherwise deadlock on PostgreSQL (SQLite serialises writers anyway).
        list(Slot.objects.select_for_update().filter(pk__in=[old_slot.pk, new_slot.pk]).order_by("pk"))
        _take_places(new_slot, locked.places)
        writes.give_back_places(old_slot, locked.places, office=locked.office, now=now)
        old_office = locked.office
        locked.slot = new_slot
        locked.office = new_slot.office
        locked.save(update_fields=["slot", "office", "updated_at"])
        left = _facts(locked, slot=old_slot, channel=channel, office_code=old_office.code)
        announce(
            announced.AppointmentRescheduled(
                **_facts(locked, slot=new_slot, channel=channel),
                previous_office=left["office"],
                previous_slot=left["slot"],
                previous_slot_start=left["slot_start"],
            )
        )
        announce(announced.PlacesFreed(**left))
        writes.record(
            locked,
            AppointmentAction.RESCHEDULED,
            channel=channel,
            actor=actor,
            forced=force,
            previous=writes.slot_data(old_slot),
            **writes.slot_data(new_slot),
        )
        for office_id in sorted({old_slot.office_id, new_slot.office_id}):  # the one order of versions
            note_availability_changed(office_id=office_id)
    return locked


def _revalidate_for_date(appointment: Appointment, day: dt.date) -> None:
    from miconsulado.booking.applicants import ParentData

    people = [
        ApplicantData(
            curp=a.curp,
            given_names=a.given_names,
            first_surname=a.first_surname,
            second_surname=a.second_surname,
            birth_date=a.birth_date,
            email=a.email,
            phone=a.phone,
            parents=tuple(
                ParentData(
                    role=p.role,
                    full_name=p.full_name,
                    curp=p.curp,
                    id_document=p.id_document,
                    present=p.present,
                    remote_consent_signed_on=p.remote_consent_signed_on,
                )
                for p in a.parents.all()
            ),
        )
        for a in appointment.applicants.prefetch_related("parents")
    ]
    # The people are who they were when booked: only the date-bound rules (age, OP-7) are checked again.
    clean_applicants(
        procedure=appointment.procedure, applicants=people, appointment_date=day, check_names=False
    )


# --- Expiry -------------------------------------------------------------------------------------


def release_expired_holds(
    *, now: dt.datetime | None = None, slot: Slot | None = None, limit: int = 500
) -> int:
    """Expire lapsed holds and give their places back; returns how many. Safe to run anywhere, any
    number of times, concurrently: each hold is locked and re-checked before it is released."""
    with transaction.atomic():
        offices = _release_expired(now=now or timezone.now(), slot=slot, limit=limit)
        # Once every slot is given back, then in office order: the one order of versions.
        for office_id in sorted(set(offices)):
            note_availability_changed(office_id=office_id)
    return len(offices)


def _release_expired(*, now: dt.datetime, slot: Slot | None, limit: int = 500) -> list[int]:
    """release_expired_holds without noting the change of availability (the caller does, last in
    its transaction): the office of each hold released."""
    lapsed = Appointment.objects.filter(
        status=AppointmentStatus.HELD, hold_expires_at__lte=now
    ).select_related(*_EXPIRY_RELATED)
    if slot is not None:
        lapsed = lapsed.filter(slot=slot)
    offices = []
    with transaction.atomic():
        holds = lapsed.select_for_update(skip_locked=True, of=("self",)).order_by("hold_expires_at")[:limit]
        # The holds are locked; their slots are given back in id order, as a reschedule locks its
        # two: in the order the holds lapsed, two slots could be taken the other way round.
        for appointment in sorted(holds, key=lambda hold: hold.slot_id):
            _expire(appointment, now=now)
            offices.append(appointment.office_id)
    return offices


def expire_hold(*, appointment_id: int, now: dt.datetime | None = None) -> bool:
    """Expire one hold if it has lapsed and is still held (the task queued when the hold was made)."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related(*_EXPIRY_RELATED)
            .filter(pk=appointment_id, status=AppointmentStatus.HELD, hold_expires_at__lte=now)
            .first()
        )
        if appointment is None:
            return False
        _expire(appointment, now=now)
        note_availability_changed(office_id=appointment.office_id)
    return True


# What the events of an expiry name; read with the hold, not locked with it (`of`).
_EXPIRY_RELATED = ("slot", "office", "procedure")


def _expire(appointment: Appointment, *, now: dt.datetime) -> None:
    """Give the hold's places back; the caller notes the change of availability."""
    writes.give_back_places(appointment.slot, appointment.places, office=appointment.office, now=now)
    facts = _facts(appointment, slot=appointment.slot, channel=Channel.SYSTEM)
    announce(announced.AppointmentExpired(**facts))
    announce(announced.PlacesFreed(**facts))
    appointment.status = AppointmentStatus.EXPIRED
    appointment.hold_expires_at = None
    appointment.save(update_fields=["status", "hold_expires_at", "updated_at"])
    writes.record(
        appointment, AppointmentAction.EXPIRED, channel=Channel.SYSTEM, actor=None, expired_at=now.isoformat()
    )
