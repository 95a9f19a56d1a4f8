"""The one base for domain errors. Each edge translates them into its own language.

`kind` tells an edge how to read the error without knowing every subclass: the API maps it to an
HTTP status, a form to a field message, the IVR to a spoken prompt.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from django.utils.functional import Promise

ErrorKind = Literal["invalid", "conflict", "not_found", "forbidden"]


class DomainError(Exception):
    kind: ClassVar[ErrorKind] = "invalid"
    code: ClassVar[str] = "invalid"
    default_message: ClassVar[str | Promise] = ""

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        field: str | None = None,
        errors: dict[str, list[str | Promise]] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        self.field = field
        # Several field errors at once (a form with many mistakes is told all of them).
        self.errors = errors or ({field: [self.message]} if field else {})
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class NotFound(DomainError):
    kind = "not_found"
    code = "not_found"


class Forbidden(DomainError):
    kind = "forbidden"
    code = "forbidden"


class Conflict(DomainError):
    kind = "conflict"
    code = "conflict"


class Invalid(DomainError):
    kind = "invalid"
    code = "invalid"
