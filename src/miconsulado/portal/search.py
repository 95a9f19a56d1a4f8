"""Finding an office as people type it: accents, case, punctuation and extra spaces optional."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NOT_WORD = re.compile(r"[^0-9a-z]+")
# A search box is not a place to paste a book: longer input is cut, not refused.
MAX_QUERY_LENGTH = 100


def fold(text: str) -> str:
    """'  Montréal,  QC ' → 'montreal qc': letters without their accents (ñ → n too), lower case,
    anything else a single space. Compatibility forms (full-width letters, ligatures) fold as well."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", bare).strip()


def matches(query: str, fields: Iterable[str], *, codes: Iterable[str] = ()) -> bool:
    """The folded query is a phrase inside one of the folded fields ("nuevo mexico" in "Nuevo
    México"), or equals a short code exactly ("tx"; a code inside words would find every office).
    An empty query matches everything."""
    wanted = fold(query[:MAX_QUERY_LENGTH])
    if not wanted:
        return True
    if any(wanted == fold(code) for code in codes):
        return True
    padded = f" {wanted}"
    # At the start of a word: "york" finds New York, "ork" finds nothing.
    return any(padded in f" {fold(field)}" for field in fields)
