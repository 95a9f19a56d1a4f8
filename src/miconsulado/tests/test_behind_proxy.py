"""X-Forwarded-* headers are believed only behind our proxy (MICONSULADO_BEHIND_PROXY=1, which
`make run-prod` sets; deploy/nginx.conf.template replaces those headers on every request)."""

import runpy
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import DisallowedHost
from django.test import RequestFactory, override_settings

import miconsulado.settings

FORWARDED = {
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_X_FORWARDED_HOST": "localhost:8000",
    "HTTP_X_FORWARDED_FOR": "203.0.113.7",
}


def settings_with(monkeypatch: pytest.MonkeyPatch, behind_proxy: str | None) -> dict[str, Any]:
    """The settings module as a fresh process would read it from this environment."""
    monkeypatch.setenv("MICONSULADO_DEBUG", "1")
    if behind_proxy is None:
        monkeypatch.delenv("MICONSULADO_BEHIND_PROXY", raising=False)
    else:
        monkeypatch.setenv("MICONSULADO_BEHIND_PROXY", behind_proxy)
    return runpy.run_path(str(Path(miconsulado.settings.__file__)))


def test_forwarded_headers_are_ignored_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    values = settings_with(monkeypatch, None)
    assert "SECURE_PROXY_SSL_HEADER" not in values
    assert "USE_X_FORWARDED_HOST" not in values
    assert values["MICONSULADO"]["BEHIND_PROXY"] is False

    request = RequestFactory().get("/healthz", HTTP_HOST="127.0.0.1", **FORWARDED)
    with override_settings(SECURE_PROXY_SSL_HEADER=None, USE_X_FORWARDED_HOST=False):
        assert not request.is_secure()
        assert request.get_host() == "127.0.0.1"


def test_behind_the_proxy_its_headers_say_scheme_and_host(monkeypatch: pytest.MonkeyPatch) -> None:
    values = settings_with(monkeypatch, "1")
    assert values["MICONSULADO"]["BEHIND_PROXY"] is True

    request = RequestFactory().get("/healthz", HTTP_HOST="127.0.0.1", **FORWARDED)
    with override_settings(
        SECURE_PROXY_SSL_HEADER=values["SECURE_PROXY_SSL_HEADER"],
        USE_X_FORWARDED_HOST=values["USE_X_FORWARDED_HOST"],
    ):
        assert request.is_secure()
        assert request.get_host() == "localhost:8000"


def test_behind_the_proxy_a_forwarded_host_is_still_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    values = settings_with(monkeypatch, "1")
    request = RequestFactory().get("/healthz", HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_HOST="evil.example")
    with (
        override_settings(USE_X_FORWARDED_HOST=values["USE_X_FORWARDED_HOST"]),
        pytest.raises(DisallowedHost),
    ):
        request.get_host()
