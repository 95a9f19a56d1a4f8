"""The files an e-mail carries. The one place where attachments are added to a message.

The PDF receipt (notifications/receipt.py) and the calendar file (notifications/calendar.py) are
made by their own modules; they are joined here, built at send time from the message's row.
"""

from __future__ import annotations

from typing import NamedTuple

from miconsulado.notifications.models import Message


class Attachment(NamedTuple):
    filename: str
    content: bytes
    mimetype: str


def attachments_for(message: Message) -> list[Attachment]:
    """The files to attach to `message` (none yet: the receipt and the .ics are joined here)."""
    return []
