"""One calendar entry per appointment: the same UID for life, a SEQUENCE that grows with each change,
and a cancellation that removes the entry (METHOD:CANCEL)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from miconsulado.booking import services
from miconsulado.core.channels import Channel
from miconsulado.notifications.calendar import appointment_calendar
from miconsulado.notifications.tests.conftest import book_at
from miconsulado.testing import make_slot

pytestmark = pytest.mark.django_db

DAY = dt.datetime(2027, 3, 14, 9, 0)
BEFORE = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)


def parsed(appointment):
    appointment.refresh_from_db()
    calendar = Calendar.from_ical(appointment_calendar(appointment, language="es"))
    (event,) = calendar.events
    return calendar, event


def move(appointment, window, local):
    start = local.replace(tzinfo=ZoneInfo(window.office.tz)).astimezone(dt.UTC)
    return services.reschedule_appointment(
        appointment=appointment, new_slot=make_slot(window, start=start), channel=Channel.API, now=BEFORE
    )


def test_a_booking_is_published_with_sequence_zero_and_an_alarm_a_day_before(window):
    calendar, event = parsed(book_at(window, DAY))
    assert calendar["method"] == "PUBLISH"
    assert event["status"] == "CONFIRMED"
    assert event["sequence"] == 0
    (alarm,) = event.subcomponents
    assert alarm.name == "VALARM"
    assert alarm.decoded("trigger") == dt.timedelta(days=-1)


def test_the_uid_stays_and_the_sequence_grows_with_each_reschedule(window):
    appointment = book_at(window, DAY)
    _, first = parsed(appointment)
    move(appointment, window, DAY + dt.timedelta(days=1))
    _, second = parsed(appointment)
    move(appointment, window, DAY + dt.timedelta(days=2))
    _, third = parsed(appointment)
    assert first["uid"] == second["uid"] == third["uid"] == f"{appointment.code}@miconsulado"
    assert (first["sequence"], second["sequence"], third["sequence"]) == (0, 1, 2)
    assert third.decoded("dtstart").replace(tzinfo=None) == DAY + dt.timedelta(days=2)


def test_the_same_appointment_unchanged_gives_the_same_entry(window):
    appointment = book_at(window, DAY)
    assert appointment_calendar(appointment, language="es") == appointment_calendar(
        appointment, language="es"
    )


def test_a_cancelled_appointment_cancels_the_entry(window):
    appointment = book_at(window, DAY)
    move(appointment, window, DAY + dt.timedelta(days=1))
    services.cancel_appointment(appointment=appointment, channel=Channel.API, now=BEFORE)
    calendar, event = parsed(appointment)
    assert calendar["method"] == "CANCEL"
    assert event["status"] == "CANCELLED"
    assert event["uid"] == f"{appointment.code}@miconsulado"
    assert event["sequence"] == 2  # above the last published one
    assert not event.subcomponents  # no alarm for an appointment that will not happen
