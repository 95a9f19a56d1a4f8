"""Offices, procedures and windows kept in the process: no query per request, and a change saved
anywhere in the process shows at once; one made behind its back shows within the set seconds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from miconsulado import testing as factories
from miconsulado.catalog import selectors as catalog
from miconsulado.catalog.models import Office, OfficeProcedure, Procedure
from miconsulado.core import snapshot
from miconsulado.scheduling.selectors import serves, window_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def snapshots(settings):
    settings.MICONSULADO = {**settings.MICONSULADO, "CATALOG_CACHE_SECONDS": 30}
    catalog.catalog_snapshot.invalidate()
    window_snapshot.invalidate()
    yield
    catalog.catalog_snapshot.invalidate()
    window_snapshot.invalidate()


@pytest.fixture
def setup():
    office = factories.make_office("losangeles")
    procedure = factories.make_procedure("matricula")
    window = factories.make_window(office, [procedure])
    return office, procedure, window


def test_lookups_need_no_query_once_loaded(setup):
    office, procedure, window = setup
    catalog.get_office("losangeles")
    serves(office=office, procedure=procedure, window_id=window.pk)
    with CaptureQueriesContext(connection) as queries:
        found = catalog.get_office("losangeles")
        assert found is not None and found.pk == office.pk
        assert found.schedule.horizon_days == office.schedule.horizon_days
        assert catalog.get_procedure("matricula") == procedure
        assert catalog.offers(office, procedure)
        assert serves(office=office, procedure=procedure, window_id=window.pk)
        assert catalog.get_office("nowhere") is None
    assert len(queries) == 0


def test_a_caller_may_change_what_it_got(setup):
    """Lookups hand out copies: what one request changes on its office or procedure never reaches
    the next one."""
    found = catalog.get_office("losangeles")
    assert found is not None
    found.name_es, found.active = "Otra", False
    again = catalog.get_office("losangeles")
    assert again is not None and again.name_es != "Otra" and again.active
    assert again.schedule.pk == found.schedule.pk  # the related row comes along, without a query
    assert again._state.fields_cache is not found._state.fields_cache
    procedure = catalog.get_procedure("matricula")
    assert procedure is not None
    procedure.max_persons = 99
    again_procedure = catalog.get_procedure("matricula")
    assert again_procedure is not None and again_procedure.max_persons != 99


def test_a_saved_change_shows_at_once(setup):
    office, procedure, _window = setup
    assert catalog.get_office("losangeles") is not None
    office.active = False
    office.save()
    assert catalog.get_office("losangeles") is None
    assert catalog.get_office("losangeles", include_inactive=True) is not None

    assert catalog.get_procedure("matricula") is not None
    procedure.active = False
    procedure.save()
    assert catalog.get_procedure("matricula") is None


def test_switching_a_procedure_off_at_an_office_shows_at_once(setup):
    office, procedure, window = setup
    assert catalog.offers(office, procedure)
    offer = OfficeProcedure.objects.get(office=office, procedure=procedure)
    offer.active = False
    offer.save()
    assert not catalog.offers(office, procedure)
    assert not serves(office=office, procedure=procedure, window_id=window.pk)


def test_a_window_that_stops_serving_a_procedure_shows_at_once(setup):
    office, procedure, window = setup
    assert serves(office=office, procedure=procedure, window_id=window.pk)
    window.procedures.remove(procedure)
    assert not serves(office=office, procedure=procedure, window_id=window.pk)
    window.procedures.add(procedure)
    assert serves(office=office, procedure=procedure, window_id=window.pk)
    window.active = False
    window.save()
    assert not serves(office=office, procedure=procedure, window_id=window.pk)


def test_a_change_behind_its_back_shows_after_the_set_seconds(setup, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(snapshot.time, "monotonic", lambda: clock[0])
    catalog.catalog_snapshot.invalidate()
    assert catalog.get_office("losangeles") is not None
    Office.objects.filter(code="losangeles").update(active=False)  # no signal
    clock[0] += 29
    assert catalog.get_office("losangeles") is not None
    clock[0] += 2
    assert catalog.get_office("losangeles") is None


def test_callers_get_copies(setup):
    first = catalog.get_office("losangeles")
    assert first is not None
    first.name_es = "cambiado en memoria"
    second = catalog.get_office("losangeles")
    assert second is not None and second.name_es != "cambiado en memoria"


def test_zero_seconds_reads_the_database_every_time(setup, settings):
    """0 is the same code with a snapshot loaded for every lookup: changes made behind its back
    show at once, in every lookup."""
    settings.MICONSULADO = {**settings.MICONSULADO, "CATALOG_CACHE_SECONDS": 0}
    office, procedure, window = setup
    assert catalog.get_office("losangeles") is not None
    assert serves(office=office, procedure=procedure, window_id=window.pk)
    Office.objects.filter(code="losangeles").update(active=False)
    assert catalog.get_office("losangeles") is None
    assert catalog.get_office("losangeles", include_inactive=True) is not None
    OfficeProcedure.objects.filter(office=office, procedure=procedure).update(active=False)
    assert not catalog.offers(office, procedure)
    assert not serves(office=office, procedure=procedure, window_id=window.pk)
    Procedure.objects.filter(code="matricula").update(active=False)
    assert catalog.get_procedure("matricula") is None
    assert catalog.get_procedure("matricula", include_inactive=True) is not None
