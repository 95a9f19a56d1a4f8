"""Every voice webhook is signed by the provider (core.twilio_signature); a request without a valid
signature is refused with 403 before anything is read into a record."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from miconsulado.core.twilio_signature import is_signed_by_twilio

logger = logging.getLogger(__name__)

View = Callable[[HttpRequest], HttpResponse]


def voice_webhook(view: View) -> View:
    """POST only, no CSRF token (the signature stands for it), 403 unless signed."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        if not is_signed_by_twilio(request):
            return HttpResponseForbidden("Invalid signature", content_type="text/plain")
        return view(request)

    return csrf_exempt(require_POST(wrapped))
