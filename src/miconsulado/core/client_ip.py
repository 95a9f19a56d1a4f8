"""The address a request came from, the one rule for the access log and the login lock-out."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR; behind our own reverse proxy (MICONSULADO["BEHIND_PROXY"]), the last hop of
    X-Forwarded-For, the one the proxy itself appended. Earlier hops are whatever the client wrote
    and are never trusted; without a proxy the header is ignored, or anyone could choose their IP."""
    if settings.MICONSULADO.get("BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return str(request.META.get("REMOTE_ADDR") or "-")
