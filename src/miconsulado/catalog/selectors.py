"""Reads about the catalog that pages, the API and the admin share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from miconsulado.catalog.models import Fee, Office, OfficeProcedure, Procedure
from miconsulado.core.snapshot import Snapshot


@dataclass(frozen=True)
class _Catalog:
    offices: dict[str, Office]  # by code, inactive ones too, with their schedule
    procedures: dict[str, Procedure]  # by code, inactive ones too
    offered: frozenset[tuple[int, int]]  # (office, procedure) both switched on


def _load_catalog() -> _Catalog:
    # "schedule" is the office's OfficeSchedule (scheduling app): booking rules read it every time.
    offices = {o.code: o for o in Office.objects.select_related("schedule")}
    procedures = {p.code: p for p in Procedure.objects.all()}
    offered = frozenset(
        OfficeProcedure.objects.filter(active=True, procedure__active=True).values_list(
            "office_id", "procedure_id"
        )
    )
    return _Catalog(offices=offices, procedures=procedures, offered=offered)


catalog_snapshot: Snapshot[_Catalog] = Snapshot(_load_catalog)

M = TypeVar("M", bound=Model)


def _copy(instance: M) -> M:
    """A copy of a snapshot's instance that the caller may change: what copy.copy makes, without
    its trip through pickling's __reduce__ and an app registry lookup (a few per cent of a refused
    booking, which reads two)."""
    clone = instance.__class__.__new__(instance.__class__)
    # __getstate__ copies the instance's state and its cache of related rows. Not __setstate__:
    # that one checks the Django version a pickle was made with, and nothing was pickled here.
    # (It would also turn binary fields back into memoryviews; catalog models have none.)
    clone.__dict__.update(instance.__getstate__())
    return clone


def active_offices() -> QuerySet[Office]:
    return Office.objects.filter(active=True).order_by("code")


def get_office(code: str, *, include_inactive: bool = False) -> Office | None:
    """The office with this code; an inactive office counts as absent unless asked for."""
    office = catalog_snapshot.get().offices.get(code)
    if office is None or not (office.active or include_inactive):
        return None
    return _copy(office)


def active_procedures() -> QuerySet[Procedure]:
    return Procedure.objects.filter(active=True).order_by("sort_order", "code")


def get_procedure(code: str, *, include_inactive: bool = False) -> Procedure | None:
    procedure = catalog_snapshot.get().procedures.get(code)
    if procedure is None or not (procedure.active or include_inactive):
        return None
    return _copy(procedure)


def procedures_for_office(office: Office) -> QuerySet[Procedure]:
    """Active procedures the office offers (its OfficeProcedure row is active too)."""
    return active_procedures().filter(officeprocedure__office=office, officeprocedure__active=True)


def offers(office: Office, procedure: Procedure) -> bool:
    return (office.pk, procedure.pk) in catalog_snapshot.get().offered


def current_fees(procedure: Procedure, on: dt.date) -> list[Fee]:
    """The fees in force on a date: per variant, the newest row whose validity covers the date.

    `valid_until` is inclusive; a new year's row supersedes the old one even if nobody closed it.
    """
    fees = Fee.objects.filter(procedure=procedure, valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )
    newest: dict[str, Fee] = {}
    for fee in fees.order_by("variant", "-valid_from"):
        newest.setdefault(fee.variant, fee)
    return sorted(newest.values(), key=lambda f: (f.amount_cents, f.variant))
