"""Every voice webhook is signed by the provider: X-Twilio-Signature, an HMAC of the URL it posted to
and its parameters under the account's auth token (TWILIO_AUTH_TOKEN). A request without a valid
signature is refused with 403 before anything is read into a record."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

logger = logging.getLogger(__name__)

View = Callable[[HttpRequest], HttpResponse]


def signed_url(request: HttpRequest) -> str:
    """The URL the provider signed: the public one behind a proxy (MICONSULADO_PUBLIC_URL and the
    path with its query), else the request's own."""
    public = settings.PUBLIC_URL
    if public:
        return public.rstrip("/") + request.get_full_path()
    return request.build_absolute_uri()


def is_signed(request: HttpRequest) -> bool:
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature or len(signature) > 200:
        return False
    try:
        params = request.POST
    except (RequestDataTooBig, TooManyFieldsSent, SuspiciousOperation):
        return False  # no provider sends that much: it cannot be checked, so it is not signed
    return bool(RequestValidator(token).validate(signed_url(request), params, signature))


def voice_webhook(view: View) -> View:
    """POST only, no CSRF token (the signature stands for it), 403 unless signed."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        if not is_signed(request):
            return HttpResponseForbidden("Invalid signature", content_type="text/plain")
        return view(request)

    return csrf_exempt(require_POST(wrapped))
