"""The PDF receipt states what a person needs at the office, in their language, shows no full CURP,
and carries the confirmation code in a QR code the desk can scan."""

import datetime as dt

import pytest

from miconsulado.booking import services
from miconsulado.core.channels import Channel
from miconsulado.notifications.receipt import appointment_receipt
from miconsulado.notifications.tests.conftest import book_at
from miconsulado.notifications.tests.pdf_support import pdf_text, qr_codes
from miconsulado.testing import applicant

pytestmark = pytest.mark.django_db

DAY = dt.datetime(2026, 12, 10, 9, 0)


@pytest.fixture
def family(window):
    mother = applicant(given_names="María José", first_surname="Núñez", second_surname="Ibáñez")
    son = applicant(given_names="Íñigo", first_surname="Núñez", second_surname="Ibáñez")
    return book_at(window, DAY, mother, son), mother, son


def test_spanish(family):
    appointment, _, _ = family
    text = pdf_text(appointment_receipt(appointment, language="es"))
    assert "Acuse de cita" in text
    assert f"Código de confirmación: {appointment.code}" in text
    assert "Consulado General de México en Los Ángeles" in text
    assert "2401 W 6th St, Los Angeles, CA 90057" in text
    assert "jueves 10 de diciembre de 2026, 09:00 (hora de Los Angeles)" in text
    assert "Renovación de pasaporte" in text
    assert "María José Núñez Ibáñez" in text
    assert "Íñigo Núñez Ibáñez" in text
    assert "- Pasaporte anterior" in text
    assert "- Identificación oficial con fotografía" in text
    # Wrapped onto a second line, whole.
    assert (
        "- Acta de nacimiento mexicana certificada (o carta de naturalización o certificado de "
        "nacionalidad mexicana), si el pasaporte anterior venció hace más de diez años"
    ) in text
    assert "Pasaporte de 6 años: $138.00 USD" in text
    assert "Llegue 15 minutos antes." in text


def test_english(family):
    appointment, _, _ = family
    text = pdf_text(appointment_receipt(appointment, language="en"))
    assert "Appointment receipt" in text
    assert f"Confirmation code: {appointment.code}" in text
    assert "Consulate General of Mexico in Los Angeles" in text
    assert "Thursday, December 10, 2026, 9:00 AM (Los Angeles time)" in text
    assert "Passport renewal" in text
    assert "- Previous passport" in text
    assert "- Official photo ID" in text
    assert "6-year passport: $138.00 USD" in text
    assert "Arrive 15 minutes early." in text
    assert "Pasaporte" not in text


def test_curps_are_masked_but_for_their_last_four_characters(family):
    appointment, mother, son = family
    text = pdf_text(appointment_receipt(appointment, language="es"))
    for person in (mother, son):
        assert person.curp not in text
        assert person.curp[:-4] not in text
        assert f"CURP {'*' * 14}{person.curp[-4:]}" in text


def test_the_qr_code_holds_the_confirmation_code(family):
    appointment, _, _ = family
    assert qr_codes(appointment_receipt(appointment, language="es")) == [appointment.code]


def test_a_cancelled_appointment_says_so(family):
    appointment, _, _ = family
    services.cancel_appointment(appointment=appointment, channel=Channel.API, force=True)
    appointment.refresh_from_db()
    assert "CITA CANCELADA" in pdf_text(appointment_receipt(appointment, language="es"))
    assert "APPOINTMENT CANCELLED" in pdf_text(appointment_receipt(appointment, language="en"))
