"""Step 2's fees: those in force on the office's date, for all its procedures in one query."""

import datetime as dt

from miconsulado.catalog.models import Fee, Procedure
from miconsulado.catalog.selectors import current_fees
from miconsulado.portal.selectors import fees_in_force


def test_fees_in_force_agree_with_the_catalogs_rule(catalog):
    procedures = list(Procedure.objects.all())
    passport = Procedure.objects.get(code="passport-renewal")
    # Next year's price for one variant: in force only from its date, superseding the old row.
    Fee.objects.create(
        procedure=passport,
        variant="6y",
        name_es="6 años",
        name_en="6 years",
        amount_cents=15000,
        valid_from=dt.date(2027, 1, 1),
    )
    for day in [dt.date(2026, 6, 1), dt.date(2027, 1, 1), dt.date(2025, 1, 1)]:
        found = fees_in_force(procedures, day)
        assert {p.pk: current_fees(p, day) for p in procedures} == found
