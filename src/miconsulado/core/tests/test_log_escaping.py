"""Nothing a client sends can forge or colour a log line: the access log and every other record
write control characters, separators and bidi overrides as escapes."""

import logging
import sys

import pytest
from django.conf import settings
from django.test import override_settings

from miconsulado.core.logs import EscapingFormatter, escape

pytestmark = pytest.mark.django_db

# %0a LF, %0d CR, %1b ESC (colours), %e2%80%a8 U+2028 LINE SEPARATOR, %e2%80%ae U+202E RIGHT-TO-LEFT OVERRIDE
FORGED = "%0a2026-12-03 19:00:00,000 INFO miconsulado.access 10.0.0.1 %0d%1b[31mred%e2%80%a8x%e2%80%aey"
DANGEROUS = "\n\r\x1b\u2028\u202e"


def access_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "miconsulado.access"]


def formatter() -> logging.Formatter:
    """The formatter the console handler uses, built from settings as logging.config does."""
    config = settings.LOGGING["formatters"]["plain"]
    assert config["()"] == "miconsulado.core.logs.EscapingFormatter"
    return EscapingFormatter(config["format"])


@pytest.mark.parametrize("prefix", ["/api/v1/", "/", "/admin/"])
def test_a_forged_path_leaves_one_access_line_with_the_characters_escaped(client, caplog, prefix):
    caplog.set_level(logging.INFO, logger="miconsulado.access")
    client.get(prefix + "x" + FORGED, QUERY_STRING="q=a%0Ab")
    [record] = access_records(caplog)
    message = record.getMessage()
    assert not any(char in message for char in DANGEROUS)
    assert "\\x0a2026-12-03" in message
    assert "\\x0d\\x1b[31mred\\u2028x\\u202ey" in message
    line = formatter().format(record)
    assert "\n" not in line and "\x1b" not in line
    assert line.endswith("ms")


def test_the_access_line_says_who_what_and_how_it_went(client, caplog):
    caplog.set_level(logging.INFO, logger="miconsulado.access")
    response = client.get("/healthz", QUERY_STRING="a=1&b=%22")
    [record] = access_records(caplog)
    address, method, target, protocol, status, size, duration = record.args
    assert (address, method, target, protocol, status) == (
        "127.0.0.1",
        "GET",
        "/healthz?a=1&b=%22",
        "HTTP/1.1",
        200,
    )
    assert size == str(len(response.content))
    assert duration >= 0


def test_quotes_and_backslashes_cannot_fake_the_quoted_request(client, caplog):
    caplog.set_level(logging.INFO, logger="miconsulado.access")
    client.get('/a" 200 1 1.0ms\\x0a')
    [record] = access_records(caplog)
    assert record.args[2] == "/a\\x22 200 1 1.0ms\\\\x0a"


@override_settings(MICONSULADO={**settings.MICONSULADO, "BEHIND_PROXY": True})
def test_behind_the_proxy_the_address_is_the_last_forwarded_hop(client, caplog):
    caplog.set_level(logging.INFO, logger="miconsulado.access")
    client.get("/healthz", HTTP_X_FORWARDED_FOR="1.2.3.4\n, 203.0.113.9")
    assert access_records(caplog)[0].args[0] == "203.0.113.9"


@override_settings(MICONSULADO={**settings.MICONSULADO, "BEHIND_PROXY": True})
def test_a_forwarded_hop_that_is_not_an_address_is_not_taken(client, caplog):
    caplog.set_level(logging.INFO, logger="miconsulado.access")
    client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.9, \x1b[31mred")
    assert access_records(caplog)[0].args[0] == "127.0.0.1"


def test_without_a_proxy_x_forwarded_for_is_ignored(client, caplog):
    caplog.set_level(logging.INFO, logger="miconsulado.access")
    client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert access_records(caplog)[0].args[0] == "127.0.0.1"


def test_the_access_log_is_off_below_its_level(client, caplog):
    caplog.set_level(logging.WARNING, logger="miconsulado.access")
    client.get("/healthz")
    assert access_records(caplog) == []


def test_djangos_not_found_line_is_escaped_too(client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    client.get("/nowhere" + FORGED)
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert not any(char in record.getMessage() for char in DANGEROUS)


def test_every_record_is_one_line_whatever_its_arguments():
    record = logging.LogRecord(
        "miconsulado.booking",
        logging.WARNING,
        __file__,
        1,
        "refused %s for %s",
        ("a\nb\x1b[0m", {"k": "\u202e"}),
        None,
    )
    line = formatter().format(record)
    assert "\n" not in line and "\x1b" not in line and "\u202e" not in line
    assert line.endswith("refused a\\x0ab\\x1b[0m for {'k': '\\u202e'}")


def test_a_traceback_keeps_its_lines_but_loses_other_control_characters():
    try:
        raise ValueError("bad \x1b[31m value \u2028")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    text = formatter().format(record)
    assert text.count("\n") >= 3  # "failed", "Traceback …", "File …", "ValueError …"
    assert "\x1b" not in text and "\u2028" not in text
    assert "ValueError: bad \\x1b[31m value \\u2028" in text


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("León, Ñuño-O'Brien 東京 /api/v1/offices?x=1", "León, Ñuño-O'Brien 東京 /api/v1/offices?x=1"),
        ("\x00\x07\t\x7f\x85", "\\x00\\x07\\x09\\x7f\\x85"),
        ("\u200b\u2029\ufeff\U000e0041", "\\u200b\\u2029\\ufeff\\U000e0041"),
    ],
)
def test_escape(text, escaped):
    assert escape(text) == escaped


def test_django_records_go_through_the_escaping_handler_only():
    """Django's default console handler (DEBUG only) would print them a second time, unescaped."""
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate
    [handler] = [h for h in logging.getLogger().handlers if h.name == "console"]
    assert isinstance(handler.formatter, EscapingFormatter)
