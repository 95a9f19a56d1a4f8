"""Booking accepts names in any script; the receipt prints them (an embedded Unicode font), and one
the font cannot draw becomes "?" instead of failing."""

import datetime as dt

import pytest

from miconsulado.notifications.receipt import appointment_receipt
from miconsulado.notifications.tests.conftest import book_at
from miconsulado.notifications.tests.pdf_support import pdf_text, qr_codes
from miconsulado.testing import applicant

pytestmark = pytest.mark.django_db

DAY = dt.datetime(2026, 12, 10, 9, 0)


def test_a_cyrillic_name_is_printed(window):
    person = applicant(given_names="Дмитрий", first_surname="Łukasiewicz", second_surname="Ñúñez")
    appointment = book_at(window, DAY, person)
    pdf = appointment_receipt(appointment, language="es")
    text = pdf_text(pdf)
    assert "Дмитрий Łukasiewicz Ñúñez" in text
    assert "jueves 10 de diciembre de 2026, 09:00 (hora de Los Angeles)" in text
    assert person.curp not in text
    assert qr_codes(pdf) == [appointment.code]


def test_characters_no_font_has_become_question_marks(window):
    appointment = book_at(window, DAY, applicant(given_names="美咲", first_surname="Pérez"))
    pdf = appointment_receipt(appointment, language="en")
    text = pdf_text(pdf)
    assert "?? Pérez" in text
    assert "Thursday, December 10, 2026, 9:00 AM (Los Angeles time)" in text
    assert qr_codes(pdf) == [appointment.code]
