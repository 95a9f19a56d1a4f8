"""The CURP's letters agree with the names (RENAPO's instructivo): positions 1-4 and 14-16, every
doubtful reading accepted, a clear mismatch named by field. Pure functions: no database."""

import datetime as dt
import string
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from miconsulado.booking import curp
from miconsulado.booking.tests.names import good_names

BIRTH = dt.date(1990, 5, 17)


def made(given_names, first_surname, second_surname="", **kw):
    return curp.curp_for(
        given_names=given_names,
        first_surname=first_surname,
        second_surname=second_surname,
        birth_date=BIRTH,
        **kw,
    )


def disagree(value, given_names, first_surname, second_surname=""):
    return curp.names_disagree(
        value, given_names=given_names, first_surname=first_surname, second_surname=second_surname
    )


def with_letters(value, **at):
    """`value` with letters replaced (position, 1-based, as in the instructivo: p1="G"), check digit redone."""
    chars = list(value[:17])
    for key, letter in at.items():
        chars[int(key[1:]) - 1] = letter
    body = "".join(chars)
    return body + curp.check_digit(body)


# The instructivo's own examples (criterios de excepción), and two published whole keys.
@pytest.mark.parametrize(
    ("given_names", "first", "second", "letters"),
    [
        ("ALBERTO", "ÑANDO", "RODRIGUEZ", "XARA"),  # Ñ is X
        ("MARIA LUISA", "PEREZ", "HERNANDEZ", "PEHL"),  # MARIA skipped
        ("LUIS ENRIQUE", "ROMERO", "PALAZUELOS", "ROPL"),  # a compound name's first word
        ("JUAN JOSE", "D/AMICO", "ALVAREZ", "DXAJ"),  # a special character where a letter is taken
        ("ROCIO", "RIVA PALACIO", "CRUZ", "RICR"),  # a compound surname's first word
        ("CARLOS", "MC GREGOR", "LOPEZ", "GELC"),  # a particle dropped
    ],
)
def test_the_instructivos_examples(given_names, first, second, letters):
    value = made(given_names, first, second)
    assert value[:4] == letters
    assert curp.validate(value) == value
    assert disagree(value, given_names, first, second) == []


@pytest.mark.parametrize(
    ("given_names", "first", "second", "born", "sex", "state", "key16"),
    [
        ("Ricardo", "Alamán", "Pérez", dt.date(1963, 3, 21), "H", "DF", "AAPR630321HDFLRC"),
        ("Luis Raúl", "Bello", "Mena", dt.date(1992, 3, 13), "H", "MC", "BEML920313HMCLNS"),
    ],
)
def test_published_keys(given_names, first, second, born, sex, state, key16):
    value = curp.curp_for(
        given_names=given_names,
        first_surname=first,
        second_surname=second,
        birth_date=born,
        sex=sex,
        state=state,
    )
    assert value[:16] == key16
    assert disagree(value, given_names, first, second) == []


@pytest.mark.parametrize(
    ("given_names", "first", "second", "letters", "consonants"),
    [
        ("María José", "García", "López", "GALJ", "RPS"),  # MARIA skipped: the next name, José
        ("José de Jesús", "Hernández", "Martínez", "HEMJ", "RRS"),  # JOSE, then the particle DE
        ("Ma. Guadalupe", "Ramírez", "Soto", "RASG", "MTD"),  # MA. is MARIA
        ("María de los Ángeles", "Torres", "Ruiz", "TORA", "RZN"),
        ("María", "Ortiz", "Vega", "OIVM", "RGR"),  # a lone MARIA is the name
        ("Juan Carlos", "de la Peña", "Ñúñez", "PEXJ", "XXN"),  # particles; Ñ is X, also inside
        ("Carlos", "Mc Gregor", "López", "GELC", "RPR"),
        ("Ana", "D'Angelo", "Ruiz", "DXRA", "XZN"),  # the apostrophe where the vowel is taken
        ("Arturo", "Pérez-Reverte", "Gutiérrez", "PEGA", "RTR"),
        ("Luis", "Güemes", "", "GUXL", "MXS"),  # Ü is U; no second surname: X
        ("Irma", "Ich", "Oh", "IXOI", "CHR"),  # no internal vowel: X
        ("Ana", "Bautista", "Cruz", "BXCA", "TRN"),  # BACA, an inconvenient word
        ("Óscar", "Pulido", "Torres", "PXTO", "LRS"),  # PUTO, an inconvenient word
        ("Pedro", "Chávez", "Díaz", "CADP", "HZD"),
    ],
)
def test_tricky_real_world_names(given_names, first, second, letters, consonants):
    value = made(given_names, first, second)
    assert (value[:4], value[13:16]) == (letters, consonants)
    assert disagree(value, given_names, first, second) == []


@pytest.mark.parametrize(
    ("given_names", "first", "second"),
    [
        ("  juan   carlos ", "de   la peña", "ñúñez"),  # case and spaces
        ("Juan Carlos", "de la Pen\u0303a", "N\u0303u\u0301n\u0303ez"),  # combining accents (NFD)
        ("Ｊｕａｎ Ｃａｒｌｏｓ", "ｄｅ ｌａ Ｐｅñａ", "Ñúñｅｚ"),  # full-width letters
        ("JUAN CARLOS", "DE LA PEÑA", "ÑÚÑEZ"),
    ],
)
def test_the_same_name_typed_differently_agrees(given_names, first, second):
    assert disagree(made("Juan Carlos", "de la Peña", "Ñúñez"), given_names, first, second) == []


@pytest.mark.parametrize(
    ("typed", "documented"),
    [
        ("McGregor", "Mc Gregor"),  # glued, where the birth certificate has two words
        ("D Angelo", "D'Angelo"),
        ("dos Santos", "Santos"),  # DOS: dropped by some capture software, not by the instructivo
    ],
)
def test_other_ways_of_writing_a_surname_are_accepted(typed, documented):
    assert disagree(made("Ana", documented, "Ruiz"), "Ana", typed, "Ruiz") == []


def test_an_apostrophe_left_out_is_not_guessed():
    # D'ANGELO on the birth certificate is DX...X; typed DAngelo reads DA...N: refused (README).
    assert disagree(made("Ana", "D'Angelo", "Ruiz"), "Ana", "DAngelo", "Ruiz") == ["first_surname"]


def test_both_surnames_typed_in_the_first_field_are_accepted():
    assert disagree(made("Juan", "Pérez", "López"), "Juan", "Pérez López") == []


def test_a_name_in_another_script_is_not_judged_where_its_letters_are_unknown():
    # RENAPO writes a transliteration we cannot guess: only the Latin parts are compared.
    value = made("Иван", "Petrov", "")
    assert disagree(value, "Иван", "Petrov") == []
    assert disagree(with_letters(value, p4="K", p16="V"), "Иван", "Petrov") == []
    assert disagree(with_letters(value, p1="Q"), "Иван", "Petrov") == ["first_surname"]


@pytest.mark.parametrize(
    ("changed", "fields"),
    [
        ({"p1": "G"}, ["first_surname"]),
        ({"p2": "A"}, ["first_surname"]),
        ({"p14": "S"}, ["first_surname"]),
        ({"p3": "G"}, ["second_surname"]),
        ({"p15": "S"}, ["second_surname"]),
        ({"p4": "P"}, ["given_names"]),
        ({"p16": "L"}, ["given_names"]),
        ({"p1": "G", "p4": "P"}, ["first_surname", "given_names"]),
    ],
)
def test_a_clear_mismatch_names_its_fields(changed, fields):
    value = with_letters(made("Juan", "Pérez", "López"), **changed)
    assert curp.is_valid(value)
    assert disagree(value, "Juan", "Pérez", "López") == fields


def test_another_persons_curp_disagrees():
    assert disagree("BOXW310820HNERXN09", "Juan", "Pérez", "López") == [
        "first_surname",
        "second_surname",
        "given_names",
    ]


def test_an_inconvenient_word_written_without_its_x_is_the_curps_fault():
    # Sex X records skip the refused-words check of validate(): the names still say BXCA.
    value = with_letters(made("Ana", "Bautista", "Cruz", sex="X"), p2="A")
    assert value[:4] == "BACA" and curp.is_valid(value)
    assert disagree(value, "Ana", "Bautista", "Cruz") == ["curp"]


def test_a_second_surname_where_the_curp_has_none_disagrees():
    value = made("Luis", "Güemes")
    assert disagree(value, "Luis", "Güemes", "Soto") == ["second_surname"]


@given(given_names=good_names(), first=good_names(), second=st.one_of(st.just(""), good_names()))
def test_curp_for_always_agrees_with_its_names(given_names, first, second):
    value = made(given_names, first, second)
    assert curp.validate(value) == value
    assert disagree(value, given_names, first, second) == []
    nfd = unicodedata.normalize("NFD", given_names)
    assert disagree(value, nfd.lower(), first.upper(), second) == []


plain_word = st.text(st.sampled_from(string.ascii_uppercase), min_size=2, max_size=8).filter(
    lambda w: not w.startswith(("CH", "LL", "MC")) and w not in {"DOS", "DU", "VANDER", "VANDEN", "M"}
)


@given(
    names=st.tuples(plain_word, plain_word, plain_word),
    position=st.sampled_from([1, 3, 4, 14, 15, 16]),
    letter=st.sampled_from("BCDFGHJKLMNPQRSTVWZ"),
)
def test_any_other_letter_at_a_name_position_disagrees(names, position, letter):
    given_names, first, second = names
    value = made(given_names, first, second)
    changed = with_letters(value, **{f"p{position}": letter})
    if changed[position - 1] == value[position - 1] or changed[:4] in curp._REFUSED_WORDS:
        return
    assert disagree(changed, given_names, first, second) != []
