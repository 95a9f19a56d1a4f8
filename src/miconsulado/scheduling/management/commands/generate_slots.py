"""`miconsulado generate_slots [--office CODE] [--days N] [--from YYYY-MM-DD]`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from miconsulado.catalog.localtime import to_office_time
from miconsulado.core.errors import DomainError
from miconsulado.scheduling.services import (
    GenerationReport,
    generate_all_slots,
    generate_office_slots,
)
from miconsulado.scheduling.tasks import office_by_code, summarize


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("Fecha no válida: «%(value)s» (use AAAA-MM-DD).") % {"value": value}) from None


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        days = -1
    if days < 0:
        raise CommandError(_("Número de días no válido: «%(value)s» (un entero ≥ 0).") % {"value": value})
    return days


class Command(BaseCommand):
    help = "Genera los horarios (slots) de las oficinas a partir de su agenda; es idempotente."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--office", metavar="CODE", help="Solo esta oficina (código).")
        parser.add_argument(
            "--days",
            type=str,
            metavar="N",
            help="Días a generar (por omisión, el horizonte de reserva de cada oficina).",
        )
        parser.add_argument(
            "--from",
            dest="start",
            metavar="YYYY-MM-DD",
            help="Primer día (fecha local; por omisión, hoy en cada oficina).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = _days(options["days"]) if options["days"] is not None else None
        start = _date(options["start"]) if options["start"] else None
        try:
            if options["office"]:
                office = office_by_code(options["office"])
                reports = [generate_office_slots(office=office, days=days, start=start)]
            else:
                reports = generate_all_slots(days=days, start=start)
        except DomainError as error:
            raise CommandError(str(error)) from error

        for report in reports:
            self.stdout.write(self._line(report))
            for slot in report.conflicts:
                self.stdout.write(self.style.WARNING(self._conflict(report, slot)))
        totals = summarize(reports)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Total: %(offices)s oficinas, %(created)s creados, %(updated)s actualizados, "
                    "%(deleted)s eliminados, %(withdrawn)s retirados, %(conflicts)s en conflicto."
                )
                % {**totals, "conflicts": len(totals["conflicts"])}
            )
        )

    def _line(self, report: GenerationReport) -> str:
        return _(
            "%(office)s %(start)s→%(end)s: %(created)s creados, %(updated)s actualizados, "
            "%(deleted)s eliminados, %(withdrawn)s retirados, %(conflicts)s en conflicto"
        ) % {
            "office": report.office,
            "start": report.start,
            "end": report.end,
            "created": report.created,
            "updated": report.updated,
            "deleted": report.deleted,
            "withdrawn": report.withdrawn,
            "conflicts": len(report.conflicts),
        }

    def _conflict(self, report: GenerationReport, slot: Any) -> str:
        local = to_office_time(slot.start, slot.office)
        return _(
            "  CONFLICTO %(office)s %(when)s ventanilla %(window)s: %(booked)s/%(capacity)s "
            "ocupados — %(reason)s (id %(id)s)"
        ) % {
            "office": report.office,
            "when": local.strftime("%Y-%m-%d %H:%M %Z"),
            "window": slot.window.code,
            "booked": slot.booked,
            "capacity": slot.capacity,
            "reason": slot.conflict_reason,
            "id": slot.pk,
        }
