"""Reads about appointments that the API, pages and the phone channels share."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from miconsulado.booking import codes
from miconsulado.booking import curp as curp_rules
from miconsulado.booking.errors import AppointmentNotFound
from miconsulado.booking.models import ACTIVE_STATUSES, Appointment
from miconsulado.catalog.models import Office
from miconsulado.scheduling.selectors import local_day_start


def appointment_for_citizen(*, code: str, curp: str) -> Appointment:
    """The appointment with this code that includes this CURP. A wrong code and a wrong CURP give
    the same answer, so a code alone discloses nothing."""
    appointment = (
        Appointment.objects.select_related("office", "procedure", "slot")
        .prefetch_related("applicants")
        .filter(code=codes.normalize_code(code), applicants__curp=curp_rules.compact(curp))
        .first()
    )
    if appointment is None:
        raise AppointmentNotFound()
    return appointment


def appointment_by_code(*, code: str) -> Appointment:
    appointment = (
        Appointment.objects.select_related("office", "procedure", "slot")
        .prefetch_related("applicants")
        .filter(code=codes.normalize_code(code))
        .first()
    )
    if appointment is None:
        raise AppointmentNotFound()
    return appointment


def appointments_on(*, office: Office, day: dt.date) -> list[Appointment]:
    """The office's active appointments on a local date, by start (the staff's list for the day)."""
    zone = ZoneInfo(office.tz)
    return list(
        Appointment.objects.select_related("office", "procedure", "slot")
        .prefetch_related("applicants")
        .filter(
            office=office,
            status__in=ACTIVE_STATUSES,
            slot__start__gte=local_day_start(day, zone),
            slot__start__lt=local_day_start(day + dt.timedelta(days=1), zone),
        )
        .order_by("slot__start", "code")
    )
