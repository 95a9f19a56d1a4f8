"""Messages reach a real SMTP server (aiosmtpd on loopback): text and HTML parts from the templates,
in the message's language, with the row's fixed Message-ID, sender and reply-to."""

import pytest

from miconsulado.notifications import services
from miconsulado.notifications.models import Message, MessageState
from miconsulado.notifications.tests.booking_support import book
from miconsulado.notifications.tests.conftest import deliver_announced, send_queued
from miconsulado.testing import applicant

pytestmark = pytest.mark.django_db(transaction=True)


def parts(received):
    """The text and HTML of an e-mail (multipart/mixed when files are attached)."""
    if received.get_content_type() == "multipart/mixed":
        received = next(received.iter_parts())
    assert received.get_content_type() == "multipart/alternative"
    text, html = received.iter_parts()
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    return text.get_content(), html.get_content()


def test_a_confirmation_arrives_in_spanish(smtp, slot, procedure):
    appointment = book(slot, procedure, applicant(email="ana@example.com"))
    deliver_announced()
    assert send_queued() == ["sent"]
    (received,) = smtp.received
    message = Message.objects.get()
    assert received["Message-ID"] == message.message_id
    assert received["To"] == "ana@example.com"
    assert received["From"] == "Mi Consulado <citas@consulado.example>"
    assert received["Reply-To"] == "ayuda@consulado.example"
    assert received["Subject"] == f"Cita confirmada {appointment.code}"
    text, html = parts(received)
    for body in (text, html):
        assert appointment.code in body
        assert "Pasaporte" in body and "2401 W 6th St" in body
        assert "09:00" in body and "hora local de Los Angeles" in body  # the office's clock, said so
        assert "Pasaporte anterior" in body and "138.00 USD" in body
        assert "Llegue 15 minutos antes" in body
    assert "2401 W 6th St, Los Angeles, CA 90057" in text
    assert html.lstrip().startswith("<!DOCTYPE html>") and '<html lang="es">' in html
    assert f"<title>Cita confirmada {appointment.code}</title>" in html
    message.refresh_from_db()
    assert message.state == MessageState.SENT and message.sent_at is not None and message.attempts == 1
    assert message.provider_message_id == "250 2.0.0 Ok: queued as Q1"


def test_a_confirmation_arrives_in_english(smtp, slot, procedure, monkeypatch):
    monkeypatch.setattr(services, "appointment_language", lambda appointment: "en")
    appointment = book(slot, procedure, applicant(email="ana@example.com"))
    deliver_announced()
    send_queued()
    (received,) = smtp.received
    assert received["Subject"] == f"Appointment confirmed {appointment.code}"
    assert received["Content-Language"] == "en"
    text, html = parts(received)
    for body in (text, html):
        assert "Passport renewal" in body and "Previous passport" in body
        assert "09:00" in body and "local time in Los Angeles" in body
        assert "Arrive 15 minutes before your appointment." in body
        assert "Acta" not in body and "Llegue" not in body
    assert '<html lang="en">' in html
    assert Message.objects.get().language == "en"
