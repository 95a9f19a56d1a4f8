"""A test caller that behaves like the provider: it posts signed webhooks and follows the TwiML it
gets back, so that a test reads like a call.

    call = TestCaller(client).dial("+14243090009")   # hears the language menu, waits at its <Gather>
    call.press("2")                                   # English; follows <Redirect>s to the next <Gather>
    assert "press 2" in call.last_heard

At a <Gather> it posts the next key sequence to the action (None: no input, the verbs after the
<Gather> run, as the provider does); with no keys left it stops there, waiting. <Redirect> is
followed, <Enqueue> posts its wait URL once and waits in the queue, <Dial> connects and waits,
<Hangup> (or the end of the document) ends the call and posts the final status callback.

The provider's outbound side (provider.FakeProvider) is played too: `redirected()` follows the
URL a live call was moved to (an agent accepted), `TestCaller.answer()` picks up a call we placed
(a callback) and `TestCaller.not_answered()` reports one that rang out.
"""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit
from xml.etree import ElementTree

from django.conf import settings
from django.test import Client
from twilio.request_validator import RequestValidator

BASE = "http://testserver"
_sids = itertools.count(1)


def sign(url: str, params: dict[str, str], token: str | None = None) -> str:
    return RequestValidator(token or settings.TWILIO_AUTH_TOKEN).compute_signature(url, params)


def post_signed(
    client: Client,
    path: str,
    params: dict[str, str],
    *,
    token: str | None = None,
    signature: str | None = None,
) -> Any:
    url = urljoin(BASE, path)
    return client.post(
        path,
        data=urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature if signature is not None else sign(url, params, token),
    )


def _path(url: str) -> str:
    """The path and query of an absolute URL the line gave the provider."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


class TestCaller:
    __test__ = False  # not a pytest class

    def __init__(self, client: Client, *, caller: str = "+13105550100") -> None:
        self.client = client
        self.caller = caller
        self.sid = f"CA{next(_sids):032x}"
        self.to = ""
        self.heard: list[str] = []
        self.languages: list[str] = []
        self.pending: ElementTree.Element | None = None  # the <Gather> waiting for keys
        self.ended = False
        self.queue: str | None = None
        self.dialled: str | None = None
        self.dial_action: str | None = None
        self.requests = 0
        self.statuses: list[int] = []
        self.status_url = "/voice/status"
        self.direction = "inbound"

    # --- what a test does ---

    def dial(self, to: str, *keys: str | None, forwarded_from: str = "") -> TestCaller:
        self.to = to
        extra = {"ForwardedFrom": forwarded_from} if forwarded_from else {}
        self._follow("/voice/incoming", list(keys), extra)
        return self

    def press(self, *keys: str | None) -> TestCaller:
        assert self.pending is not None, "no menu is waiting for keys"
        gather, self.pending = self.pending, None
        self._gather(gather, list(keys), after=[], heard=True)
        return self

    def redirected(self, url: str) -> TestCaller:
        """The provider moved the live call to `url` (a REST update): it leaves its menu or wait."""
        self.pending = None
        self._follow(_path(url), [])
        return self

    @classmethod
    def answer(cls, client: Client, placed: dict[str, str], *keys: str | None) -> TestCaller:
        """Pick up a call the line placed (FakeProvider.calls): the provider requests its URL."""
        callee = cls(client, caller=placed["from"])
        callee.sid, callee.to, callee.direction = placed["sid"], placed["to"], "outbound-api"
        callee.status_url = _path(placed["status_callback"])
        callee._follow(_path(placed["url"]), list(keys))
        return callee

    @classmethod
    def not_answered(cls, client: Client, placed: dict[str, str], status: str = "no-answer") -> None:
        callee = cls(client, caller=placed["from"])
        callee.sid, callee.to, callee.direction = placed["sid"], placed["to"], "outbound-api"
        callee.status_url = _path(placed["status_callback"])
        callee.hang_up(status, duration="0")

    @property
    def waiting(self) -> bool:
        """Waiting in the line's queue (its wait loop's <Gather> is pending)."""
        return self.pending is not None and "/voice/queue/" in (self.pending.get("action") or "")

    def dial_ends(self, status: str = "completed") -> TestCaller:
        assert self.dial_action is not None
        self._follow(self.dial_action, [], {"DialCallStatus": status})
        return self

    def hang_up(self, status: str = "completed", duration: str = "42") -> None:
        self.pending = None
        self.ended = True
        self.post(self.status_url, {"CallStatus": status, "CallDuration": duration})

    @property
    def last_heard(self) -> str:
        return self.heard[-1] if self.heard else ""

    @property
    def all_heard(self) -> str:
        return "\n".join(self.heard)

    # --- the provider's side ---

    def params(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        params = {
            "CallSid": self.sid,
            "AccountSid": "AC" + "0" * 32,
            "From": self.caller,
            "To": self.to,
            "Caller": self.caller,
            "Called": self.to,
            "CallStatus": "in-progress",
            "Direction": self.direction,
            "ApiVersion": "2010-04-01",
        }
        params.update(extra or {})
        return params

    def post(self, path: str, extra: dict[str, str] | None = None) -> Any:
        self.requests += 1
        assert self.requests < 100, "the call loops"
        response = post_signed(self.client, path, self.params(extra))
        self.statuses.append(response.status_code)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        return response

    def _follow(self, path: str, keys: list[str | None], extra: dict[str, str] | None = None) -> None:
        self.current = path
        response = self.post(path, extra)
        root = ElementTree.fromstring(response.content)  # noqa: S314  # our own answer
        assert root.tag == "Response"
        self._run(list(root), keys)

    def _run(self, verbs: list[ElementTree.Element], keys: list[str | None]) -> None:
        for i, verb in enumerate(verbs):
            if verb.tag == "Say":
                self.heard.append(verb.text or "")
                self.languages.append(verb.get("language", ""))
            elif verb.tag == "Pause":
                continue
            elif verb.tag == "Gather":
                self._gather(verb, keys, after=verbs[i + 1 :])
                return
            elif verb.tag == "Redirect":
                self._follow(urljoin(self.current, verb.text or ""), keys)
                return
            elif verb.tag == "Enqueue":
                self.queue = verb.text
                wait = verb.get("waitUrl")
                assert wait
                self._follow(urljoin(self.current, wait), [], {"QueuePosition": "1", "QueueTime": "0"})
                return
            elif verb.tag == "Dial":
                self.dialled = (verb.text or "").strip() or " ".join(
                    f"{child.tag.lower()}:{(child.text or '').strip()}" for child in verb
                )
                action = verb.get("action")
                self.dial_action = urljoin(self.current, action) if action else None
                return
            elif verb.tag == "Hangup":
                self.hang_up()
                return
            else:
                raise AssertionError(f"unexpected verb {verb.tag}")
        if not self.queue:
            self.hang_up()  # the end of the document ends the call

    def _gather(
        self,
        gather: ElementTree.Element,
        keys: list[str | None],
        after: list[ElementTree.Element],
        heard: bool = False,
    ) -> None:
        for say in [] if heard else gather.findall("Say"):  # a waiting menu was heard already
            self.heard.append(say.text or "")
            self.languages.append(say.get("language", ""))
        if not keys:
            self.pending = gather
            self._after_gather = after
            return
        key = keys.pop(0)
        if key is None:
            self._run(after or getattr(self, "_after_gather", []), keys)
            return
        action = gather.get("action") or self.current
        self._follow(urljoin(self.current, action), keys, {"Digits": key})
