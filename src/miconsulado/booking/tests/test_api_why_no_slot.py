"""A start at which no slot exists is refused with the reason a person can act on: past, too soon,
beyond the horizon, a closed day (naming the holiday or the closure), or not a start time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from miconsulado.booking.models import Appointment
from miconsulado.booking.tests.api_support import booking, post
from miconsulado.scheduling.models import Closure, OfficeSchedule
from miconsulado.testing import make_slot

pytestmark = pytest.mark.django_db

URL = "/api/v1/appointments"
LA = ZoneInfo("America/Los_Angeles")


def at(day: dt.date, hour: int = 9) -> str:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LA).isoformat()


def refused(response, code):
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == code
    assert list(response.json()["errors"]) == ["start"]
    assert not Appointment.objects.exists()
    return response.json()["message"]


def today() -> dt.date:
    return timezone.now().astimezone(LA).date()


def test_a_past_start(client, slot):
    message = refused(
        post(client, URL, booking(slot, start=at(today() - dt.timedelta(days=3))), lang="en"), "slot_in_past"
    )
    assert message == "That time has already passed."


def test_a_start_inside_the_lead_time(client, slot):
    soon = (timezone.now() + dt.timedelta(minutes=30)).astimezone(LA).replace(microsecond=0).isoformat()
    refused(post(client, URL, booking(slot, start=soon)), "too_soon")


def test_a_start_beyond_the_horizon(client, slot):
    refused(post(client, URL, booking(slot, start=at(today() + dt.timedelta(days=200)))), "outside_horizon")


def test_a_holiday_is_named(client, slot):
    OfficeSchedule.objects.filter(office=slot.office).update(horizon_days=400)
    year = today().year if today() < dt.date(today().year, 9, 10) else today().year + 1
    message = refused(post(client, URL, booking(slot, start=at(dt.date(year, 9, 16)))), "closed_that_day")
    assert message.startswith("La oficina está cerrada ese día: ")
    assert "Independencia" in message


def test_a_closure_gives_its_reason(client, slot):
    day = today() + dt.timedelta(days=20)
    Closure.objects.create(office=slot.office, date=day, reason="Mudanza de la oficina")
    message = refused(post(client, URL, booking(slot, start=at(day)), lang="en"), "closed_that_day")
    assert message == "The office is closed that day: Mudanza de la oficina."


def test_a_day_without_hours(client, slot):
    day = today() + dt.timedelta(days=20)
    message = refused(post(client, URL, booking(slot, start=at(day)), lang="en"), "closed_that_day")
    assert message == "The office does not attend to that procedure that day; see the available times."


def test_a_day_with_slots_but_not_at_that_time(client, window, slot):
    other = make_slot(window, days_ahead=20, local_time=dt.time(10))
    day = other.start.astimezone(LA).date()
    refused(post(client, URL, booking(slot, start=at(day, 11))), "slot_not_found")
