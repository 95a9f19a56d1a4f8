"""E-mail backends chosen by MICONSULADO_EMAIL_URL (notifications/email_url.py).

Both leave what identifies the sent message at its end in `provider_message_id` on the message
object: the SMTP server's answer to DATA ("250 2.0.0 Ok: queued as 4F2D1"), or the file's name.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend
from django.utils import timezone


class SMTPBackend(DjangoSMTPBackend):
    """Django's SMTP backend, keeping the server's reply to DATA (its queue id, for tracing a
    message in the server's logs)."""

    def _send(self, email_message: EmailMessage) -> bool:
        connection: Any = self.connection
        original = connection.data
        replies: list[tuple[int, bytes]] = []

        def data(msg: Any) -> tuple[int, bytes]:
            reply = original(msg)
            replies.append(reply)
            return reply

        connection.data = data
        try:
            sent = super()._send(email_message)  # type: ignore[misc]  # untyped in the stubs
        finally:
            connection.data = original
        if sent and replies:
            code, text = replies[-1]
            email_message.provider_message_id = f"{code} {text.decode(errors='replace')}"[:200]  # type: ignore[attr-defined]
        return bool(sent)


_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]+")


class EmlFileBackend(BaseEmailBackend):
    """One .eml file per message in EMAIL_FILE_PATH (Django's file backend writes one log file per
    connection, with every message in it): a newcomer opens each in a mail program. Written whole
    (a temporary file renamed), named by time and Message-ID."""

    def __init__(self, *, file_path: str | None = None, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for email_message in email_messages:
            if not email_message.recipients():
                continue
            message = email_message.message()
            message_id = _UNSAFE.sub("_", str(message["Message-ID"] or "").strip("<>"))[:120]
            name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{message_id or 'message'}.eml"
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(message.as_bytes(linesep="\r\n"))  # type: ignore[call-arg]  # SafeMIMEText takes it
                os.replace(tmp, self.directory / name)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                if not self.fail_silently:
                    raise
                continue
            email_message.provider_message_id = name  # type: ignore[attr-defined]
            sent += 1
        return sent
