"""The languages citizens are answered and written to in: those of settings.LANGUAGES.

What a person chose travels with what they asked for (an appointment records it, and its messages
are written in it), so a message sent later by a worker needs no request to know it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from miconsulado.core.errors import Invalid


class Language(models.TextChoices):
    ES = "es", _("Español")
    EN = "en", _("English")


# Plain strings from here on: what the booking path passes, stores and announces (an enum member
# costs a little at every step of a booking, and a request's language is resolved on every one).
DEFAULT_LANGUAGE: str = Language.ES.value
_CODES = frozenset(Language.values)


class UnsupportedLanguage(Invalid):
    code = "unsupported_language"
    default_message = _("Idioma no disponible; use es o en.")


def supported(code: str | None) -> str | None:
    """The language a language code names ("en", "en-us", "EN-GB" → "en"), None for any other:
    what a client's preference (Accept-Language, as LocaleMiddleware resolved it) comes to."""
    if not code:
        return None
    if code in _CODES:  # what LocaleMiddleware sets: one of settings.LANGUAGES
        return code
    base = code.split("-", 1)[0].strip().lower()
    return base if base in _CODES else None


def chosen(code: str | None, *, field: str = "language") -> str:
    """The language a person asked for: Spanish when they said none, UnsupportedLanguage (blaming
    `field`) for a code that is not exactly one of ours."""
    if not code:
        return DEFAULT_LANGUAGE
    if code not in _CODES:
        raise UnsupportedLanguage(field=field)
    return code
