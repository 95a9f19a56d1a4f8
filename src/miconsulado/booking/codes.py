"""Confirmation codes: short, read aloud over the phone without confusion, and not guessable.

No 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B pairs. 8 characters from 24 give 24**8 ≈ 1.1e11 codes, drawn by
`secrets`, so neither sequential nor predictable; the database's unique constraint is the backstop.
"""

import re
import secrets

CODE_ALPHABET = "ACDEFHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(value: str) -> str:
    """What a person typed or said, as stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s\-]", "", value or "").upper()


def display_code(code: str) -> str:
    """Grouped for reading aloud: ABCD-EFGH."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code
