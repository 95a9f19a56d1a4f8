"""The entry's texts in the appointment's language: the office as LOCATION, the documents to bring in
DESCRIPTION."""

import datetime as dt

import pytest
from icalendar import Calendar

from miconsulado.notifications.calendar import appointment_calendar
from miconsulado.notifications.tests.conftest import book_at

pytestmark = pytest.mark.django_db


def event(appointment, language):
    (found,) = Calendar.from_ical(appointment_calendar(appointment, language=language)).events
    return found


def test_spanish(window):
    appointment = book_at(window, dt.datetime(2026, 12, 10, 9, 0))
    found = event(appointment, "es")
    assert found["location"] == (
        "Consulado General de México en Los Ángeles, 2401 W 6th St, Los Angeles, CA 90057"
    )
    assert found["summary"] == f"Cita consular: Renovación de pasaporte ({appointment.code})"
    description = str(found["description"])
    assert "jueves 10 de diciembre de 2026, 09:00 (hora de Los Angeles)" in description
    assert "- Pasaporte anterior\n- Identificación oficial con fotografía" in description
    assert "Llegue 15 minutos antes." in description


def test_english(window):
    appointment = book_at(window, dt.datetime(2026, 12, 10, 9, 0))
    found = event(appointment, "en")
    assert found["location"].startswith("Consulate General of Mexico in Los Angeles, 2401 W 6th St")
    assert found["summary"] == f"Consular appointment: Passport renewal ({appointment.code})"
    description = str(found["description"])
    assert "Thursday, December 10, 2026, 9:00 AM (Los Angeles time)" in description
    assert "- Previous passport\n- Official photo ID" in description
    assert "Arrive 15 minutes early." in description
    assert "Pasaporte" not in description
