"""The answer to a login refused by django-axes: a page in the caller's language, 429."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: how many failures and how long until the next try, never whether the
    username exists."""
    cool_off = get_cool_off(request) or timedelta(0)
    # The cool-off runs from the failure that locked (later attempts do not extend it).
    last_failure = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials),
        ip_address=getattr(request, "axes_ip_address", None),
    ).aggregate(last=Max("attempt_time"))["last"]
    remaining = cool_off if last_failure is None else last_failure + cool_off - timezone.now()
    return render(
        request,
        "accounts/lockout.html",
        {
            "minutes": max(1, math.ceil(remaining.total_seconds() / 60)),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
