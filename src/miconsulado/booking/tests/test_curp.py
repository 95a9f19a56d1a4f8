import datetime as dt

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
