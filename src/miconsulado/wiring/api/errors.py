"""How the JSON API speaks errors: one shape for every failure, in the request's language.

    {"code": "slot_full", "message": "…", "errors": {"applicants.0.curp": ["…"]}}

Domain errors are read by their `kind`; request validation is said in our own words
(validation.py). Nothing a client sends can produce Django's HTML error page: unexpected failures
become a JSON 500 and are logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from miconsulado.core.errors import DomainError, ErrorKind
from miconsulado.wiring.api.validation import VALIDATION_MESSAGE, validation_errors

logger = logging.getLogger(__name__)

KIND_STATUS: dict[ErrorKind, int] = {
    "invalid": 422,
    "conflict": 409,
    "not_found": 404,
    "forbidden": 403,
}
# Errors whose HTTP reading differs from their kind. A start that matches no slot is a mistake in
# the request body (422), not a missing resource at the URL (404).
CODE_STATUS: dict[str, int] = {"slot_not_found": 422}

BAD_REQUEST = _("La solicitud no es válida.")
NOT_FOUND = _("No existe ese recurso.")


def error_body(
    code: str, message: str | Promise, errors: Mapping[str, Iterable[str | Promise]] | None = None
) -> dict[str, Any]:
    # Lazy texts are rendered now, under the language the middleware activated for this request.
    return {
        "code": code,
        "message": str(message),
        "errors": {field: [str(m) for m in messages] for field, messages in (errors or {}).items()},
    }


def domain_status(exc: DomainError) -> int:
    return CODE_STATUS.get(exc.code, KIND_STATUS.get(exc.kind, 422))


def install(api: NinjaAPI) -> None:
    """Register the handlers that give every error of `api` the one JSON shape."""

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return respond(request, domain_status(exc), error_body(exc.code, exc.message, exc.errors))

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(
            request,
            422,
            error_body(
                "validation_error",
                VALIDATION_MESSAGE,
                validation_errors(exc.errors),
            ),
        )

    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(
            request,
            401,
            error_body("unauthorized", _("Se requiere un token de acceso válido (Authorization: Bearer …).")),
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    def on_authorization_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return respond(request, 403, error_body("forbidden", _("Su rol no permite esta acción.")))

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, DomainError):
            return on_domain_error(request, exc.__cause__)  # our parser refused the body (NullCharacter)
        if exc.status_code == 400:
            # ninja's only 400: the body could not be read as JSON (the cause is the decoder's error)
            # or could not be read at all (too large).
            if isinstance(exc.__cause__, ValueError):
                return respond(
                    request,
                    400,
                    error_body("malformed_json", _("El cuerpo de la solicitud no es JSON válido.")),
                )
            return respond(request, 400, error_body("bad_request", BAD_REQUEST))
        return respond(request, exc.status_code, error_body("http_error", str(exc)))

    def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        if isinstance(exc, RequestDataTooBig):
            message = _("El cuerpo de la solicitud es demasiado grande.")
            return respond(request, 413, error_body("payload_too_large", message))
        return respond(request, 400, error_body("bad_request", BAD_REQUEST))

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body("not_found", NOT_FOUND))

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return respond(
            request,
            500,
            error_body("server_error", _("Ocurrió un error interno. Inténtelo de nuevo más tarde.")),
        )

    handle(api, DomainError, on_domain_error)
    handle(api, ValidationError, on_validation_error)
    handle(api, AuthenticationError, on_authentication_error)
    handle(api, AuthorizationError, on_authorization_error)
    handle(api, HttpError, on_http_error)
    handle(api, SuspiciousOperation, on_suspicious)
    handle(api, Http404, on_not_found)
    handle(api, Exception, on_unexpected)


E = TypeVar("E", bound=Exception)


def handle(api: NinjaAPI, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
    # ninja types a handler's argument as "E or type[E]"; it is always called with the instance.
    api.add_exception_handler(exc_class, cast(Any, handler))
