"""MICONSULADO_EMAIL_URL -> Django's e-mail settings (read by settings.py; imports nothing of Django's).

    smtp://user:password@host:port    plain SMTP (port 25 by default)
    smtp+tls://user:password@host:587 SMTP with STARTTLS
    smtps://user:password@host:465    SMTP over TLS
    file:///absolute/path/  file://relative/path/    one .eml file per message

User and password are percent-decoded (a password with "@" or "/" is written %40, %2F). `?timeout=`
(seconds) overrides the connection timeout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

SMTP_BACKEND = "miconsulado.notifications.backends.SMTPBackend"
FILE_BACKEND = "miconsulado.notifications.backends.EmlFileBackend"
DEFAULT_TIMEOUT = 30


def email_settings(url: str, *, base_dir: Path) -> dict[str, Any]:
    """Django's EMAIL_* settings for `url`; a relative file path is taken from `base_dir`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        raw = unquote(parts.netloc + parts.path)
        if not raw:
            raise ValueError(f"MICONSULADO_EMAIL_URL {url!r}: file:// needs a directory")
        path = Path(raw)
        return {
            "EMAIL_BACKEND": FILE_BACKEND,
            "EMAIL_FILE_PATH": str(path if path.is_absolute() else base_dir / path),
        }
    ports = {"smtp": 25, "smtp+tls": 587, "smtps": 465}
    if scheme not in ports:
        raise ValueError(
            f"MICONSULADO_EMAIL_URL {_without_password(url)!r}: the scheme must be smtp, smtp+tls, smtps or file"
        )
    if not parts.hostname:
        raise ValueError(f"MICONSULADO_EMAIL_URL {_without_password(url)!r}: no host")
    try:
        port = parts.port or ports[scheme]
    except ValueError as exc:
        raise ValueError(f"MICONSULADO_EMAIL_URL {_without_password(url)!r}: bad port") from exc
    query = parse_qs(parts.query)
    timeout = int(query["timeout"][0]) if "timeout" in query else DEFAULT_TIMEOUT
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": scheme == "smtp+tls",
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_TIMEOUT": timeout,
    }


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)
