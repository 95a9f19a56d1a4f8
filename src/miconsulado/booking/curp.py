"""CURP: format, birth date, state and check digit. Accepts sex X (non-binary records since 2023),
which python-stdnum rejects; for H and M records stdnum's extra check (RENAPO's list of forbidden
words) runs as well."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

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


# --- The letters a CURP takes from the names ------------------------------------------------------
#
# RENAPO's "Instructivo normativo para la asignación de la CURP" (2006), criterios de construcción y
# de excepción: positions 1-2 are the first surname's initial and first internal vowel, 3 the second
# surname's initial (X without one), 4 the given name's initial; 14-16 the first internal consonant
# of each (X where there is none). Ñ is written X; a leading preposition, conjunction or contraction
# of a compound name is dropped; a compound given name starting with MARIA or JOSE (MA., J., ...)
# uses the next word; a special character (/ - . ') where a letter is taken gives X; four letters
# that spell a word of the catalogue of inconvenient words get an X as their second letter.
#
# Where a rule is unclear, or people write their names in more than one way, every reading is
# accepted: only a CURP that no reading produces is a mismatch (docs/domain.md lists the readings).

_VOWELS = frozenset("AEIOU")
_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CONSONANTS = _LATIN - _VOWELS
# The instructivo's list of prepositions, conjunctions and contractions.
_PARTICLES = frozenset(
    [
        "DA",
        "DAS",
        "DE",
        "DEL",
        "DER",
        "DI",
        "DIE",
        "DD",
        "EL",
        "LA",
        "LOS",
        "LAS",
        "LE",
        "LES",
        "MAC",
        "MC",
        "VAN",
        "VON",
        "Y",
    ]
)
# Not in that list but dropped by some capture software: both readings are accepted.
_MAYBE_PARTICLES = frozenset(["DOS", "DU", "VANDER", "VANDEN"])
_COMMON_GIVEN = frozenset({"MARIA", "MA", "MA.", "JOSE", "J", "J."})
_MAYBE_COMMON_GIVEN = frozenset({"M", "M."})
_WILD = "?"  # a letter of another script: this position is not judged
_SIMPLE = re.compile(r"[A-Z ]*")

# A name's letters: (initial, first internal vowel, first internal consonant).
_Letters = tuple[str, str, str]


# Spanish letters with accents, the usual non-ASCII ones: looked up, no Unicode normalisation needed.
_SPANISH = str.maketrans("ÁÉÍÓÚÜÑáéíóúüñ", "AEIOUUXaeiouux")


def _plain(value: str) -> str:
    """Upper case, Ñ as X, accents and diaeresis dropped, full-width and other compatibility forms
    as their plain letter (NFKC), single spaces."""
    if not value.isascii():
        spanish = value.translate(_SPANISH)  # NFC input (clean_name): "Pérez" is ASCII after this
        if spanish.isascii():
            value = spanish
    if value.isascii():
        return " ".join(value.upper().split())
    value = unicodedata.normalize("NFKC", value).upper().replace("Ñ", "X")
    value = "".join(c for c in unicodedata.normalize("NFD", value) if not unicodedata.combining(c))
    return " ".join(unicodedata.normalize("NFC", value).split())


def _scan(word: str, start: int, wanted: frozenset[str]) -> str:
    for c in word[start:]:
        if c in wanted:
            return c
        if c in _LATIN:
            continue
        # A letter of another script: unknown; a special character: X (the instructivo's rule).
        return _WILD if c.isalpha() else "X"
    return "X"


def _word_letters(word: str) -> set[_Letters]:
    first = word[0]
    initial = first if first in _LATIN else (_WILD if first.isalpha() else "X")
    vowel = _scan(word, 1, _VOWELS)
    readings = {(initial, vowel, _scan(word, 1, _CONSONANTS))}
    if word[:2] in ("CH", "LL"):  # once one letter of the alphabet: its consonant may be the next one
        readings.add((initial, vowel, _scan(word, 2, _CONSONANTS)))
    return readings


def _spellings(value: str) -> list[list[str]]:
    """The ways a name may have been split into words: as typed, and when it holds special
    characters (D'Angelo, Pérez-Reverte, Ma.) also without them and split at them."""
    if _SIMPLE.fullmatch(value):
        words = value.split()
        if any(w.startswith("MC") and len(w) > 3 for w in words):  # McGregor, written MC GREGOR
            return [words, " ".join(w[2:] if w.startswith("MC") else w for w in words).split()]
        return [words]
    joined = "".join(c if c.isalpha() or c == " " else "" for c in value).split()
    apart = "".join(c if c.isalpha() else " " for c in value).split()
    return [w for w in (value.split(), joined, apart) if w]


def _drop_particles(words: list[str]) -> list[list[str]]:
    """The words left once the leading particles are dropped (both ways for a doubtful one)."""
    results: list[list[str]] = []
    pending = [words]
    while pending:
        current = pending.pop()
        while len(current) > 1 and current[0] in _PARTICLES:
            current = current[1:]
        if len(current) > 1 and current[0] in _MAYBE_PARTICLES:
            pending.append(current[1:])
        results.append(current)
    return results


_UNKNOWN: set[_Letters] = {(_WILD, _WILD, _WILD)}


@functools.lru_cache(maxsize=4096)  # names repeat (the same surnames): each is read once
def _surname_letters(value: str) -> frozenset[_Letters]:
    readings: set[_Letters] = set()
    for words in _spellings(_plain(value)):
        for kept in _drop_particles(words):
            if kept:
                readings |= _word_letters(kept[0])
    return frozenset(readings or _UNKNOWN)


@functools.lru_cache(maxsize=4096)
def _given_letters(value: str) -> frozenset[_Letters]:
    readings: set[_Letters] = set()
    for words in _spellings(_plain(value)):
        for kept in _drop_particles(words):
            if len(kept) > 1 and kept[0] in _COMMON_GIVEN:
                kept = _drop_particles(kept[1:])[0]
            elif len(kept) > 1 and kept[0] in _MAYBE_COMMON_GIVEN:
                readings |= _word_letters(kept[0])
                kept = _drop_particles(kept[1:])[0]
            if kept:
                readings |= _word_letters(kept[0])
    return frozenset(readings or _UNKNOWN)


def _second_surname_letters(first_surname: str, second_surname: str) -> frozenset[_Letters]:
    if second_surname:
        return _surname_letters(second_surname)
    readings = {("X", "X", "X")}
    # Both surnames typed in the first field: the last word may be the second surname.
    for words in _spellings(_plain(first_surname)):
        kept = _drop_particles(words)[0]
        if len(kept) > 1:
            readings |= _word_letters(kept[-1])
    return frozenset(readings)


def _same(expected: str, actual: str) -> bool:
    return expected in (actual, _WILD)


def _first_four(first: _Letters, second: _Letters, given: _Letters) -> str:
    four = first[0] + first[1] + second[0] + given[0]
    return four[0] + "X" + four[2:] if four in _REFUSED_WORDS else four


def names_disagree(curp: str, *, given_names: str, first_surname: str, second_surname: str = "") -> list[str]:
    """The name fields that disagree with a valid, compact CURP's letters (positions 1-4 and
    14-16); [] when the CURP is one the names produce. ["curp"] when each part agrees alone but not
    together (an inconvenient word written without its X)."""
    first_set = _surname_letters(first_surname)
    second_set = _second_surname_letters(first_surname, second_surname)
    given_set = _given_letters(given_names)
    for first in first_set:
        for second in second_set:
            for given in given_set:
                four = _first_four(first, second, given)
                if (
                    all(map(_same, four, curp[:4]))
                    and _same(first[2], curp[13])
                    and _same(second[2], curp[14])
                    and _same(given[2], curp[15])
                ):
                    return []
    fields = []
    if not any(
        _same(f[0], curp[0]) and (_same(f[1], curp[1]) or curp[1] == "X") and _same(f[2], curp[13])
        for f in first_set
    ):
        fields.append("first_surname")
    if not any(_same(s[0], curp[2]) and _same(s[2], curp[14]) for s in second_set):
        fields.append("second_surname")
    if not any(_same(g[0], curp[3]) and _same(g[2], curp[15]) for g in given_set):
        fields.append("given_names")
    return fields or ["curp"]


def curp_for(
    *,
    given_names: str,
    first_surname: str,
    second_surname: str = "",
    birth_date: dt.date,
    sex: str = "H",
    state: str = "NE",
    homonym: str | None = None,
) -> str:
    """The CURP RENAPO would give these names and birth data (with homonym character `homonym`,
    by default 0 up to 1999 and A from 2000), check digit included. For test data and demos: each
    name is read the instructivo's way (as typed, particles and MARIA/JOSE dropped)."""

    def letters(value: str, given: bool) -> _Letters:
        words = _plain(value).split()
        if not words:
            return ("X", "X", "X")
        while len(words) > 1 and words[0] in _PARTICLES:
            words = words[1:]
        if given and len(words) > 1 and words[0] in _COMMON_GIVEN:
            words = words[1:]
            while len(words) > 1 and words[0] in _PARTICLES:
                words = words[1:]
        word = words[0]
        first = word[0] if word[0] in _LATIN else "X"
        return (
            first,
            _scan(word, 1, _VOWELS).replace(_WILD, "X"),
            _scan(word, 1, _CONSONANTS).replace(_WILD, "X"),
        )

    first, second, given = (
        letters(first_surname, False),
        letters(second_surname, False),
        letters(given_names, True),
    )
    if homonym is None:
        homonym = "0" if birth_date.year < 2000 else "A"
    body = (
        _first_four(first, second, given)
        + f"{birth_date:%y%m%d}{sex}{state}"
        + first[2]
        + second[2]
        + given[2]
        + homonym
    )
    return body + check_digit(body)
