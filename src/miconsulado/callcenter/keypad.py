"""Confirmation codes typed on a telephone keypad.

A code's characters (booking.codes.CODE_ALPHABET) are typed as the key that carries them: letters by
the standard keypad (ABC=2, DEF=3, GHI=4, JKL=5, MNO=6, PQRS=7, TUV=8, WXYZ=9), digits as
themselves. Several characters share a key (A and C are both 2), so two codes may type the same
digits: the digits alone do not name an appointment. The IVR therefore finds the appointments whose
code types the digits (every code that could, looked up on the code's unique index) *and* that hold
a person with the birth date given as proof; the code space
(24**8) and the birth date make a second match practically impossible, and if one happens the
caller is sent to an agent rather than told either appointment.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product

from miconsulado.booking.codes import CODE_ALPHABET, CODE_LENGTH

KEYS = {
    "2": "ABC",
    "3": "DEF",
    "4": "GHI",
    "5": "JKL",
    "6": "MNO",
    "7": "PQRS",
    "8": "TUV",
    "9": "WXYZ",
}
KEY_OF = {letter: key for key, letters in KEYS.items() for letter in letters}
# The code characters on each key.
CHARACTERS_ON = {key: "".join(c for c in CODE_ALPHABET if KEY_OF.get(c, c) == key) for key in "0123456789"}


def keypad_digits(code: str) -> str:
    """The digits a caller types for `code` (upper case)."""
    return "".join(KEY_OF.get(c, c) for c in code.upper())


def is_code_entry(digits: str) -> bool:
    """Whether a keypad entry could be a code: CODE_LENGTH keys that some code can type (0, 1 and
    keys with no code character never appear)."""
    possible = set(keypad_digits(CODE_ALPHABET))
    return len(digits) == CODE_LENGTH and digits.isascii() and set(digits) <= possible


def candidates(digits: str) -> Iterator[str]:
    """Every code that types `digits` (at most 4**8 = 65,536: keys 3, 7 and 9 carry four code
    characters each), for lookups on the code's unique index instead of a scan of every code."""
    if not is_code_entry(digits):
        return iter(())
    return ("".join(chars) for chars in product(*(CHARACTERS_ON[d] for d in digits)))
