import datetime as dt

import pytest

from miconsulado.catalog.models import Fee, Procedure
from miconsulado.catalog.selectors import current_fees
from miconsulado.catalog.services import load_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    load_catalog()


def amounts(code: str, on: dt.date) -> dict[str, int]:
    procedure = Procedure.objects.get(code=code)
    return {f.variant: f.amount_cents for f in current_fees(procedure, on)}


def test_fees_2026_are_integer_cents_in_usd(catalog):
    on = dt.date(2026, 6, 1)
    assert amounts("passport-first", on) == {
        "3y": 10100,
        "6y": 13700,
        "10y": 20900,
        "3y-over-60": 5050,
        "6y-over-60": 6850,
        "10y-over-60": 10450,
    }
    assert amounts("passport-minor", on) == {"1y": 4400, "3y": 10100, "6y": 13700}
    assert amounts("notarial", on) == {"individual": 17700, "company": 26400}
    assert amounts("matricula", on) == {"standard": 4100}
    assert amounts("voter-id", on) == {"free": 0}
    assert amounts("birth-registration", on) == {"free": 0}
    assert amounts("civil-record-copy", on) == {"standard": 2000}
    assert amounts("visa", on) == {"standard": 5600}
    assert amounts("nationality-declaration", on) == {"standard": 2300}
    assert set(Fee.objects.values_list("currency", flat=True)) == {"USD"}
    assert set(Fee.objects.values_list("valid_from", flat=True)) == {dt.date(2026, 1, 1)}


def test_no_fee_before_it_is_in_force(catalog):
    assert amounts("matricula", dt.date(2025, 12, 31)) == {}


def test_a_new_years_fee_supersedes_the_old_one(catalog):
    matricula = Procedure.objects.get(code="matricula")
    Fee.objects.create(
        procedure=matricula,
        variant="standard",
        name_es="Matrícula consular",
        name_en="Consular ID card",
        amount_cents=4400,
        valid_from=dt.date(2027, 1, 1),
    )
    assert amounts("matricula", dt.date(2026, 12, 31)) == {"standard": 4100}
    assert amounts("matricula", dt.date(2027, 1, 1)) == {"standard": 4400}


def test_a_fee_ends_after_its_last_day(catalog):
    Fee.objects.filter(procedure__code="visa").update(valid_until=dt.date(2026, 3, 31))
    assert amounts("visa", dt.date(2026, 3, 31)) == {"standard": 5600}
    assert amounts("visa", dt.date(2026, 4, 1)) == {}
