"""Codes typed as keypad digits, and the line's hours."""

from __future__ import annotations

import datetime as dt

import pytest

from miconsulado.booking.codes import CODE_ALPHABET, new_code
from miconsulado.callcenter import hours
from miconsulado.callcenter.keypad import candidates, is_code_entry, keypad_digits
from miconsulado.callcenter.models import LineSettings
from miconsulado.callcenter.tests.conftest import LA


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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("local", "open_now"),
    [
        (dt.datetime(2026, 12, 7, 7, 59), False),  # Monday
        (dt.datetime(2026, 12, 7, 8, 0), True),
        (dt.datetime(2026, 12, 7, 20, 59), True),
        (dt.datetime(2026, 12, 7, 21, 0), False),
        (dt.datetime(2026, 12, 12, 8, 59), False),  # Saturday
        (dt.datetime(2026, 12, 12, 9, 0), True),
        (dt.datetime(2026, 12, 13, 17, 59), True),  # Sunday
        (dt.datetime(2026, 12, 13, 18, 0), False),
        (dt.datetime(2026, 11, 26, 8, 30), False),  # Thanksgiving (US federal), Thursday
        (dt.datetime(2026, 11, 16, 8, 30), False),  # Revolution Day (Mexico, third Monday of November)
        (dt.datetime(2026, 11, 16, 9, 30), True),
        (dt.datetime(2026, 11, 17, 8, 30), True),  # an ordinary Tuesday
    ],
)
def test_hours(local, open_now):
    assert hours.hours_at(local.replace(tzinfo=LA), LineSettings(pk=1)).open_now is open_now


@pytest.mark.django_db
def test_hours_follow_the_line_zone(settings):
    settings.MICONSULADO = {**settings.MICONSULADO, "CALL_CENTER_TZ": "America/New_York"}
    # 06:30 in Los Angeles is 09:30 in New York: open on a weekday.
    assert hours.hours_at(dt.datetime(2026, 12, 7, 6, 30, tzinfo=LA), LineSettings(pk=1)).open_now


def test_candidates_are_every_code_that_types_the_digits():
    code = new_code()
    found = list(candidates(keypad_digits(code)))
    assert code in found
    assert len(found) == len(set(found))
    assert all(keypad_digits(c) == keypad_digits(code) for c in found)
    assert len(list(candidates("33337799"))) == 4**8
    assert list(candidates("1234")) == []
