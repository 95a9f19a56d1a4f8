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


DEFAULT_LANGUAGE = Language.ES


class UnsupportedLanguage(Invalid):
    code = "unsupported_language"
    default_message = _("Idioma no disponible; use es o en.")


def supported(code: str | None) -> Language | None:
    """The Language a language code names ("en", "en-us", "EN-GB" → English), None for any other:
    what a client's preference (Accept-Language, as LocaleMiddleware resolved it) comes to."""
    if not code:
        return None
    base = code.split("-", 1)[0].strip().lower()
    return Language(base) if base in Language.values else None


def chosen(code: str | None, *, field: str = "language") -> Language:
    """The language a person asked for: Spanish when they said none, UnsupportedLanguage (blaming
    `field`) for a code that is not exactly one of ours."""
    if code is None or code == "":
        return DEFAULT_LANGUAGE
    if code not in Language.values:
        raise UnsupportedLanguage(field=field)
    return Language(code)
