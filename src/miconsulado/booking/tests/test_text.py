"""Names, ID documents and notes: what a person may type, and what is stored of it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from miconsulado.booking.errors import InvalidText
from miconsulado.booking.tests.names import (
    REFUSED_EXAMPLES,
    good_names,
    names_with_refused_characters,
    names_without_letters,
    stored,
)
from miconsulado.booking.text import (
    INVISIBLE,
    NO_LETTER,
    TextError,
    clean_name,
    clean_note,
    clean_reason,
    clean_text,
)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Ma. José", "Ma. José"),
        ("O'Neil", "O'Neil"),
        ("D’Angelo", "D’Angelo"),
        ("José-María", "José-María"),
        ("Núñez", "Núñez"),
        ("  Peña   Nieto ", "Peña Nieto"),
        ("Jose\u0301", "José"),  # combining acute accent: stored composed
        ("Nu\u0301n\u0303ez", "Núñez"),
        ("Ana\u00a0María", "Ana María"),  # a no-break space is a space
        ("Χριστίνα", "Χριστίνα"),
        ("Nguyễn", "Nguyễn"),
        ("", ""),
    ],
)
def test_real_names_are_kept(typed, kept):
    assert clean_name(typed) == kept


@pytest.mark.parametrize("char", ["\x00", *REFUSED_EXAMPLES, "\u202a", "\u2066", "\u200d", "\ue000"])
def test_control_and_invisible_characters_are_refused(char):
    for value in (char, f"Juan{char}", f"{char}Juan", f"Ju{char}an"):
        with pytest.raises(TextError) as info:
            clean_name(value)
        assert info.value.message == INVISIBLE
        with pytest.raises(TextError):
            clean_text(value)


def test_a_lone_surrogate_is_refused():
    with pytest.raises(TextError):
        clean_name("Ju\ud800an")


@pytest.mark.parametrize("value", [".", "-", "'", "123", "1.", "☺", "Ⅻ", "- . -"])
def test_a_name_needs_a_letter(value):
    with pytest.raises(TextError) as info:
        clean_name(value)
    assert info.value.message == NO_LETTER


def test_an_id_document_needs_no_letter():
    assert clean_text(" 123 456 ") == "123 456"


def test_a_note_keeps_its_lines():
    assert clean_note("Cambio de planes.\r\nGracias \t") == "Cambio de planes.\nGracias"
    assert clean_note(" una\rdos ") == "una\ndos"
    with pytest.raises(TextError):
        clean_note("abc\u202edef")
    with pytest.raises(InvalidText) as info:
        clean_reason("a\x1b[31mb")
    assert info.value.errors == {"reason": [INVISIBLE]}


@given(good_names())
def test_generated_names_are_kept_composed(name):
    assert clean_name(name) == stored(name)


@given(names_with_refused_characters())
def test_generated_names_with_invisible_characters_are_refused(name):
    with pytest.raises(TextError) as info:
        clean_name(name)
    assert info.value.message == INVISIBLE


@given(names_without_letters)
def test_generated_names_without_letters_are_refused(name):
    with pytest.raises(TextError) as info:
        clean_name(name)
    assert info.value.message == NO_LETTER


@given(st.text())
def test_any_text_is_either_clean_or_refused(value):
    try:
        kept = clean_note(value)
    except TextError:
        return
    assert kept == clean_note(kept)  # stored as it would be typed again
