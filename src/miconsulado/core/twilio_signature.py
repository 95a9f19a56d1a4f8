"""Requests from Twilio (voice webhooks, SMS delivery reports) carry X-Twilio-Signature: an HMAC of
the URL it posted to and its parameters under the account's auth token (TWILIO_AUTH_TOKEN). A request
without a valid one is refused before anything is read into a record."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import HttpRequest
from twilio.request_validator import RequestValidator


def signed_url(request: HttpRequest) -> str:
    """The URL the provider signed: the public one behind a proxy (MICONSULADO_PUBLIC_URL and the
    path with its query), else the request's own."""
    public = settings.PUBLIC_URL
    if public:
        return public.rstrip("/") + request.get_full_path()
    return request.build_absolute_uri()


def is_signed_by_twilio(request: HttpRequest) -> bool:
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature or len(signature) > 200:
        return False
    try:
        params = request.POST
    except (RequestDataTooBig, TooManyFieldsSent, SuspiciousOperation):
        return False  # no provider sends that much: it cannot be checked, so it is not signed
    return bool(RequestValidator(token).validate(signed_url(request), params, signature))
