"""Log lines that nothing a client sends can forge or colour.

A URL path, a query or a header can carry a newline (`%0a`), a carriage return, ESC (terminal
colours), a line separator (U+2028) or a bidi override (U+202E): written as they are, they start a
line that looks like the server's own or hide what follows. Such characters are written as escapes
(`\\x0a`, `\\u202e`), by the access log for what it takes from the request and by the formatter
for every record of every logger (a second line of defence for messages built elsewhere).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from types import TracebackType

from django.http import HttpRequest, HttpResponse

from miconsulado.core.client_ip import client_ip

access_logger = logging.getLogger("miconsulado.access")


def _escape_char(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escape(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every character that is not printable escaped, as repr() does: controls (C0,
    DEL, C1), format characters (bidi overrides, zero-width), line and paragraph separators,
    surrogates, spaces other than " ". keep_newlines: for tracebacks, which are lines by design."""
    if text.isprintable():  # the common case, at C speed
        return text
    return "".join(
        char if char.isprintable() or (keep_newlines and char == "\n") else _escape_char(char)
        for char in text
    )


def escape_request_text(text: str) -> str:
    """What a client sent, for a log line: also a backslash doubled (as Django's own request log
    does), so that `\\x0a` in the log always means the character and never the four the client typed,
    and a double quote escaped, so that the quoted request in the access line ends where it seems to."""
    return escape(text.replace("\\", "\\\\").replace('"', "\\x22"))


class EscapingFormatter(logging.Formatter):
    """logging.Formatter whose message is always one line of printable text; a traceback keeps its
    lines, but no other control character."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape(record.message)
        return super().formatMessage(record)

    def formatException(
        self,
        ei: tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None],
    ) -> str:
        return escape(super().formatException(ei), keep_newlines=True)

    def formatStack(self, stack_info: str) -> str:
        return escape(super().formatStack(stack_info), keep_newlines=True)


class AccessLogMiddleware:
    """One line per request on the `miconsulado.access` logger (INFO):

        127.0.0.1 "GET /api/v1/offices?country=US HTTP/1.1" 200 5123 3.2ms

    address, method, path and query (escaped), protocol, status, body bytes ("-" when streamed),
    time spent in Django. First in MIDDLEWARE, so it sees every answer, even the ones the other
    middleware give (a bad Host, a static file). When the logger is off (the bench runs at WARNING),
    it costs one level check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not access_logger.isEnabledFor(logging.INFO):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        target = request.path
        query = request.META.get("QUERY_STRING", "")
        if query:
            # WSGI hands over the raw bytes as latin-1 text; a query sent unencoded is UTF-8.
            query = query.encode("latin-1", "replace").decode("utf-8", "replace")
            target = f"{target}?{query}"
        if response.has_header("Content-Length"):
            size = response["Content-Length"]
        elif response.streaming:
            size = "-"
        else:
            size = str(len(response.content))
        access_logger.info(
            '%s "%s %s %s" %d %s %.1fms',
            client_ip(request) or "-",
            escape_request_text(request.method or "-"),
            escape_request_text(target),
            escape_request_text(request.META.get("SERVER_PROTOCOL", "-")),
            response.status_code,
            escape_request_text(size),
            elapsed_ms,
        )
        return response
