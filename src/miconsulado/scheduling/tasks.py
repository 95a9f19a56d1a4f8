"""Background work of scheduling: keeping the slots of the booking horizon generated."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from miconsulado.catalog.models import Office
from miconsulado.core.errors import Invalid, NotFound
from miconsulado.scheduling.services import (
    GenerationReport,
    generate_all_slots,
    generate_office_slots,
)


def summarize(reports: list[GenerationReport]) -> dict[str, Any]:
    """Totals and conflicting slot ids of a run, JSON-serialisable for a task's result."""
    return {
        "offices": len(reports),
        "created": sum(r.created for r in reports),
        "updated": sum(r.updated for r in reports),
        "deleted": sum(r.deleted for r in reports),
        "withdrawn": sum(r.withdrawn for r in reports),
        "conflicts": [s.pk for r in reports for s in r.conflicts],
    }


def office_by_code(code: str) -> Office:
    """The active office with `code`; a clear error otherwise (commands and tasks share it)."""
    office = Office.objects.select_related("schedule").filter(code=code).first()
    if office is None:
        raise NotFound(_("No existe la oficina «%(code)s».") % {"code": code})
    if not office.active:
        raise Invalid(_("La oficina «%(code)s» está inactiva.") % {"code": code})
    return office


@task()
def generate_slots_task(office_code: str | None = None, days: int | None = None) -> dict[str, Any]:
    """Generate one office's slots (or every active office's) from today for `days` days
    (default: each office's booking horizon). Safe to run at any time: it is idempotent."""
    if office_code:
        reports = [generate_office_slots(office=office_by_code(office_code), days=days)]
    else:
        reports = generate_all_slots(days=days)
    return summarize(reports)
