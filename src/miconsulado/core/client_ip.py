"""The address a request came from, the one rule for the access log and the login lock-out."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR; behind our own reverse proxy (MICONSULADO["BEHIND_PROXY"]), the last hop of
    X-Forwarded-For, the one the proxy itself appended. Earlier hops are whatever the client wrote
    and are never trusted; without a proxy the header is ignored, or anyone could choose their IP.
    None when there is no valid address (a request built in code, a Unix socket): it is stored in
    an IP address column."""
    if settings.MICONSULADO.get("BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = _valid(forwarded.rsplit(",", 1)[-1])
        if last:
            return last
    return _valid(request.META.get("REMOTE_ADDR"))


def _valid(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
