"""Reading a request body: ninja's JSON parser, refusing a NUL in any text with the field it is in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.parser import Parser

from miconsulado.core.errors import Invalid
from miconsulado.wiring.api.validation import BODY

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
