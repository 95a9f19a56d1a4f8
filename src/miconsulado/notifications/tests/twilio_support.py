"""A fake Twilio REST API on loopback, and twilio's own HTTP client pointed at it: the provider is
tested through the real `twilio` library and `requests`, without the network.

The server answers as Twilio does (https://www.twilio.com/docs/messaging/api/message-resource):
`POST …/Messages.json` creates a message (201 with its JSON), `GET …/Messages.json?To=` lists the
messages to a number, newest first. `script` chooses a reply per recipient number: an HTTP status
with Twilio's error code, or a delay (to make the client time out).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from twilio.http.http_client import TwilioHttpClient

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
SENDER = "+14243090009"


@dataclass
class Reply:
    status: int = 201
    code: int | None = None
    message: str = ""
    delay: float = 0.0  # seconds between taking the message and answering


@dataclass
class FakeTwilio:
    url: str = ""
    messages: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, list[str]], str]] = field(default_factory=list)
    script: dict[str, list[Reply]] = field(default_factory=dict)  # To -> replies, one per create
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reply_for(self, to: str) -> Reply:
        with self.lock:
            queue = self.script.get(to)
            return queue.pop(0) if queue else Reply()

    def created(self, to: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["to"] == to]


class _Handler(BaseHTTPRequestHandler):
    fake: FakeTwilio

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
        path = urlparse(self.path).path
        self.fake.requests.append(("POST", path, form, self.headers.get("Authorization", "")))
        if not path.endswith(f"/Accounts/{ACCOUNT_SID}/Messages.json"):
            return self._json(404, {"code": 20404, "message": "not found", "status": 404})
        to = form.get("To", [""])[0]
        reply = self.fake.reply_for(to)
        if reply.status >= 400:
            return self._json(
                reply.status, {"code": reply.code, "message": reply.message, "status": reply.status}
            )
        now = format_datetime(dt.datetime.now(dt.UTC), usegmt=True)
        message = {
            "sid": f"SM{len(self.fake.messages) + 1:032d}",
            "account_sid": ACCOUNT_SID,
            "to": to,
            "from": form.get("From", [""])[0] or SENDER,
            "messaging_service_sid": form.get("MessagingServiceSid", [None])[0],
            "body": form.get("Body", [""])[0],
            "status": "queued",
            "date_created": now,
            "date_updated": now,
            "date_sent": None,
            "num_segments": "1",
            "direction": "outbound-api",
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/x.json",
        }
        self.fake.messages.append(message)
        if reply.delay:  # Twilio has the message, but its answer comes too late for the client
            time.sleep(reply.delay)
        self._json(201, message)

    def do_GET(self) -> None:
        parsed = urlparse(self.path)
        query = parse_qs(parsed.query)
        self.fake.requests.append(("GET", parsed.path, query, self.headers.get("Authorization", "")))
        to = query.get("To", [""])[0]
        found = [m for m in reversed(self.fake.messages) if not to or m["to"] == to]
        self._json(
            200,
            {
                "messages": found[: int(query.get("PageSize", ["50"])[0])],
                "end": len(found) - 1,
                "first_page_uri": parsed.path,
                "next_page_uri": None,
                "page": 0,
                "page_size": 50,
                "previous_page_uri": None,
                "start": 0,
                "uri": self.path,
            },
        )


class LocalTwilioHttpClient(TwilioHttpClient):
    """twilio's own HTTP client (requests), sending what it would send to api.twilio.com to `base`."""

    def __init__(self, base: str, timeout: float = 5.0) -> None:
        super().__init__(timeout=timeout)
        self.base = base

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        assert url.startswith("https://api.twilio.com/"), url
        return super().request(
            method, self.base + url.removeprefix("https://api.twilio.com"), *args, **kwargs
        )


@pytest.fixture
def twilio_api() -> Iterator[FakeTwilio]:
    fake = FakeTwilio()
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
