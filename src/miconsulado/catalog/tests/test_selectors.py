import pytest

from miconsulado.catalog.models import Office, OfficeProcedure, Procedure
from miconsulado.catalog.selectors import (
    active_offices,
    active_procedures,
    get_office,
    get_procedure,
    procedures_for_office,
)
from miconsulado.catalog.services import load_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    load_catalog()


def test_inactive_offices_are_hidden(catalog):
    Office.objects.filter(code="presidio").update(active=False)
    assert active_offices().count() == 58
    assert get_office("presidio") is None
    assert get_office("presidio", include_inactive=True) is not None
    assert get_office("losangeles").tz == "America/Los_Angeles"
    assert get_office("atlantis") is None


def test_procedures_in_display_order(catalog):
    codes = list(active_procedures().values_list("code", flat=True))
    assert codes[:3] == ["passport-first", "passport-renewal", "passport-minor"]
    assert get_procedure("visa").name_es == "Visa"
    assert get_procedure("nope") is None


def test_what_an_office_offers(catalog):
    boise = Office.objects.get(code="boise")
    OfficeProcedure.objects.filter(office=boise, procedure__code="visa").update(active=False)
    Procedure.objects.filter(code="notarial").update(active=False)
    offered = set(procedures_for_office(boise).values_list("code", flat=True))
    assert "visa" not in offered
    assert "notarial" not in offered
    assert len(offered) == 8
    # Another office still offers the visa.
    assert procedures_for_office(Office.objects.get(code="denver")).filter(code="visa").exists()
