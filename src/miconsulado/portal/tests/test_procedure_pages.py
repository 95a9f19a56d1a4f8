"""Step 2: what the office offers, and a procedure's documents, fees, duration and rules, shown
before any time is picked."""

import pytest

from miconsulado.catalog.models import OfficeProcedure, Procedure


def test_office_lists_its_procedures_with_duration_and_fees(catalog, spanish):
    page = spanish.get("/oficinas/chicago/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pasaporte para menores" in html and 'href="/oficinas/chicago/passport-minor/"' in html
    assert "30 minutos" in html
    assert "de 44 USD a 137 USD" in html  # the minor's passport: 1 to 6 years
    assert "gratuito" in html  # the voter ID


def test_procedure_switched_off_at_the_office_is_not_offered(catalog, spanish):
    OfficeProcedure.objects.filter(office__code="chicago", procedure__code="voter-id").update(active=False)
    assert 'href="/oficinas/chicago/voter-id/"' not in spanish.get("/oficinas/chicago/").content.decode()
    assert spanish.get("/oficinas/chicago/voter-id/").status_code == 404
    assert spanish.get("/oficinas/chicago/voter-id/fecha/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/oficinas/atlantis/",
        "/oficinas/atlantis/matricula/",
        "/oficinas/chicago/no-such-thing/",
        "/oficinas/chicago/no-such-thing/fecha/",
    ],
)
def test_unknown_office_or_procedure_is_404(catalog, spanish, url):
    assert spanish.get(url).status_code == 404


def test_minor_passport_states_both_parents_or_op7_before_any_time(catalog, spanish):
    html = spanish.get("/oficinas/chicago/passport-minor/").content.decode()
    rule = html.index("Ambos padres")
    assert "OP-7 remoto (vigente 90 días)" in html
    assert "Acta de nacimiento mexicana certificada del menor" in html  # a document
    assert "Pasaporte de 1 año (sólo menores de 3 años)" in html and "44 USD" in html  # a fee
    assert "La cita dura unos 30 minutos." in html
    assert "Para menores de 18 años." in html
    # All of it comes before the way to the calendar.
    assert rule < html.index('href="/oficinas/chicago/passport-minor/fecha/"')


def test_procedure_page_in_english(catalog, english):
    html = english.get("/oficinas/chicago/passport-minor/").content.decode()
    assert "Both parents" in html and "remote OP-7" in html
    assert "Documents to bring" in html and "The child&#x27;s certified Mexican birth certificate" in html
    assert "The appointment takes about 30 minutes." in html


def test_witnesses_and_family_size(catalog, spanish):
    html = spanish.get("/oficinas/chicago/birth-registration/").content.decode()
    witnesses = Procedure.objects.get(code="birth-registration").witnesses_required
    if witnesses:
        assert f"Lleve {witnesses} testigo" in html
    assert "Una cita puede incluir hasta" in html
