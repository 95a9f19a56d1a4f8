"""Reads about appointments that the API, pages and the phone channels share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miconsulado.booking import codes
from miconsulado.booking import curp as curp_rules
from miconsulado.booking.errors import AppointmentNotFound
from miconsulado.booking.models import ACTIVE_STATUSES, Appointment, AppointmentStatus
from miconsulado.catalog import selectors as catalog
from miconsulado.catalog.localtime import local_day_end, local_day_start
from miconsulado.catalog.models import Office, Procedure
from miconsulado.scheduling.errors import ProcedureNotOffered
from miconsulado.scheduling.models import Slot
from miconsulado.scheduling.rules import why_no_slot
from miconsulado.scheduling.selectors import serving_windows, slot_at_sql, slot_from_row

# Whether a hold past its expiry (not yet released) sits in the slot <slot>; parameters: the held
# status, now.
_LAPSED_HOLD_SQL = """EXISTS (
        SELECT 1 FROM booking_appointment a
        WHERE a.slot_id = <slot>.id AND a.status = %s AND a.hold_expires_at <= %s
    )"""


def lapsed_hold_sql(slot: str) -> str:
    """`_LAPSED_HOLD_SQL` for the slot row named `slot` in the caller's statement."""
    return _LAPSED_HOLD_SQL.replace("<slot>", slot)


# find_slot's statement, and whether a lapsed hold sits in the slot it found.
_SLOT_AND_LAPSED_HOLD_SQL = """
    SELECT found.*, <lapsed_hold>
    FROM (<find_slot>) AS found
""".replace("<lapsed_hold>", lapsed_hold_sql("found"))


@dataclass(frozen=True, slots=True)
class SlotAt:
    """A slot found by its start, and what was read with it."""

    slot: Slot  # its office loaded: the one it was looked up in
    # Whether a hold past its expiry (not yet released) sat in it when read: the booking service
    # then refuses a full slot without asking the database again (book_appointment's lapsed_hold).
    lapsed_hold: bool


def slot_at(
    *,
    office: Office,
    procedure: Procedure,
    start: dt.datetime,
    field: str = "procedure",
    now: dt.datetime | None = None,
) -> SlotAt:
    """The slot of `procedure` starting at the instant `start`, full or not; or the error that says
    why there is none (`field` names the request field blamed when the office does not offer the
    procedure). Read with it, in the same statement, whether a hold past its expiry still sits in
    it — so that the service can refuse a full slot without asking again (one round trip for the
    refusals that make up most of a rush)."""
    now = now or timezone.now()
    windows = serving_windows(office=office, procedure=procedure)
    row = None
    if windows:
        sql = _SLOT_AND_LAPSED_HOLD_SQL.replace("<find_slot>", slot_at_sql(len(windows)))
        adapt = connection.ops.adapt_datetimefield_value
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [AppointmentStatus.HELD.value, adapt(now), *windows, adapt(start), False, False]
            )
            row = cursor.fetchone()
    if row is None:
        # Only now ask why: on the way to a booking the service checks the offer itself.
        if not catalog.offers(office, procedure):
            raise ProcedureNotOffered(_("Esta oficina no ofrece ese trámite."), field=field)
        raise why_no_slot(office=office, procedure=procedure, start=start, now=now)
    slot = slot_from_row(row[:-1])
    # The slot is one of `office`'s windows: its office is the row the caller has, cached as the
    # ORM caches a loaded relation, so the booking reads it without a query.
    Slot.office.field.set_cached_value(slot, office)
    return SlotAt(slot, lapsed_hold=bool(row[-1]))


def _with_details() -> QuerySet[Appointment]:
    """Appointments with what every rendering of one needs: office, procedure, slot, people and
    witnesses."""
    return Appointment.objects.select_related("office", "procedure", "slot").prefetch_related(
        "applicants", "witnesses"
    )


def appointment_for_citizen(*, code: str, curp: str) -> Appointment:
    """The appointment with this code that includes this CURP. A wrong code and a wrong CURP give
    the same answer, so a code alone discloses nothing."""
    appointment = (
        _with_details()
        .filter(code=codes.normalize_code(code), applicants__curp=curp_rules.compact(curp))
        .first()
    )
    if appointment is None:
        raise AppointmentNotFound()
    return appointment


def appointment_by_code(*, code: str) -> Appointment:
    appointment = _with_details().filter(code=codes.normalize_code(code)).first()
    if appointment is None:
        raise AppointmentNotFound()
    return appointment


def appointments_on(*, office: Office, day: dt.date) -> list[Appointment]:
    """The office's active appointments on a local date, by start (the staff's list for the day)."""
    return list(
        _with_details()
        .filter(
            office=office,
            status__in=ACTIVE_STATUSES,
            slot__start__gte=local_day_start(day, office),
            slot__start__lt=local_day_end(day, office),
        )
        .order_by("slot__start", "code")
    )
