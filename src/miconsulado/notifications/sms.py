"""Sending SMS: a small provider interface and its implementations.

`SMS_BACKEND` (settings, from MICONSULADO_SMS_BACKEND) chooses one:

* ``twilio`` — Twilio Messaging through the `twilio` library's REST client (TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN, MICONSULADO_SMS_FROM: a number in E.164 or a Messaging Service SID "MG…").
* ``file`` — one readable text file per message under SMS_FILE_PATH (``var/sms/`` in `make run`).
* ``memory`` — kept in ``memory_outbox`` (tests).
* ``off`` — no SMS: the receivers write no SMS rows.

A provider's `send` returns the provider's id of the message or raises `TemporarySmsError` (try again
later: provider 5xx, a timeout, no connection, too many requests, refused credentials) or
`PermanentSmsError` (never deliverable as it is: an invalid or unreachable number, a number that
opted out). `find_sent` answers whether the row was already handed over (by a worker that died
before recording it), so that a retry does not send it twice (decision 0009).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.urls import reverse

VALID_BACKENDS = ("twilio", "file", "memory", "off")

# Twilio error codes that mean "this number will never take this message" (they come as 4xx).
# https://www.twilio.com/docs/api/errors — 21211 invalid To, 21212 invalid From, 21408 region not
# enabled, 21610 the recipient replied STOP, 21612 unreachable route, 21614 not a mobile number,
# 21617 body too long, 21635 not a valid number for the service, 30006 landline or unreachable.
# Every other 4xx is also permanent, except those below: the request itself would be fine later.
TEMPORARY_4XX = frozenset({401, 403, 408, 409, 423, 429})  # credentials, time-outs, rate limits


class SmsError(Exception):
    """A message the provider did not take."""


class TemporarySmsError(SmsError):
    """Worth another try later."""


class PermanentSmsError(SmsError):
    """This message will never be delivered as it is."""


@dataclass(frozen=True)
class OutgoingSms:
    to: str  # E.164
    body: str
    reference: str  # the row's own id for it (its Message-ID): stable across retries
    not_before: dt.datetime  # the row's creation: nothing sent for it can be older
    status_callback: str = ""  # where the provider reports delivery ("" for none)


class SmsProvider(Protocol):
    def send(self, sms: OutgoingSms) -> str: ...

    def find_sent(self, sms: OutgoingSms) -> str | None: ...


# --- Twilio ---------------------------------------------------------------------------------------


class TwilioSms:
    """Twilio Messaging. `http_client` is twilio's HttpClient (tests give one that talks to a local
    server); by default twilio's own, with a timeout so that a hung connection is a retry."""

    LOOKUP_LIMIT = 50  # the recipient's latest messages examined by find_sent
    # Twilio's times are whole seconds, and its clock is not ours.
    CLOCK_SLACK = dt.timedelta(seconds=60)

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        sender: str,
        http_client: object | None = None,
        timeout: float = 15.0,
    ) -> None:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        self.sender = sender
        self.client = Client(
            account_sid, auth_token, http_client=http_client or TwilioHttpClient(timeout=timeout)
        )

    def send(self, sms: OutgoingSms) -> str:
        params: dict[str, str] = {"to": sms.to, "body": sms.body}
        if self.sender.startswith("MG"):
            params["messaging_service_sid"] = self.sender
        else:
            params["from_"] = self.sender
        if sms.status_callback:
            params["status_callback"] = sms.status_callback
        with _twilio_errors():
            message = self.client.messages.create(**params)
        return str(message.sid)

    def find_sent(self, sms: OutgoingSms) -> str | None:
        """The SID of a message with this row's text sent to its number since the row was written,
        if any. Twilio keeps no reference of ours on a message, so the text, the number and the time
        identify it; a copy made by the admin's "send again" is a newer row, and its lookup does not
        see the original's message (sent before the copy existed, unless within CLOCK_SLACK)."""
        with _twilio_errors():
            recent = self.client.messages.list(to=sms.to, limit=self.LOOKUP_LIMIT)
        for message in recent:
            created = message.date_created
            recent_enough = created is None or created >= sms.not_before - self.CLOCK_SLACK
            if message.body == sms.body and recent_enough and message.status not in ("failed", "canceled"):
                return str(message.sid)
        return None


class _twilio_errors:
    """Twilio's and the network's exceptions as SmsError."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc is None:
            return
        import requests
        from twilio.base.exceptions import TwilioRestException

        if isinstance(exc, TwilioRestException):
            reason = f"Twilio {exc.status} error {exc.code}: {exc.msg}"
            if exc.status >= 500 or exc.status in TEMPORARY_4XX:
                raise TemporarySmsError(reason) from exc
            raise PermanentSmsError(reason) from exc
        if isinstance(exc, requests.RequestException | OSError):
            raise TemporarySmsError(f"{type(exc).__name__}: {exc}") from exc


# --- Files (make run) -----------------------------------------------------------------------------


class FileSms:
    """Each message as a text file in `directory`, named by time and the row's reference, readable by
    whoever runs the demo: who to, and the text exactly as it would be sent."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _name(self, sms: OutgoingSms) -> str:
        return re.sub(r"[^A-Za-z0-9.@-]+", "_", sms.reference.strip("<>"))[:150]

    def send(self, sms: OutgoingSms) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        path = self.directory / f"{stamp}-{self._name(sms)}.txt"
        path.write_text(f"To: {sms.to}\nReference: {sms.reference}\n\n{sms.body}\n", encoding="utf-8")
        return f"file:{path.name}"

    def find_sent(self, sms: OutgoingSms) -> str | None:
        found = sorted(self.directory.glob(f"*-{self._name(sms)}.txt")) if self.directory.is_dir() else []
        return f"file:{found[0].name}" if found else None


# --- Memory (tests) -------------------------------------------------------------------------------


@dataclass
class MemorySms:
    """Keeps what it is given. `fail_with` makes the next sends raise it (tests)."""

    sent: list[OutgoingSms] = field(default_factory=list)
    fail_with: SmsError | None = None

    def send(self, sms: OutgoingSms) -> str:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(sms)
        return f"memory:{len(self.sent)}"

    def find_sent(self, sms: OutgoingSms) -> str | None:
        for n, earlier in enumerate(self.sent, start=1):
            if earlier.reference == sms.reference:
                return f"memory:{n}"
        return None


memory_outbox = MemorySms()


# --- The configured one ---------------------------------------------------------------------------


def sms_enabled() -> bool:
    return settings.SMS_BACKEND != "off"


def provider() -> SmsProvider:
    backend = settings.SMS_BACKEND
    if backend == "twilio":
        return _twilio(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.SMS_FROM)
    if backend == "file":
        return FileSms(Path(settings.SMS_FILE_PATH))
    if backend == "memory":
        return memory_outbox
    raise PermanentSmsError(f"SMS are off (MICONSULADO_SMS_BACKEND={backend!r})")


@functools.lru_cache(maxsize=4)
def _twilio(account_sid: str, auth_token: str, sender: str) -> TwilioSms:
    # One client per process and configuration: its HTTP session keeps the connection to Twilio.
    return TwilioSms(account_sid=account_sid, auth_token=auth_token, sender=sender)


def status_callback_url(message_pk: int) -> str:
    """Where Twilio reports this message's delivery: the public URL (MICONSULADO_PUBLIC_URL) of the
    status view, naming the row (Twilio signs the whole URL, query included). "" without a public
    URL: Twilio could not reach us."""
    if not settings.PUBLIC_URL:
        return ""
    return f"{settings.PUBLIC_URL}{reverse('sms:status')}?m={message_pk}"


def check_settings(*, backend: str, account_sid: str, auth_token: str, sender: str) -> None:
    """Refuse, at start-up, a configuration that cannot send (settings.py calls it)."""
    from django.core.exceptions import ImproperlyConfigured

    if backend not in VALID_BACKENDS:
        raise ImproperlyConfigured(
            f"MICONSULADO_SMS_BACKEND must be one of {', '.join(VALID_BACKENDS)}, not {backend!r}."
        )
    if backend == "twilio":
        missing = [
            name
            for name, value in (
                ("TWILIO_ACCOUNT_SID", account_sid),
                ("TWILIO_AUTH_TOKEN", auth_token),
                ("MICONSULADO_SMS_FROM", sender),
            )
            if not value
        ]
        if missing:
            raise ImproperlyConfigured(f"SMS through Twilio needs {', '.join(missing)}.")
        if not (sender.startswith("MG") or re.fullmatch(r"\+[1-9]\d{6,14}", sender)):
            raise ImproperlyConfigured(
                "MICONSULADO_SMS_FROM must be a number in E.164 (+14243090009) or a Messaging "
                "Service SID (MG…)."
            )
