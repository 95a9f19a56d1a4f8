"""Loading the catalog (offices, procedures, fees, who offers what) from the project's data files.

The files in `catalog/data/` are the source of truth for the fields they hold; loading is an upsert
by code, so running it again changes nothing and editing a file then re-running updates the rows.
Fields the files do not hold stay under the admin's control:
- `active` of offices and procedures is never touched (an office closed in the admin stays closed);
- an empty `address` or `phone` cell leaves the stored value alone;
- an office offers every procedure by default: missing OfficeProcedure rows are created, existing ones
  (possibly switched off in the admin) are left as they are;
- fees missing from the file are kept (they are price history), never deleted.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import models, transaction

from miconsulado.catalog.errors import CatalogDataError
from miconsulado.catalog.models import Country, Fee, Office, OfficeProcedure, Procedure

DATA_DIR = Path(__file__).resolve().parent / "data"
OFFICES_CSV = DATA_DIR / "offices.csv"
PROCEDURES_JSON = DATA_DIR / "procedures.json"

_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_OFFICE_COLUMNS = ("code", "name_es", "name_en", "city", "region", "country", "tz")
# Cells that, when empty, leave the stored value alone (filled in by staff in the admin).
_OFFICE_OPTIONAL = ("address", "phone")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class LoadReport:
    offices: Counts = field(default_factory=Counts)
    procedures: Counts = field(default_factory=Counts)
    fees: Counts = field(default_factory=Counts)
    office_procedures: Counts = field(default_factory=Counts)

    @property
    def changed(self) -> bool:
        return any(
            c.created or c.updated for c in (self.offices, self.procedures, self.fees, self.office_procedures)
        )

    def __str__(self) -> str:
        return (
            f"offices: {self.offices}; procedures: {self.procedures}; fees: {self.fees}; "
            f"office procedures: {self.office_procedures}"
        )


@dataclass(frozen=True)
class FeeData:
    variant: str
    name_es: str
    name_en: str
    amount_cents: int
    currency: str
    valid_from: dt.date
    valid_until: dt.date | None


@dataclass(frozen=True)
class ProcedureData:
    code: str
    values: dict[str, Any]
    fees: tuple[FeeData, ...]


def load_catalog(*, offices_path: Path | None = None, procedures_path: Path | None = None) -> LoadReport:
    """Upsert offices, procedures, fees and who offers what. All or nothing: the files are read and
    validated completely before the first write, and the writes share one transaction."""
    offices = read_offices(offices_path or OFFICES_CSV)
    procedures = read_procedures(procedures_path or PROCEDURES_JSON)
    report = LoadReport()
    with transaction.atomic():
        _upsert_offices(offices, report.offices)
        _upsert_procedures(procedures, report)
        _offer_everything(report.office_procedures)
    return report


# --- Reading and validating -------------------------------------------------------------------


def read_offices(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in _OFFICE_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise CatalogDataError(f"{path.name}: faltan las columnas {', '.join(missing)}.")
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CatalogDataError(f"{path.name}: no se pudo leer ({exc}).") from exc

    offices: list[dict[str, str]] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):  # line 1 is the header

        def fail(message: str, line: int = line) -> CatalogDataError:
            return CatalogDataError(f"{path.name}, línea {line}: {message}")

        values = {k: (row.get(k) or "").strip() for k in _OFFICE_COLUMNS + _OFFICE_OPTIONAL}
        for column in _OFFICE_COLUMNS:
            if not values[column]:
                raise fail(f"la columna «{column}» está vacía.")
        code = values["code"]
        if not _CODE_RE.match(code):
            raise fail(f"código de oficina no válido: «{code}».")
        if code in seen:
            raise fail(f"código de oficina repetido: «{code}».")
        seen.add(code)
        if values["country"] not in Country.values:
            raise fail(f"país no válido: «{values['country']}» (US o CA).")
        if not _valid_zone(values["tz"]):
            raise fail(f"zona horaria desconocida: «{values['tz']}».")
        for column, limit in (("name_es", 200), ("name_en", 200), ("city", 100), ("region", 10)):
            if len(values[column]) > limit:
                raise fail(f"«{column}» es demasiado largo (máximo {limit}).")
        offices.append(values)
    if not offices:
        raise CatalogDataError(f"{path.name}: no contiene oficinas.")
    return offices


def _valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def read_procedures(path: Path) -> list[ProcedureData]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogDataError(f"{path.name}: no se pudo leer ({exc}).") from exc
    if not isinstance(data, dict) or not isinstance(data.get("procedures"), list):
        raise CatalogDataError(f"{path.name}: se esperaba un objeto con la lista «procedures».")
    defaults = data.get("fee_defaults") or {}

    procedures: list[ProcedureData] = []
    seen: set[str] = set()
    for index, item in enumerate(data["procedures"]):
        where = f"{path.name}, trámite #{index + 1}"
        if not isinstance(item, dict):
            raise CatalogDataError(f"{where}: se esperaba un objeto.")
        reader = _Fields(item, where)
        code = reader.text("code", limit=40)
        where = f"{path.name}, trámite «{code}»"
        reader.where = where
        if not _CODE_RE.match(code):
            raise CatalogDataError(f"{where}: código no válido.")
        if code in seen:
            raise CatalogDataError(f"{where}: código repetido.")
        seen.add(code)
        values: dict[str, Any] = {
            "name_es": reader.text("name_es", limit=200),
            "name_en": reader.text("name_en", limit=200),
            "description_es": reader.text("description_es", required=False),
            "description_en": reader.text("description_en", required=False),
            "documents_es": reader.lines("documents_es"),
            "documents_en": reader.lines("documents_en"),
            "duration_minutes": reader.integer("duration_minutes", minimum=5),
            "max_persons": reader.integer("max_persons", minimum=1, default=1),
            "requires_both_parents": reader.boolean("requires_both_parents", default=False),
            "min_age": reader.integer("min_age", minimum=0, default=None),
            "max_age": reader.integer("max_age", minimum=0, default=None),
            "witnesses_required": reader.integer("witnesses_required", minimum=0, default=0),
            "sort_order": (index + 1) * 10,
        }
        if (
            values["min_age"] is not None
            and values["max_age"] is not None
            and values["min_age"] > values["max_age"]
        ):
            raise CatalogDataError(f"{where}: min_age es mayor que max_age.")
        fees = item.get("fees", [])
        if not isinstance(fees, list):
            raise CatalogDataError(f"{where}: «fees» debe ser una lista.")
        procedures.append(ProcedureData(code=code, values=values, fees=_read_fees(fees, defaults, where)))
    return procedures


def _read_fees(items: list[Any], defaults: dict[str, Any], where: str) -> tuple[FeeData, ...]:
    fees: list[FeeData] = []
    seen: set[tuple[str, dt.date]] = set()
    for index, item in enumerate(items):
        fee_where = f"{where}, tarifa #{index + 1}"
        if not isinstance(item, dict):
            raise CatalogDataError(f"{fee_where}: se esperaba un objeto.")
        reader = _Fields({**defaults, **item}, fee_where)
        variant = reader.text("variant", limit=40)
        if not _CODE_RE.match(variant):
            raise CatalogDataError(f"{fee_where}: variante no válida: «{variant}».")
        currency = reader.text("currency", limit=3)
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise CatalogDataError(f"{fee_where}: moneda no válida: «{currency}».")
        amount = reader.integer("amount_cents", minimum=0)
        valid_from = reader.date("valid_from")
        valid_until = reader.date("valid_until", required=False)
        if valid_from is None:  # required=True already refused it; this narrows the type
            raise CatalogDataError(f"{fee_where}: falta «valid_from».")
        if valid_until is not None and valid_until < valid_from:
            raise CatalogDataError(f"{fee_where}: valid_until es anterior a valid_from.")
        if (variant, valid_from) in seen:
            raise CatalogDataError(f"{fee_where}: tarifa repetida ({variant}, {valid_from}).")
        seen.add((variant, valid_from))
        fees.append(
            FeeData(
                variant=variant,
                name_es=reader.text("name_es", limit=200),
                name_en=reader.text("name_en", limit=200),
                amount_cents=amount,
                currency=currency,
                valid_from=valid_from,
                valid_until=valid_until,
            )
        )
    return tuple(fees)


class _Fields:
    """Typed, strict access to one JSON object; every mistake names where it is."""

    def __init__(self, data: dict[str, Any], where: str) -> None:
        self.data = data
        self.where = where

    def _fail(self, key: str, message: str) -> CatalogDataError:
        return CatalogDataError(f"{self.where}: «{key}» {message}")

    def text(self, key: str, *, required: bool = True, limit: int | None = None) -> str:
        value = self.data.get(key, "")
        if not isinstance(value, str):
            raise self._fail(key, "debe ser texto.")
        value = value.strip()
        if required and not value:
            raise self._fail(key, "es obligatorio.")
        if limit is not None and len(value) > limit:
            raise self._fail(key, f"es demasiado largo (máximo {limit}).")
        return value

    def lines(self, key: str) -> str:
        value = self.data.get(key, [])
        if isinstance(value, str):
            return value.strip()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._fail(key, "debe ser una lista de textos.")
        return "\n".join(v.strip() for v in value if v.strip())

    def integer(self, key: str, *, minimum: int, default: Any = ...) -> Any:
        if key not in self.data or self.data[key] is None:
            if default is ...:
                raise self._fail(key, "es obligatorio.")
            return default
        value = self.data[key]
        # bool is an int in Python; `true` is not a number of minutes.
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, "debe ser un número entero.")
        if value < minimum:
            raise self._fail(key, f"debe ser al menos {minimum}.")
        if value > 2_000_000_000:
            raise self._fail(key, "es demasiado grande.")
        return value

    def boolean(self, key: str, *, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self._fail(key, "debe ser true o false.")
        return value

    def date(self, key: str, *, required: bool = True) -> dt.date | None:
        value = self.data.get(key)
        if value in (None, ""):
            if required:
                raise self._fail(key, "es obligatorio.")
            return None
        if not isinstance(value, str):
            raise self._fail(key, "debe ser una fecha AAAA-MM-DD.")
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise self._fail(key, "debe ser una fecha AAAA-MM-DD.") from exc


# --- Writing ------------------------------------------------------------------------------------


def _apply(instance: models.Model, values: dict[str, Any]) -> bool:
    """Set the values that differ and save only those; True when something changed."""
    changed = [k for k, v in values.items() if getattr(instance, k) != v]
    if changed:
        for k in changed:
            setattr(instance, k, values[k])
        instance.save(update_fields=changed)
    return bool(changed)


def _upsert_offices(rows: list[dict[str, str]], counts: Counts) -> None:
    existing = {o.code: o for o in Office.objects.all()}
    for row in rows:
        values: dict[str, Any] = {k: row[k] for k in _OFFICE_COLUMNS if k != "code"}
        values.update({k: row[k] for k in _OFFICE_OPTIONAL if row[k]})
        office = existing.get(row["code"])
        if office is None:
            Office.objects.create(code=row["code"], **values)
            counts.created += 1
        elif _apply(office, values):
            counts.updated += 1
        else:
            counts.unchanged += 1


def _upsert_procedures(rows: list[ProcedureData], report: LoadReport) -> None:
    existing = {p.code: p for p in Procedure.objects.all()}
    fees = {(f.procedure_id, f.variant, f.valid_from): f for f in Fee.objects.all()}
    for row in rows:
        procedure = existing.get(row.code)
        if procedure is None:
            procedure = Procedure.objects.create(code=row.code, **row.values)
            report.procedures.created += 1
        elif _apply(procedure, row.values):
            report.procedures.updated += 1
        else:
            report.procedures.unchanged += 1
        for fee_data in row.fees:
            values = {
                "name_es": fee_data.name_es,
                "name_en": fee_data.name_en,
                "amount_cents": fee_data.amount_cents,
                "currency": fee_data.currency,
                "valid_until": fee_data.valid_until,
            }
            fee = fees.get((procedure.pk, fee_data.variant, fee_data.valid_from))
            if fee is None:
                Fee.objects.create(
                    procedure=procedure,
                    variant=fee_data.variant,
                    valid_from=fee_data.valid_from,
                    **values,
                )
                report.fees.created += 1
            elif _apply(fee, values):
                report.fees.updated += 1
            else:
                report.fees.unchanged += 1


def _offer_everything(counts: Counts) -> None:
    """Every office offers every procedure unless a row says otherwise."""
    pairs = set(OfficeProcedure.objects.values_list("office_id", "procedure_id"))
    office_ids = list(Office.objects.values_list("pk", flat=True))
    procedure_ids = list(Procedure.objects.values_list("pk", flat=True))
    missing = [
        OfficeProcedure(office_id=office_id, procedure_id=procedure_id, active=True)
        for office_id in office_ids
        for procedure_id in procedure_ids
        if (office_id, procedure_id) not in pairs
    ]
    OfficeProcedure.objects.bulk_create(missing, batch_size=500)
    counts.created += len(missing)
    counts.unchanged += len(pairs)
