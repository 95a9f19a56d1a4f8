"""What a person may type as a name, an ID document or a note: any script's letters, with accents
and combining marks, Ñ, apostrophes (' and ’), hyphens, dots and spaces, but no control or invisible
characters. Those (ESC, BEL, CR/LF, TAB, a zero-width space, a bidi override) are never part of a
name; stored, they would corrupt logs and exports and disguise a name in the admin.

Values are stored NFC-normalised (a letter and its combining accent become one character, so "José"
is "José" however it was typed), with single spaces between words.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from miconsulado.booking.errors import InvalidText

# Control (Cc), format (Cf: zero-width space U+200B, bidi overrides U+202A-U+202E, soft hyphen, BOM),
# lone surrogates (Cs), private use (Co) and unassigned (Cn) characters; line and paragraph
# separators (Zl, Zp).
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# The same for ASCII text, most names: its only refused characters are controls.
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")

INVISIBLE = _("Contiene caracteres de control o invisibles; escríbalo sin ellos.")
NO_LETTER = _("Debe contener al menos una letra.")


class TextError(ValueError):
    """Why a value is not acceptable text; `message` is for the person who typed it."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


def has_invisible(value: str, *, allowed: str = "") -> bool:
    """`value` holds a character of a refused category (other than those in `allowed`)."""
    if value.isascii():
        if allowed:
            value = value.translate(dict.fromkeys(map(ord, allowed)))
        return _ASCII_CONTROL.search(value) is not None
    return any(unicodedata.category(c) in REFUSED_CATEGORIES for c in value if c not in allowed)


def clean_text(value: str) -> str:
    """One line of text (an ID document, a name), NFC, trimmed, single-spaced; TextError if it
    holds a control or invisible character."""
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    if has_invisible(value):
        raise TextError(INVISIBLE)
    return " ".join(value.split())


def clean_name(value: str) -> str:
    """A person's name (or part of one) as `clean_text`, with at least one letter; "" stays "" (the
    caller knows whether the field is required)."""
    value = clean_text(value)
    if value and not (_ASCII_LETTER.search(value) if value.isascii() else any(c.isalpha() for c in value)):
        raise TextError(NO_LETTER)
    return value


def clean_note(value: str) -> str:
    """Free text that may span lines (a cancellation's reason): as `clean_text`, line by line. Line
    breaks (CR LF, CR) become LF, the one control character kept; a tab is a space."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    if has_invisible(value, allowed="\n\t"):
        raise TextError(INVISIBLE)
    return "\n".join(" ".join(line.split()) for line in value.split("\n")).strip()


def clean_reason(value: str) -> str:
    """A cancellation's reason as stored (`clean_note`), or InvalidText naming the field."""
    try:
        return clean_note(value)
    except TextError as exc:
        raise InvalidText(exc.message, field="reason") from None
