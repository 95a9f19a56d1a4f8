"""Outbound actions on calls: moving a waiting caller to new TwiML (to connect them to their agent)
and calling a citizen back. A Twilio REST implementation and an in-memory fake for tests and the demo
(MICONSULADO_VOICE_PROVIDER)."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings


class ProviderError(Exception):
    """The provider refused or could not be reached."""


class VoiceProvider(Protocol):
    def redirect(self, *, call_sid: str, url: str) -> None:
        """Make the live call `call_sid` request `url` (POST) for its next TwiML."""

    def call(self, *, to: str, from_: str, url: str, status_callback: str) -> str:
        """Call `to`; when answered the provider requests `url`; its end is posted to
        `status_callback`. The new call's SID."""


class TwilioProvider:
    def __init__(self, account_sid: str, auth_token: str) -> None:
        from twilio.rest import Client

        self.client = Client(account_sid, auth_token)

    def redirect(self, *, call_sid: str, url: str) -> None:
        from twilio.base.exceptions import TwilioException

        try:
            self.client.calls(call_sid).update(url=url, method="POST")
        except TwilioException as exc:
            raise ProviderError(str(exc)) from exc

    def call(self, *, to: str, from_: str, url: str, status_callback: str) -> str:
        from twilio.base.exceptions import TwilioException

        try:
            created = self.client.calls.create(
                to=to,
                from_=from_,
                url=url,
                method="POST",
                status_callback=status_callback,
                status_callback_method="POST",
                status_callback_event=["completed"],
                timeout=30,
            )
        except TwilioException as exc:
            raise ProviderError(str(exc)) from exc
        return str(created.sid)


@dataclass
class FakeProvider:
    """Remembers what it was asked to do; tests (and the demo's simulator) play the other side."""

    redirects: list[tuple[str, str]] = field(default_factory=list)
    calls: list[dict[str, str]] = field(default_factory=list)
    fail_next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _sids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def redirect(self, *, call_sid: str, url: str) -> None:
        with self._lock:
            if self.fail_next:
                self.fail_next -= 1
                raise ProviderError("fake failure")
            self.redirects.append((call_sid, url))

    def call(self, *, to: str, from_: str, url: str, status_callback: str) -> str:
        with self._lock:
            if self.fail_next:
                self.fail_next -= 1
                raise ProviderError("fake failure")
            sid = f"CAout{next(self._sids):028x}"
            self.calls.append(
                {"sid": sid, "to": to, "from": from_, "url": url, "status_callback": status_callback}
            )
            return sid


_provider: VoiceProvider | None = None


def get_provider() -> VoiceProvider:
    global _provider
    if _provider is None:
        if settings.MICONSULADO["VOICE_PROVIDER"] == "twilio":
            _provider = TwilioProvider(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)
        else:
            _provider = FakeProvider()
    return _provider


def use_provider(provider: VoiceProvider | None) -> None:
    """Replace the provider (tests, the demo); None goes back to the configured one."""
    global _provider
    _provider = provider
