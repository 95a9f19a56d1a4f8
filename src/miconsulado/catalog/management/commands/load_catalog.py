from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from miconsulado.catalog.errors import CatalogDataError
from miconsulado.catalog.services import OFFICES_CSV, PROCEDURES_JSON, load_catalog


class Command(BaseCommand):
    help = "Load (upsert) offices, procedures and fees from the catalog data files. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--offices", type=Path, default=OFFICES_CSV, help="Offices CSV.")
        parser.add_argument("--procedures", type=Path, default=PROCEDURES_JSON, help="Procedures JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_catalog(offices_path=options["offices"], procedures_path=options["procedures"])
        except CatalogDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Catalog: {report}")
