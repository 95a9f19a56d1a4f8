"""E-mail backends chosen by MICONSULADO_EMAIL_URL (notifications/email_url.py).

Both leave what identifies the sent message at its end in `provider_message_id` on the message
object: the SMTP server's answer to DATA ("250 2.0.0 Ok: queued as 4F2D1"), or the file's name.

`send_email` is how the worker hands over a message: an SMTP connection stays open across the
messages a worker sends (connect, EHLO and QUIT once, not per message; docs/performance.md, issue
13), and is opened again when the server has dropped it.
"""

from __future__ import annotations

import contextlib
import os
import re
import smtplib
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
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


# The worker's SMTP connection between messages: (the settings it was opened with, the backend, when
# it was last used). One per process: db_worker runs one task at a time.
_kept: tuple[tuple[Any, ...], SMTPBackend, float] | None = None
# Longer idle than this and the connection is closed rather than reused: servers drop idle clients
# (RFC 5321 asks them to wait 5 minutes; some wait less), and a stale one would cost a failed try.
KEEP_ALIVE_SECONDS = 30.0


def _smtp_settings() -> tuple[Any, ...]:
    return (
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_HOST_PASSWORD,
        settings.EMAIL_USE_TLS,
        settings.EMAIL_USE_SSL,
        settings.EMAIL_TIMEOUT,
    )


def drop_kept_connection() -> None:
    """Close the kept SMTP connection, if any (after a failure: the next message starts afresh)."""
    global _kept
    if _kept is not None:
        backend = _kept[1]
        _kept = None
        _close_quietly(backend)


def send_email(email: EmailMessage) -> int:
    """Send one message through the configured backend; how many were taken (0 or 1). An SMTP
    connection is kept for the next message. If a kept connection turns out to be dropped by the
    server, the message is tried once more on a new one: the server most likely closed it before
    this message began (an idle timeout); if it had taken the message and dropped the line before
    saying so, the message arrives twice, with the same Message-ID, as after a worker's crash."""
    global _kept
    connection = get_connection(fail_silently=False)
    if not isinstance(connection, SMTPBackend):
        with connection:  # files, the tests' memory: nothing to keep
            return connection.send_messages([email])
    key = _smtp_settings()
    if _kept is not None and _kept[0] == key and time.monotonic() - _kept[2] < KEEP_ALIVE_SECONDS:
        connection, reused = _kept[1], True
    else:
        drop_kept_connection()
        reused = False
    _kept = None  # until this message is through
    try:
        try:
            # Opened here, not by send_messages(), which would close what it opened.
            connection.open()
            sent = connection.send_messages([email])
        except (smtplib.SMTPServerDisconnected, ConnectionError):
            if not reused:
                raise
            _close_quietly(connection)
            connection = get_connection(fail_silently=False)
            connection.open()
            sent = connection.send_messages([email])
    except BaseException:
        _close_quietly(connection)
        raise
    _kept = (key, connection, time.monotonic())  # type: ignore[assignment]  # an SMTPBackend
    return sent


def _close_quietly(connection: Any) -> None:
    with contextlib.suppress(OSError, smtplib.SMTPException):  # it is gone either way
        connection.close()
