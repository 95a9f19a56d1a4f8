"""MICONSULADO_EMAIL_URL chooses the transport; a bad URL stops start-up with a clear error that
does not show the password."""

from pathlib import Path

import pytest

from miconsulado.notifications.email_url import FILE_BACKEND, SMTP_BACKEND, email_settings

BASE = Path("/srv/miconsulado")


def test_smtp_with_credentials():
    assert email_settings("smtp://user:p%40ss%2Fw@mail.example:2525", base_dir=BASE) == {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": "mail.example",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "user",
        "EMAIL_HOST_PASSWORD": "p@ss/w",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 30,
    }


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://127.0.0.1", 25, False, False),
        ("smtp+tls://mail.example", 587, True, False),
        ("smtps://mail.example", 465, False, True),
        ("smtps://mail.example:2465?timeout=5", 2465, False, True),
    ],
)
def test_schemes_and_default_ports(url, port, tls, ssl):
    got = email_settings(url, base_dir=BASE)
    assert (got["EMAIL_PORT"], got["EMAIL_USE_TLS"], got["EMAIL_USE_SSL"]) == (port, tls, ssl)


def test_timeout_from_the_query():
    assert email_settings("smtp://h?timeout=5", base_dir=BASE)["EMAIL_TIMEOUT"] == 5


def test_file_paths_absolute_and_relative():
    assert email_settings("file:///var/spool/miconsulado/", base_dir=BASE) == {
        "EMAIL_BACKEND": FILE_BACKEND,
        "EMAIL_FILE_PATH": "/var/spool/miconsulado",
    }
    assert email_settings("file://var/mail/", base_dir=BASE)["EMAIL_FILE_PATH"] == "/srv/miconsulado/var/mail"


@pytest.mark.parametrize("url", ["http://x", "smtp://", "smtp://h:notaport", "file://", "mailgun://key@x"])
def test_bad_urls_are_refused(url):
    with pytest.raises(ValueError, match="MICONSULADO_EMAIL_URL"):
        email_settings(url, base_dir=BASE)


def test_the_password_is_not_in_the_error():
    with pytest.raises(ValueError) as error:
        email_settings("ftp://user:secret@host", base_dir=BASE)
    assert "secret" not in str(error.value)
