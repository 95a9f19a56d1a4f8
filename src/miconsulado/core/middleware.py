"""The API's edge where django-ninja's error handlers cannot reach: every answer under /api/ is
JSON in the one error shape (core/api_errors.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

from miconsulado.core.api_errors import NullCharacter, error_body

API_PREFIX = "/api/"


class ApiEdgeMiddleware:
    """Refuse a NUL character in the URL or the query string with a 400 (PostgreSQL cannot store or
    compare it, SQLite would keep it), and give a wrong method ninja's 405 in JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return JsonResponse(error_body(NullCharacter.code, NullCharacter.default_message), status=400)
        response = self.get_response(request)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            message = _("Este recurso no admite %(method)s; use %(allowed)s.") % {
                "method": request.method,
                "allowed": allowed,
            }
            refused = JsonResponse(error_body("method_not_allowed", message), status=405)
            refused["Allow"] = allowed
            return refused
        return response
