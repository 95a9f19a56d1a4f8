"""A hold not yet confirmed, or one that lapsed, is not an appointment: its documents say so (staff
can look such a hold up by its code)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from miconsulado.booking import services
from miconsulado.core.channels import Channel
from miconsulado.notifications.calendar import appointment_calendar
from miconsulado.notifications.receipt import appointment_receipt
from miconsulado.notifications.tests.pdf_support import pdf_text
from miconsulado.testing import make_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(window, procedure):
    start = dt.datetime(2026, 12, 10, 9, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    slot = make_slot(window, start=start.astimezone(dt.UTC))
    return services.hold_slot(slot=slot, procedure=procedure, channel=Channel.WEB)


def test_a_hold_is_tentative_and_its_receipt_says_it_is_not_confirmed(held):
    calendar = Calendar.from_ical(appointment_calendar(held, language="es"))
    (event,) = calendar.events
    assert (calendar["method"], event["status"]) == ("PUBLISH", "TENTATIVE")
    text = pdf_text(appointment_receipt(held, language="es"))
    assert "APARTADO: LA CITA AÚN NO ESTÁ CONFIRMADA" in text


def test_a_lapsed_hold_cancels_the_entry(held):
    assert services.expire_hold(appointment_id=held.pk, now=held.hold_expires_at + dt.timedelta(seconds=1))
    held.refresh_from_db()
    calendar = Calendar.from_ical(appointment_calendar(held, language="en"))
    (event,) = calendar.events
    assert (calendar["method"], event["status"]) == ("CANCEL", "CANCELLED")
    assert "HOLD EXPIRED: NO APPOINTMENT" in pdf_text(appointment_receipt(held, language="en"))
