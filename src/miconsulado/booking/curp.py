"""CURP: format, birth date, state and check digit. Accepts sex X (non-binary records since 2023),
which python-stdnum rejects; for H and M records stdnum's extra check (RENAPO's list of forbidden
words) runs as well."""

from __future__ import annotations

import datetime as dt
import re

from stdnum.mx import curp as stdnum_curp

ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ"
STATES = frozenset(
    [
        "AS",
        "BC",
        "BS",
        "CC",
        "CL",
        "CM",
        "CS",
        "CH",
        "DF",
        "DG",
        "GT",
        "GR",
        "HG",
        "JC",
        "MC",
        "MN",
        "MS",
        "NT",
        "NL",
        "OC",
        "PL",
        "QT",
        "QR",
        "SP",
        "SL",
        "SR",
        "TC",
        "TS",
        "TL",
        "VZ",
        "YN",
        "ZS",
        "NE",
    ]
)
# ASCII only: `\d` (and str.isdigit) also match Arabic-Indic, Devanagari or fullwidth digits, which
# int() reads but the check digit's alphabet does not hold.
_FORMAT = re.compile(r"[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]", re.ASCII)
_DIGITS = frozenset("0123456789")
# The one check of python-stdnum's that the rules below do not make: the first four letters never
# spell one of these words (RENAPO writes an X instead). Its validate() repeats every other check
# and cleans the value three times over, some 2 % of a booking's instructions.
_REFUSED_WORDS = frozenset(stdnum_curp._name_blacklist)


class CurpError(ValueError):
    """Why a CURP is not valid; the message is for logs, the caller picks the user-facing text."""


def compact(value: str) -> str:
    return re.sub(r"[\s\-]", "", value or "").upper()


def check_digit(first17: str) -> str:
    total = sum(ALPHABET.index(c) * (18 - i) for i, c in enumerate(first17))
    return str((10 - total % 10) % 10)


def birth_date(curp: str) -> dt.date:
    """The birth date a CURP encodes: the homonym character is a digit up to 1999, a letter from 2000."""
    century = 1900 if curp[16] in _DIGITS else 2000
    return dt.date(century + int(curp[4:6]), int(curp[6:8]), int(curp[8:10]))


def validate(value: str) -> str:
    """The compact CURP, or CurpError."""
    curp = compact(value)
    if len(curp) != 18:
        raise CurpError("length")
    if not _FORMAT.fullmatch(curp):
        raise CurpError("format")
    if curp[11:13] not in STATES:
        raise CurpError("state")
    try:
        birth_date(curp)
    except ValueError as exc:
        raise CurpError("birth date") from exc
    if check_digit(curp[:17]) != curp[17]:
        raise CurpError("check digit")
    if curp[10] in "HM" and curp[:4] in _REFUSED_WORDS:
        raise CurpError("a word RENAPO does not issue")
    return curp


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except CurpError:
        return False
    return True
