"""The .ics puts the appointment at the office's wall-clock time, in its zone, with the zone's rules,
also on the day its clocks change."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from miconsulado.notifications.calendar import appointment_calendar
from miconsulado.notifications.tests.conftest import book_at
from miconsulado.testing import make_office, make_window

pytestmark = pytest.mark.django_db


def parsed(appointment, language="es"):
    calendar = Calendar.from_ical(appointment_calendar(appointment, language=language))
    (event,) = calendar.events
    return calendar, event


def test_a_dst_change_day_keeps_the_office_wall_clock(window):
    # 2027-03-14: Los Angeles moves from PST (UTC-8) to PDT (UTC-7) at 02:00.
    appointment = book_at(window, dt.datetime(2027, 3, 14, 9, 0))
    _, event = parsed(appointment)
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert event["dtstart"].params["TZID"] == "America/Los_Angeles"
    assert start.replace(tzinfo=None) == dt.datetime(2027, 3, 14, 9, 0)
    assert start.utcoffset() == dt.timedelta(hours=-7)
    assert start == dt.datetime(2027, 3, 14, 16, 0, tzinfo=dt.UTC)
    assert end - start == dt.timedelta(minutes=20)


def test_the_vtimezone_for_the_tzid_is_included_with_both_offsets(window):
    calendar, event = parsed(book_at(window, dt.datetime(2027, 3, 14, 9, 0)))
    (zone,) = calendar.timezones
    assert zone["tzid"] == event["dtstart"].params["TZID"]
    # Its own rules, not the reader's zone database, give the local time back.
    reread = zone.to_tz()
    assert dt.datetime(2027, 3, 14, 9, 0, tzinfo=reread).utcoffset() == dt.timedelta(hours=-7)
    assert dt.datetime(2027, 3, 13, 9, 0, tzinfo=reread).utcoffset() == dt.timedelta(hours=-8)


def test_a_zone_without_dst_is_unchanged_that_day(procedure):
    phoenix = make_office("phoenix", tz="America/Phoenix", city="Phoenix")
    appointment = book_at(make_window(phoenix, [procedure]), dt.datetime(2027, 3, 14, 9, 0))
    calendar, event = parsed(appointment)
    start = event.decoded("dtstart")
    assert event["dtstart"].params["TZID"] == "America/Phoenix"
    assert start.replace(tzinfo=None) == dt.datetime(2027, 3, 14, 9, 0)
    assert start.utcoffset() == dt.timedelta(hours=-7)
    assert [z["tzid"] for z in calendar.timezones] == ["America/Phoenix"]
    assert start == dt.datetime(2027, 3, 14, 9, 0, tzinfo=ZoneInfo("America/Phoenix"))
