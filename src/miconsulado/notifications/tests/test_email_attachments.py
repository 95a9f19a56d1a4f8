"""A confirmation e-mail carries the PDF receipt and the calendar entry; a cancellation carries the
calendar file that removes the entry, and no receipt. Read back from what a real SMTP server got."""

import io

import icalendar
import pypdf
import pytest

from miconsulado.booking import services as booking
from miconsulado.core.channels import Channel
from miconsulado.notifications.tests.booking_support import book
from miconsulado.notifications.tests.conftest import deliver_announced, send_queued
from miconsulado.testing import applicant

pytestmark = pytest.mark.django_db(transaction=True)


def attachments(received):
    return {part.get_filename(): part for part in received.iter_attachments()}


def test_a_confirmation_carries_the_receipt_and_the_calendar_entry(smtp, slot, procedure):
    appointment = book(slot, procedure, applicant(email="ana@example.com"))
    deliver_announced()
    assert send_queued() == ["sent"]
    (received,) = smtp.received
    assert received.get_content_type() == "multipart/mixed"
    files = attachments(received)
    assert set(files) == {f"acuse-{appointment.code}.pdf", f"cita-{appointment.code}.ics"}
    pdf = files[f"acuse-{appointment.code}.pdf"]
    assert pdf.get_content_type() == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert appointment.code in text
    ics = files[f"cita-{appointment.code}.ics"]
    assert ics.get_content_type() == "text/calendar"
    calendar = icalendar.Calendar.from_ical(ics.get_content())
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]).startswith(appointment.code)


def test_a_cancellation_carries_the_calendar_file_that_removes_the_entry(smtp, slot, procedure):
    appointment = book(slot, procedure, applicant(email="ana@example.com"))
    deliver_announced()
    send_queued()
    booking.cancel_appointment(appointment=appointment, channel=Channel.WEB)
    deliver_announced()
    assert send_queued() == ["sent"]
    cancelled = smtp.received[-1]
    files = attachments(cancelled)
    assert set(files) == {f"cita-{appointment.code}.ics"}
    calendar = icalendar.Calendar.from_ical(files[f"cita-{appointment.code}.ics"].get_content())
    assert str(calendar["METHOD"]) == "CANCEL"
