"""Request validation (pydantic, via django-ninja) in our own Spanish texts, translated by gettext:
one message per field path."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The key for an error that concerns the body as a whole (not JSON, not an object, absent).
BODY = "body"

VALIDATION_MESSAGE = _("Revise los datos enviados: hay campos con errores.")
REQUIRED = _("Este campo es obligatorio.")

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
