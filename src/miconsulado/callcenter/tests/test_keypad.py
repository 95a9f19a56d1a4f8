"""Confirmation codes typed as keypad digits."""

from __future__ import annotations

from miconsulado.booking.codes import CODE_ALPHABET, new_code
from miconsulado.callcenter.keypad import candidates, is_code_entry, keypad_digits


def test_every_code_character_has_a_key():
    digits = keypad_digits(CODE_ALPHABET)
    assert digits == "223334556677788899934679"
    assert set(digits) <= set("23456789")
    for _ in range(200):
        assert is_code_entry(keypad_digits(new_code()))


def test_entries_that_no_code_types():
    assert not is_code_entry("1234567")
    assert not is_code_entry("22222220")  # no code character is on 0
    assert not is_code_entry("11111111")
    assert not is_code_entry("٢٢٢٢٢٢٢٢")  # Arabic-Indic digits
    assert is_code_entry("22222222")


def test_how_many_codes_share_digits():
    """Why the digits alone are not enough: at most 4**8 codes type the same eight digits."""
    per_key: dict[str, int] = {}
    for c in CODE_ALPHABET:
        per_key[keypad_digits(c)] = per_key.get(keypad_digits(c), 0) + 1
    assert per_key == {"2": 2, "3": 4, "4": 2, "5": 2, "6": 3, "7": 4, "8": 3, "9": 4}
    assert keypad_digits("ACDEFHJK") == keypad_digits("CAFEDHKJ")


def test_candidates_are_every_code_that_types_the_digits():
    code = new_code()
    found = list(candidates(keypad_digits(code)))
    assert code in found
    assert len(found) == len(set(found))
    assert all(keypad_digits(c) == keypad_digits(code) for c in found)
    assert len(list(candidates("33337799"))) == 4**8
    assert list(candidates("1234")) == []
