import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.mx import curp as stdnum_curp

from miconsulado.booking import curp
from miconsulado.testing import make_curp


def test_reference_example_is_valid():
    assert curp.validate("BOXW310820HNERXN09") == "BOXW310820HNERXN09"
    assert curp.birth_date("BOXW310820HNERXN09") == dt.date(1931, 8, 20)


def test_lower_case_and_spaces_are_compacted():
    assert curp.validate(" boxw 310820 hnerxn09 ") == "BOXW310820HNERXN09"


def test_sex_x_is_accepted_although_stdnum_rejects_it():
    value = make_curp(sex="X")
    assert curp.is_valid(value)
    assert not stdnum_curp.is_valid(value)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("BOXW310820HNERXN08", "check digit"),
        ("BOXW310820HNERXN0", "length"),
        ("BOXW311320HNERXN09", "birth date"),  # month 13
        ("BOXW310820HZZRXN09", "state"),
        ("BOXW310820QNERXN09", "format"),  # sex Q
        ("1OXW310820HNERXN09", "format"),
        ("", "length"),
    ],
)
def test_invalid_curps_are_rejected(value, why):
    with pytest.raises(curp.CurpError) as info:
        curp.validate(value)
    assert why in str(info.value)


def test_homonym_letter_means_born_from_2000():
    value = make_curp(birth=dt.date(2012, 2, 29))
    assert value[16].isalpha()
    assert curp.birth_date(value) == dt.date(2012, 2, 29)


@given(
    birth=st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2025, 12, 31)),
    sex=st.sampled_from("HM"),
    serial=st.integers(min_value=0, max_value=9000),
)
def test_agrees_with_stdnum_for_h_and_m(birth, sex, serial):
    value = make_curp(birth=birth, sex=sex, serial=serial)
    assert curp.is_valid(value) == stdnum_curp.is_valid(value) is True
    broken = value[:17] + str((int(value[17]) + 1) % 10)
    assert curp.is_valid(broken) == stdnum_curp.is_valid(broken) is False


@pytest.mark.parametrize("sex", "HM")
def test_words_renapo_does_not_issue_are_refused_as_stdnum_refuses_them(sex):
    for word in sorted(stdnum_curp._name_blacklist):
        body = word + make_curp(sex=sex)[4:17]
        value = body + curp.check_digit(body)
        assert not curp.is_valid(value) and not stdnum_curp.is_valid(value), value


# Decimal digits of other scripts: Arabic-Indic, Devanagari, fullwidth, … (str.isdigit and the
# regular expression `\d` take them for digits; int() even reads them).
NON_ASCII_DIGITS = st.characters(categories=["Nd"]).filter(lambda c: not c.isascii())


@pytest.mark.parametrize("digits", ["٣١٠٨٢٠", "३१०८२०", "３１０８２０", "31082٠"])
def test_a_date_in_other_digits_is_a_format_error(digits):
    with pytest.raises(curp.CurpError, match="format"):
        curp.validate(f"BOXW{digits}HNERXN09")


@given(
    birth=st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2025, 12, 31)),
    sex=st.sampled_from("HMX"),
    replaced=st.lists(st.sampled_from([4, 5, 6, 7, 8, 9, 17]), min_size=1, unique=True),
    scripts=st.data(),
)
def test_digits_of_other_scripts_are_never_read_as_digits(birth, sex, replaced, scripts):
    """The same digit in another script (so the date stays valid) is refused as malformed, never
    reaches the check digit's alphabet (ValueError)."""
    value = list(make_curp(birth=birth, sex=sex))
    for position in replaced:
        script = scripts.draw(NON_ASCII_DIGITS)
        value[position] = chr(ord(script) - unicodedata.digit(script) + int(value[position]))
    with pytest.raises(curp.CurpError, match="format"):
        curp.validate("".join(value))
