import csv
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict

from miconsulado.catalog.errors import CatalogDataError
from miconsulado.catalog.models import Fee, Office, OfficeProcedure, Procedure
from miconsulado.catalog.services import OFFICES_CSV, PROCEDURES_JSON, load_catalog

pytestmark = pytest.mark.django_db

PROCEDURE_CODES = {
    "passport-first",
    "passport-renewal",
    "passport-minor",
    "matricula",
    "voter-id",
    "birth-registration",
    "civil-record-copy",
    "notarial",
    "visa",
    "nationality-declaration",
}


def snapshot() -> dict[str, list[dict]]:
    return {
        model.__name__: [model_to_dict(o) for o in model.objects.order_by("pk")]
        for model in (Office, Procedure, Fee, OfficeProcedure)
    }


@pytest.fixture
def data_copy(tmp_path: Path) -> tuple[Path, Path]:
    offices = tmp_path / "offices.csv"
    procedures = tmp_path / "procedures.json"
    shutil.copy(OFFICES_CSV, offices)
    shutil.copy(PROCEDURES_JSON, procedures)
    return offices, procedures


def edit_csv(path: Path, code: str, changes: dict[str, str]) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        if row["code"] == code:
            row.update(changes)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def test_loads_the_59_offices_with_their_zones():
    report = load_catalog()
    assert report.offices.created == 59
    assert Office.objects.count() == 59
    assert Office.objects.filter(country="US").count() == 53
    assert Office.objects.filter(country="CA").count() == 6
    zones = dict(Office.objects.values_list("code", "tz"))
    # The zones that are easy to get wrong (docs/domain.md).
    assert zones["phoenix"] == "America/Phoenix"
    assert zones["tucson"] == "America/Phoenix"
    assert zones["elpaso"] == "America/Denver"
    assert zones["boise"] == "America/Boise"
    assert zones["detroit"] == "America/Detroit"
    assert zones["indianapolis"] == "America/Indiana/Indianapolis"
    assert zones["sanjuan"] == "America/Puerto_Rico"
    assert zones["losangeles"] == "America/Los_Angeles"
    assert zones["toronto"] == "America/Toronto"


def test_offices_have_consistent_english_names():
    load_catalog()
    la = Office.objects.get(code="losangeles")
    assert la.name_es == "Consulado General de México en Los Ángeles"
    assert la.name_en == "Consulate General of Mexico in Los Angeles"
    assert Office.objects.get(code="filadelfia").name_en == "Consulate of Mexico in Philadelphia"
    for office in Office.objects.all():
        assert office.name_en
        assert ("General" in office.name_es) == ("General" in office.name_en), office.code


def test_loads_the_procedures_with_their_rules():
    load_catalog()
    procedures = {p.code: p for p in Procedure.objects.all()}
    assert set(procedures) == PROCEDURE_CODES
    minor = procedures["passport-minor"]
    assert (minor.requires_both_parents, minor.max_age, minor.max_persons) == (True, 17, 4)
    assert procedures["passport-first"].min_age == 18
    assert procedures["passport-renewal"].min_age == 18
    assert procedures["voter-id"].min_age == 18
    assert procedures["birth-registration"].witnesses_required == 2
    assert procedures["notarial"].max_persons == 1
    assert all(4 <= p.max_persons <= 5 for c, p in procedures.items() if c != "notarial")
    assert "OP-7" in minor.documents_es and "OP-7" in minor.documents_en
    assert procedures["passport-first"].name_en == "First passport (adult)"


def test_every_office_offers_every_procedure():
    load_catalog()
    assert OfficeProcedure.objects.filter(active=True).count() == 59 * 10


def test_running_again_changes_nothing():
    load_catalog()
    before = snapshot()
    report = load_catalog()
    assert not report.changed
    assert report.offices.unchanged == 59
    assert report.procedures.unchanged == 10
    assert report.office_procedures.unchanged == 590
    assert snapshot() == before


def test_editing_the_data_and_running_again_updates(data_copy):
    offices, procedures = data_copy
    load_catalog(offices_path=offices, procedures_path=procedures)
    edit_csv(offices, "boise", {"name_en": "Consulate of Mexico in Boise, Idaho", "phone": "+1 208 555 0100"})
    data = json.loads(procedures.read_text())
    matricula = next(p for p in data["procedures"] if p["code"] == "matricula")
    matricula["fees"][0]["amount_cents"] = 4300
    matricula["duration_minutes"] = 25
    procedures.write_text(json.dumps(data))

    report = load_catalog(offices_path=offices, procedures_path=procedures)

    assert (report.offices.updated, report.procedures.updated, report.fees.updated) == (1, 1, 1)
    boise = Office.objects.get(code="boise")
    assert boise.name_en == "Consulate of Mexico in Boise, Idaho"
    assert boise.phone == "+1 208 555 0100"
    assert Procedure.objects.get(code="matricula").duration_minutes == 25
    assert Fee.objects.get(procedure__code="matricula", variant="standard").amount_cents == 4300


def test_what_the_admin_controls_survives_a_reload():
    load_catalog()
    Office.objects.filter(code="presidio").update(active=False, address="730 O'Reilly St")
    OfficeProcedure.objects.filter(office__code="boise", procedure__code="visa").update(active=False)
    Procedure.objects.filter(code="visa").update(active=False)

    load_catalog()

    presidio = Office.objects.get(code="presidio")
    assert (presidio.active, presidio.address) == (False, "730 O'Reilly St")
    assert not OfficeProcedure.objects.get(office__code="boise", procedure__code="visa").active
    assert not Procedure.objects.get(code="visa").active


def test_a_new_office_offers_every_procedure(data_copy):
    offices, procedures = data_copy
    load_catalog(offices_path=offices, procedures_path=procedures)
    with offices.open("a", encoding="utf-8") as f:
        f.write("mobile-1,Consulado Móvil 1,Mobile Consulate 1,Reno,NV,US,America/Los_Angeles,,,\n")
    report = load_catalog(offices_path=offices, procedures_path=procedures)
    assert report.offices.created == 1
    assert report.office_procedures.created == 10
    assert OfficeProcedure.objects.filter(office__code="mobile-1").count() == 10


@pytest.mark.parametrize(
    ("code", "changes", "message"),
    [
        ("phoenix", {"tz": "America/Arizona"}, "zona horaria"),
        ("phoenix", {"country": "MX"}, "país"),
        ("phoenix", {"code": "Phoenix AZ"}, "código"),
        ("phoenix", {"code": "boise"}, "repetido"),
        ("phoenix", {"name_en": ""}, "name_en"),
    ],
)
def test_bad_office_rows_are_refused_and_nothing_is_written(data_copy, code, changes, message):
    offices, procedures = data_copy
    edit_csv(offices, code, changes)
    with pytest.raises(CatalogDataError, match=message) as excinfo:
        load_catalog(offices_path=offices, procedures_path=procedures)
    assert "offices.csv" in str(excinfo.value)
    assert "línea" in str(excinfo.value)
    assert not Office.objects.exists()
    assert not Procedure.objects.exists()


def test_missing_column_is_refused(tmp_path):
    path = tmp_path / "offices.csv"
    path.write_text("code,name_es\nx,Y\n", encoding="utf-8")
    with pytest.raises(CatalogDataError, match="faltan las columnas"):
        load_catalog(offices_path=path)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p["fees"][0].update(amount_cents="101.00"), "entero"),
        (lambda p: p["fees"][0].update(amount_cents=-1), "al menos 0"),
        (lambda p: p["fees"][0].update(valid_from="01/01/2026"), "AAAA-MM-DD"),
        (lambda p: p["fees"][0].update(currency="usd"), "moneda"),
        (lambda p: p.update(max_persons=0), "al menos 1"),
        (lambda p: p.update(duration_minutes=True), "entero"),
        (lambda p: p.update(requires_both_parents="yes"), "true o false"),
        (lambda p: p.update(min_age=20, max_age=17), "min_age"),
        (lambda p: p.update(documents_es=[1, 2]), "lista de textos"),
    ],
)
def test_bad_procedure_data_is_refused_and_nothing_is_written(data_copy, mutate, message):
    offices, procedures = data_copy
    load_catalog(offices_path=offices, procedures_path=procedures)
    before = snapshot()
    data = json.loads(procedures.read_text())
    mutate(data["procedures"][3])
    procedures.write_text(json.dumps(data))
    with pytest.raises(CatalogDataError, match=message):
        load_catalog(offices_path=offices, procedures_path=procedures)
    assert snapshot() == before


def test_unparseable_json_is_refused(data_copy):
    offices, procedures = data_copy
    procedures.write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogDataError, match=r"procedures\.json"):
        load_catalog(offices_path=offices, procedures_path=procedures)
    assert not Office.objects.exists()


def test_command_reports_and_translates_errors(tmp_path):
    from io import StringIO

    out = StringIO()
    call_command("load_catalog", stdout=out)
    assert "59 created" in out.getvalue()
    bad = tmp_path / "offices.csv"
    bad.write_text("nothing\n", encoding="utf-8")
    with pytest.raises(CommandError, match="faltan las columnas"):
        call_command("load_catalog", "--offices", str(bad), stdout=StringIO())
