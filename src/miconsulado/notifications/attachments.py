"""The files an e-mail carries. The one place where attachments are added to a message.

The PDF receipt (notifications/receipt.py) and the calendar file (notifications/calendar.py) are
made by their own modules from the appointment as it is when the message is sent: a calendar
program keeps the entry with the highest SEQUENCE, so an e-mail sent late never rolls an entry back.
"""

from __future__ import annotations

from typing import NamedTuple

from miconsulado.notifications.calendar import appointment_calendar, calendar_filename
from miconsulado.notifications.models import Message, MessageChannel, MessageKind
from miconsulado.notifications.receipt import appointment_receipt, receipt_filename

# Messages about a hold, not an appointment: nothing to put in a calendar or a receipt.
WITHOUT_ATTACHMENTS = frozenset({MessageKind.VERIFICATION_CODE})


class Attachment(NamedTuple):
    filename: str
    content: bytes
    mimetype: str


def attachments_for(message: Message) -> list[Attachment]:
    """A confirmation or a move carries the receipt and the calendar entry; a cancellation, the
    calendar file that removes the entry (METHOD:CANCEL)."""
    appointment = message.appointment
    if appointment is None or message.channel != MessageChannel.EMAIL or message.kind in WITHOUT_ATTACHMENTS:
        return []
    if message.kind == MessageKind.SLOT_CONFLICT:
        return []  # the office cannot serve that time: no receipt or calendar entry for it
    language = message.language or "es"
    files = [
        Attachment(
            calendar_filename(appointment),
            appointment_calendar(appointment, language=language),
            "text/calendar",
        )
    ]
    if message.kind != MessageKind.CANCELLED:
        receipt = appointment_receipt(appointment, language=language)
        files.insert(0, Attachment(receipt_filename(appointment), receipt, "application/pdf"))
    return files
