"""SMS text in the GSM 03.38 default alphabet, so that a message is one 160-character segment.

A text with a single character outside that alphabet is sent as UCS-2, 70 characters a segment, so an
SMS of 140 characters would cost three segments (and arrive as three on old phones). So every SMS is
made GSM-7 character by character: what the alphabet has stays (é É ñ Ñ ü Ü à è ì ò ù ¿ ¡), and
the rest loses its accent (á → a, í → i, ó → o, ú → u, Á → A, ç → c) or becomes its plain
equivalent (curly quotes, dashes, the ellipsis); anything else (an emoji, another script) becomes
"?". Spanish then reads "Los Angeles", "sab", "México" — missing accents, never mojibake.
"""

from __future__ import annotations

import math
import unicodedata

# GSM 03.38 default alphabet (one septet each), in code order 0x00-0x7F; 0x1B (the escape to the
# extension table) is left out.
BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
) - {"\x1b"}
# The extension table: each costs two septets (the escape and the character).
EXTENDED = frozenset("\f^{}\\[~]|€")

SINGLE_SEGMENT = 160  # septets in one SMS
MULTIPART_SEGMENT = 153  # septets in each part of a concatenated SMS (7 go to the part's header)

_PLAIN = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u00b4": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
    "\t": " ",
    "\u00ba": "o",
    "\u00aa": "a",
    "\u2022": "-",
}


def is_gsm7(text: str) -> bool:
    return all(c in BASIC or c in EXTENDED for c in text)


def to_gsm7(text: str) -> str:
    """`text` in the GSM-7 alphabet: its GSM characters kept, the others made plain (see above)."""
    return "".join(_char(c) for c in text)


def _char(c: str) -> str:
    if c in BASIC or c in EXTENDED:
        return c
    if c in _PLAIN:
        return _PLAIN[c]
    # Without its accents: "á" is "a" + U+0301 decomposed; keep the base letters if GSM has them.
    bare = "".join(d for d in unicodedata.normalize("NFD", c) if not unicodedata.combining(d))
    if bare and all(d in BASIC for d in bare):
        return bare
    return "?"


def septets(text: str) -> int:
    """The length of a GSM-7 text as the network counts it (extension characters count two)."""
    if not is_gsm7(text):
        raise ValueError("not a GSM-7 text")
    return sum(2 if c in EXTENDED else 1 for c in text)


def segments(text: str) -> int:
    """How many SMS a GSM-7 text is sent as."""
    n = septets(text)
    return 1 if n <= SINGLE_SEGMENT else math.ceil(n / MULTIPART_SEGMENT)
