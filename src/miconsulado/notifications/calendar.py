"""The appointment as an iCalendar file (RFC 5545) that calendar programs import.

The event is in the office's zone (TZID and its VTIMEZONE), so it shows at the office's wall-clock
time wherever the reader is. Its UID is the appointment's for life and its SEQUENCE counts the
changes (reschedules, the cancellation): a later file updates the same entry, and a cancelled
appointment's file (METHOD:CANCEL, STATUS:CANCELLED; a lapsed hold's too) removes it. A hold not yet
confirmed (which only staff can look up) is TENTATIVE.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vText

from miconsulado.booking.models import Appointment, AppointmentAction, AppointmentStatus
from miconsulado.catalog.localtime import office_zone
from miconsulado.notifications import details

PRODID = "-//Mi Consulado//Citas//ES"
UID_DOMAIN = "miconsulado"
# The entry changes with each of these in the appointment's history.
CHANGES = (AppointmentAction.RESCHEDULED, AppointmentAction.CANCELLED)


def uid(appointment: Appointment) -> str:
    return f"{appointment.code}@{UID_DOMAIN}"


def calendar_filename(appointment: Appointment) -> str:
    return f"cita-{appointment.code}.ics"


def sequence(appointment: Appointment) -> int:
    """0 when booked, one more for each reschedule and for the cancellation: read from the history,
    which is append-only, so it never goes back."""
    return appointment.events.filter(action__in=CHANGES).count()


def appointment_calendar(appointment: Appointment, *, language: str) -> bytes:
    """The .ics of the appointment in `language` (es or en)."""
    with translation.override(language):
        return _calendar(appointment).to_ical()


def is_withdrawn(appointment: Appointment) -> bool:
    """Cancelled, or a hold that lapsed: the entry is to be removed."""
    return appointment.status in (AppointmentStatus.CANCELLED, AppointmentStatus.EXPIRED)


def method(appointment: Appointment) -> str:
    return "CANCEL" if is_withdrawn(appointment) else "PUBLISH"


def _calendar(appointment: Appointment) -> Calendar:
    cancelled = is_withdrawn(appointment)
    office = appointment.office
    zone = office_zone(office)
    start, end = details.local_start(appointment), details.local_end(appointment)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method(appointment))
    # The zone's rules around the appointment (a year either side covers a reschedule's changes).
    calendar.add_component(_vtimezone(zone, office.tz, start.date()))

    event = Event()
    event.add("uid", uid(appointment))
    event.add("sequence", sequence(appointment))
    event.add("dtstamp", appointment.updated_at.astimezone(dt.UTC))
    event.add("dtstart", start)  # carries TZID=<office.tz>: a ZoneInfo's key
    event.add("dtend", end)
    event.add(
        "summary",
        _("Cita consular: %(procedure)s (%(code)s)")
        % {"procedure": appointment.procedure.name, "code": appointment.code},
    )
    event.add("location", details.office_place(office))
    event.add("description", _description(appointment))
    held = appointment.status == AppointmentStatus.HELD
    event.add("status", "CANCELLED" if cancelled else "TENTATIVE" if held else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText(office.name)
    event.add("organizer", organizer)
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _("Mañana: cita en %(office)s") % {"office": office.name})
        alarm.add("trigger", dt.timedelta(days=-1))
        event.add_component(alarm)
    calendar.add_component(event)
    return calendar


@lru_cache(maxsize=256)
def _vtimezone(zone: dt.tzinfo, tzid: str, around: dt.date) -> Timezone:
    """The zone's rules a year either side of `around`, worked out once per process and day: an
    office's appointments of one day share them (the component is only read when written out)."""
    return Timezone.from_tzinfo(
        zone, tzid=tzid, first_date=around - dt.timedelta(days=366), last_date=around + dt.timedelta(days=366)
    )


def _description(appointment: Appointment) -> str:
    lines = [
        _("Código de confirmación: %(code)s") % {"code": appointment.code},
        details.local_when(appointment),
        _("Llegue 15 minutos antes."),
    ]
    checklist = details.documents(appointment)
    if checklist:
        lines += ["", _("Documentos que debe llevar:"), *(f"- {item}" for item in checklist)]
    return "\n".join(lines)
