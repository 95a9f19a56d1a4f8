"""Reads about appointments that the API, pages and the phone channels share."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miconsulado.booking import codes
from miconsulado.booking import curp as curp_rules
from miconsulado.booking.errors import (
    AppointmentNotFound,
    ClosedThatDay,
    OutsideHorizon,
    SlotInPast,
    SlotNotFound,
    TooSoon,
)
from miconsulado.booking.models import ACTIVE_STATUSES, Appointment
from miconsulado.catalog.models import Office, Procedure
from miconsulado.core.errors import DomainError
from miconsulado.scheduling.holidays import closed_holidays
from miconsulado.scheduling.models import Closure
from miconsulado.scheduling.selectors import available_slots, booking_window, local_day_start


def timing_refusal(*, office: Office, start: dt.datetime, now: dt.datetime) -> DomainError | None:
    """Why nothing starting at `start` can be booked now, whatever the slot: it is past, inside the
    minimum lead time, or beyond the horizon; None when the time itself is bookable."""
    if start <= now:
        return SlotInPast(field="start")
    window = booking_window(office=office, now=now)
    if start < window.earliest:
        return TooSoon(field="start")
    if start >= window.latest:
        return OutsideHorizon(field="start")
    return None


def why_no_slot(
    *, office: Office, procedure: Procedure, start: dt.datetime, now: dt.datetime | None = None
) -> DomainError:
    """Why nothing can be booked at `start` (an instant no slot of the procedure starts at), in the
    words a person can act on: in the past, too soon, beyond the horizon, a closed day (with the
    holiday or the reason), or simply not a start time of that day."""
    now = now or timezone.now()
    refusal = timing_refusal(office=office, start=start, now=now)
    if refusal is not None:
        return refusal
    day = start.astimezone(ZoneInfo(office.tz)).date()
    if available_slots(
        office=office, procedure=procedure, date_from=day, date_to=day, include_full=True, now=now
    ):
        return SlotNotFound(field="start")
    reason = Closure.objects.filter(office=office, date=day, starts__isnull=True).values_list(
        "reason", flat=True
    ).first() or closed_holidays(office=office, start=day, end=day).get(day)
    if reason:
        return ClosedThatDay(
            _("La oficina está cerrada ese día: %(reason)s.") % {"reason": reason}, field="start"
        )
    return ClosedThatDay(field="start")


def _with_details() -> QuerySet[Appointment]:
    """Appointments with what every rendering of one needs: office, procedure, slot and people."""
    return Appointment.objects.select_related("office", "procedure", "slot").prefetch_related("applicants")


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
    zone = ZoneInfo(office.tz)
    return list(
        _with_details()
        .filter(
            office=office,
            status__in=ACTIVE_STATUSES,
            slot__start__gte=local_day_start(day, zone),
            slot__start__lt=local_day_start(day + dt.timedelta(days=1), zone),
        )
        .order_by("slot__start", "code")
    )
