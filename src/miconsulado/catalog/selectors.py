"""Reads about the catalog that pages, the API and the admin share."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from miconsulado.catalog.models import Fee, Office, Procedure


def active_offices() -> QuerySet[Office]:
    return Office.objects.filter(active=True).order_by("code")


def get_office(code: str, *, include_inactive: bool = False) -> Office | None:
    """The office with this code; an inactive office counts as absent unless asked for."""
    offices = Office.objects.all() if include_inactive else active_offices()
    return offices.filter(code=code).first()


def active_procedures() -> QuerySet[Procedure]:
    return Procedure.objects.filter(active=True).order_by("sort_order", "code")


def get_procedure(code: str, *, include_inactive: bool = False) -> Procedure | None:
    procedures = Procedure.objects.all() if include_inactive else active_procedures()
    return procedures.filter(code=code).first()


def procedures_for_office(office: Office) -> QuerySet[Procedure]:
    """Active procedures the office offers (its OfficeProcedure row is active too)."""
    return active_procedures().filter(officeprocedure__office=office, officeprocedure__active=True)


def offers(office: Office, procedure: Procedure) -> bool:
    return procedures_for_office(office).filter(pk=procedure.pk).exists()


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
