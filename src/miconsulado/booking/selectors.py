"""Reads about appointments that the API, pages and the phone channels share."""

from __future__ import annotations

from miconsulado.booking import codes
from miconsulado.booking import curp as curp_rules
from miconsulado.booking.errors import AppointmentNotFound
from miconsulado.booking.models import Appointment


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
