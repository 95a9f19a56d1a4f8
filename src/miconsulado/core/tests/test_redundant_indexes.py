"""The tables every booking writes, and the one slot generation fills, carry no index that another
index already covers: an index whose columns lead another's serves no lookup the longer one does
not, and each row written pays for it (docs/performance.md, "Where the time goes now")."""

import pytest
from django.db import connection
from django.db.models import Model

from miconsulado.booking.models import Applicant, Appointment, AppointmentEvent, Parent
from miconsulado.scheduling.models import Slot

pytestmark = pytest.mark.django_db

WRITTEN_HOT = [Appointment, Applicant, Parent, AppointmentEvent, Slot]


def plain_indexes(model: type[Model]) -> dict[str, tuple[list[str], bool]]:
    """{name: (columns, unique)} of the table's indexes that cover all its rows in the columns' own
    order: partial ones (a condition) cover only some rows, and PostgreSQL's `_like` twins
    (varchar_pattern_ops) serve LIKE, not equality."""
    partial = {
        item.name
        for item in [*model._meta.indexes, *model._meta.constraints]
        if getattr(item, "condition", None) is not None
    }
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        name: (info["columns"], bool(info["unique"]))
        for name, info in found.items()
        if (info["index"] or info["unique"])
        and not info["check"]
        and not info["foreign_key"]
        and name not in partial
        and not name.endswith("_like")
    }


@pytest.mark.parametrize("model", WRITTEN_HOT, ids=lambda m: m.__name__)
def test_no_index_is_covered_by_another(model):
    indexes = plain_indexes(model)
    covered = [
        (name, other)
        for name, (columns, unique) in indexes.items()
        for other, (longer, _) in indexes.items()
        if other != name and not unique and longer[: len(columns)] == columns
    ]
    assert covered == []


def test_the_covering_indexes_are_there():
    # The single-column foreign-key indexes went because these lead with the same column.
    assert plain_indexes(Appointment)["appointment_slot_idx"][0] == ["slot_id", "status"]
    assert plain_indexes(Applicant)["applicant_unique_in_appointment"][0] == ["appointment_id", "curp"]
    assert plain_indexes(Parent)["parent_role_unique"][0] == ["applicant_id", "role"]
    assert plain_indexes(Slot)["slot_office_start"][0] == ["office_id", "start"]
    assert plain_indexes(Slot)["slot_unique"][0] == ["window_id", "start"]
