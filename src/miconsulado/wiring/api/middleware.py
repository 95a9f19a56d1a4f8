"""The API's edge where django-ninja's error handlers cannot reach: every answer under /api/ is
JSON in the one error shape (errors.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import DisallowedHost, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

from miconsulado.wiring.api.errors import BAD_REQUEST, NOT_FOUND, error_body
from miconsulado.wiring.api.parsing import NullCharacter

API_PREFIX = "/api/"

# Django's own logger for this refusal, so that what silences or routes it applies here too.
host_logger = logging.getLogger("django.security.DisallowedHost")
BAD_HOST = _("El encabezado Host de la solicitud no corresponde a este servicio.")


class ApiEdgeMiddleware:
    """Refuse with a 400 an unreadable query string, or a NUL character in the URL or the query
    (PostgreSQL cannot store or compare it, SQLite would keep it); give ninja's 405 in JSON, and
    Django's 404 for a path under /api/ that no API owns (/api/, /api/v2/…)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        try:
            query = request.GET.lists()
        except SuspiciousOperation:  # e.g. more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
            return JsonResponse(error_body("bad_request", BAD_REQUEST), status=400)
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in query
        ):
            return JsonResponse(error_body(NullCharacter.code, NullCharacter.default_message), status=400)
        response = self.get_response(request)
        if response.status_code == 404 and not _is_json(response):
            return JsonResponse(error_body("not_found", NOT_FOUND), status=404)
        if response.status_code == 405 and not _is_json(response):
            allowed = response.get("Allow", "")
            message = _("Este recurso no admite %(method)s; use %(allowed)s.") % {
                "method": request.method,
                "allowed": allowed,
            }
            refused = JsonResponse(error_body("method_not_allowed", message), status=405)
            refused["Allow"] = allowed
            return refused
        return response


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class ApiHostMiddleware:
    """A Host (or X-Forwarded-Host) not in ALLOWED_HOSTS, under /api/: the JSON 400 in the caller's
    language, logged as one warning. Django would answer its HTML page (its debug page under DEBUG)
    and log an error with a traceback, from the first middleware that reads the host
    (CommonMiddleware): so this one sits just before it, after LocaleMiddleware. Other pages keep
    Django's answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            try:
                request.get_host()
            except DisallowedHost as exc:
                host_logger.warning("API request refused: %s", exc)
                return JsonResponse(error_body("bad_host", BAD_HOST), status=400)
        return self.get_response(request)
