"""How the JSON API speaks errors: one shape for every failure, in the request's language.

    {"code": "slot_full", "message": "…", "errors": {"applicants.0.curp": ["…"]}}

Domain errors are read by their `kind`; request validation (pydantic, via django-ninja) is turned
into our own Spanish texts (translated by gettext), one message per field path. Nothing a client sends
can produce Django's HTML error page: unexpected failures become a JSON 500 and are logged.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any, TypeVar, cast

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from miconsulado.core.api_schemas import Output
from miconsulado.core.errors import DomainError, ErrorKind, Invalid, NotFound

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

# The key for an error that concerns the body as a whole (not JSON, not an object, absent).
BODY = "body"


class ErrorOut(Output):
    """Every error response of the API."""

    code: str
    message: str
    errors: dict[str, list[str]]


# --- Errors the API edge itself raises (lookups by code in the URL or the body) ------------------


class OfficeNotFound(NotFound):
    code = "office_not_found"
    default_message = _("No existe una oficina consular con ese código.")


class UnknownOffice(Invalid):
    code = "unknown_office"
    default_message = _("No existe una oficina consular con ese código.")


class UnknownProcedure(Invalid):
    code = "unknown_procedure"
    default_message = _("No existe un trámite con ese código.")


class InvalidDateRange(Invalid):
    code = "invalid_date_range"
    default_message = _("La fecha final no puede ser anterior a la inicial.")


NULL_CHARACTER = _("No se admite el carácter nulo (U+0000).")


class NullCharacter(Invalid):
    """A NUL anywhere in what the client sent: PostgreSQL cannot store it, so no text may carry it."""

    code = "null_character"
    default_message = _("La solicitud contiene el carácter nulo (U+0000), que no se admite.")


def null_character_paths(value: Any, path: str = "") -> list[str]:
    """Field paths ("applicants.0.given_names") of the strings, keys included, that hold a NUL."""
    found: list[str] = []
    if isinstance(value, str):
        if "\x00" in value:
            found.append(path or BODY)
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                found.append(child)
            found += null_character_paths(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += null_character_paths(item, f"{path}.{index}" if path else str(index))
    return found


class JsonParser(Parser):
    """ninja's JSON body parser, refusing a NUL in any text with the field it is in."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        paths = null_character_paths(data)
        if paths:
            raise NullCharacter(errors={path: [NULL_CHARACTER] for path in paths})
        return data


VALIDATION_MESSAGE = _("Revise los datos enviados: hay campos con errores.")
BAD_REQUEST = _("La solicitud no es válida.")
REQUIRED = _("Este campo es obligatorio.")


class MissingField(Invalid):
    """A field the anonymous caller must send (staff tokens may omit it): said like pydantic's own."""

    code = "validation_error"
    default_message = VALIDATION_MESSAGE

    def __init__(self, field: str) -> None:
        super().__init__(errors={field: [REQUIRED]})


# --- Rendering ------------------------------------------------------------------------------


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


_BAD_DATE = _("Fecha no válida: use el formato AAAA-MM-DD.")
_BAD_DATETIME = _(
    "Fecha y hora no válidas: use ISO 8601, por ejemplo 2026-03-09T08:00 o 2026-03-09T08:00:00-07:00."
)
_NOT_AN_OBJECT = _("Debe ser un objeto JSON.")
_NOT_AN_INTEGER = _("Debe ser un número entero.")
_NOT_A_BOOLEAN = _("Debe ser verdadero o falso.")
# Pydantic's error types, in our words. Anything not listed gets the generic text.
_TYPE_MESSAGES: dict[str, str | Promise] = {
    "missing": REQUIRED,
    "string_type": _("Debe ser un texto."),
    "int_type": _NOT_AN_INTEGER,
    "int_parsing": _NOT_AN_INTEGER,
    "int_from_float": _NOT_AN_INTEGER,
    "bool_type": _NOT_A_BOOLEAN,
    "bool_parsing": _NOT_A_BOOLEAN,
    "list_type": _("Debe ser una lista."),
    "model_type": _NOT_AN_OBJECT,
    "model_attributes_type": _NOT_AN_OBJECT,
    "dict_type": _NOT_AN_OBJECT,
    "extra_forbidden": _("Campo no reconocido."),
    "date_type": _BAD_DATE,
    "date_parsing": _BAD_DATE,
    "date_from_datetime_parsing": _BAD_DATE,
    "date_from_datetime_inexact": _BAD_DATE,
    "datetime_type": _BAD_DATETIME,
    "datetime_parsing": _BAD_DATETIME,
    "datetime_from_date_parsing": _BAD_DATETIME,
    "datetime_object_invalid": _BAD_DATETIME,
}
_GENERIC = _("Valor no válido.")


def field_message(error: Mapping[str, Any]) -> str:
    """One pydantic error as a sentence in the active language."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "string_too_long":
        return gettext("Máximo %(n)s caracteres.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return str(REQUIRED)
        return gettext("Mínimo %(n)s caracteres.") % {"n": ctx.get("min_length")}
    if kind == "too_long":
        return gettext("Máximo %(n)s elementos.") % {"n": ctx.get("max_length")}
    if kind == "too_short":
        return gettext("Indique al menos %(n)s elementos.") % {"n": ctx.get("min_length")}
    if kind in ("literal_error", "enum"):
        # pydantic says "'US' or 'CA'": keep the values, drop its English.
        expected = str(ctx.get("expected", ""))
        values = ", ".join(re.findall(r"'([^']*)'", expected)) or expected
        return gettext("Valor no permitido; use uno de: %(expected)s.") % {"expected": values}
    return str(_TYPE_MESSAGES.get(kind, _GENERIC))


def field_path(loc: Iterable[Any]) -> str:
    """("body", "payload", "applicants", 0, "curp") → "applicants.0.curp"; ("query", "from") → "from".

    The first element is where ninja read the value (body, query, path, header); a body schema is
    one parameter whose name the client never sees, so it is dropped too."""
    parts = list(loc)
    source = parts.pop(0) if parts else BODY
    if source == "body" and parts:
        parts.pop(0)
    return ".".join(str(p) for p in parts) or BODY


def validation_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for error in errors:
        path = field_path(error.get("loc", ()))
        if path in result:  # one message per field: the first says enough
            continue
        if path == BODY and error.get("type") == "missing":
            result[path] = [gettext("Falta el cuerpo de la solicitud (un objeto JSON).")]
        else:
            result[path] = [field_message(error)]
    return result


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
        return respond(request, 404, error_body("not_found", _("No existe ese recurso.")))

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


class JsonErrorsAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI schema also lists, on every operation, the errors that the handlers
    of `install` give any request, whatever the operation itself declares: 400 (a body that is not
    JSON, a NUL in the URL, too many fields), 413 (a body too large) where there is a body, and 422
    where there are query parameters or a body to validate."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for item in schema["paths"].values():
            for operation in item.values():
                statuses = [400]
                if "requestBody" in operation:
                    statuses += [413, 422]
                if any(p["in"] == "query" for p in operation.get("parameters", ())):
                    statuses.append(422)
                for status in statuses:
                    operation["responses"].setdefault(status, _error_response(status))
        return schema


def _error_response(status: int) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{ErrorOut.__name__}"}
    return {"description": HTTPStatus(status).phrase, "content": {"application/json": {"schema": schema}}}


E = TypeVar("E", bound=Exception)


def handle(api: NinjaAPI, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
    # ninja types a handler's argument as "E or type[E]"; it is always called with the instance.
    api.add_exception_handler(exc_class, cast(Any, handler))
