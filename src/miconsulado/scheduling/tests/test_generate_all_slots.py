"""generate_all_slots: every active office from its local today through its horizon."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from miconsulado.catalog.models import Office
from miconsulado.core.errors import Invalid
from miconsulado.scheduling.models import Slot
from miconsulado.scheduling.services import generate_all_slots, generate_slots

from .conftest import at

# Tuesday 10 March 2026, 05:30 UTC: still Monday the 9th in Los Angeles, already Tuesday in Toronto.
NOW = dt.datetime(2026, 3, 10, 5, 30, tzinfo=dt.UTC)


@pytest.fixture
def offices(make_office):
    made = [make_office("losangeles", horizon_days=3), make_office("toronto", horizon_days=3)]
    Office.objects.exclude(pk__in=[o.pk for o in made]).update(active=False)
    return made


def test_each_office_from_its_local_today(offices):
    reports = {r.office: r for r in generate_all_slots(now=NOW)}
    assert set(reports) == {"losangeles", "toronto"}
    assert (reports["losangeles"].start, reports["losangeles"].end) == (
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 12),
    )
    assert (reports["toronto"].start, reports["toronto"].end) == (
        dt.date(2026, 3, 10),
        dt.date(2026, 3, 13),
    )
    # Monday in Los Angeles is over (its slots would be in the past): Tue–Thu only.
    la, _toronto = offices
    assert reports["losangeles"].created == 3 * 12
    assert reports["toronto"].created == 4 * 12
    assert not Slot.objects.filter(office=la, start__lt=NOW).exists()


def test_days_overrides_the_horizon(offices):
    reports = generate_all_slots(days=0, now=NOW)
    assert [(r.office, r.start, r.end) for r in reports] == [
        ("losangeles", dt.date(2026, 3, 9), dt.date(2026, 3, 9)),
        ("toronto", dt.date(2026, 3, 10), dt.date(2026, 3, 10)),
    ]


def test_inactive_offices_are_skipped(offices):
    _la, toronto = offices
    Office.objects.filter(pk=toronto.pk).update(active=False)
    assert [r.office for r in generate_all_slots(now=NOW)] == ["losangeles"]
    assert not Slot.objects.filter(office=toronto).exists()


def reads_and_writes(run) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as context:
        run()
    # Aside: the office's availability version, one statement per run.
    sql = [q["sql"] for q in context.captured_queries if "availabilityversion" not in q["sql"]]
    inserts = sum("INSERT INTO" in q for q in sql)
    return len(sql) - inserts, inserts


def test_queries_do_not_grow_with_days(make_office):
    # One read of the existing slots per office, whatever the range; inserts go in batches (one
    # statement on PostgreSQL, 199 rows a statement on SQLite).
    office = make_office("losangeles")
    start = dt.date(2026, 4, 6)

    def run(days):
        office.refresh_from_db()
        return lambda: generate_slots(
            office=office, start=start, end=start + dt.timedelta(days=days), now=NOW
        )

    reads_5, _ = reads_and_writes(run(4))
    reads_90, inserts_90 = reads_and_writes(run(90))
    assert reads_90 == reads_5 <= 10
    created = Slot.objects.filter(office=office).count()
    assert created > 700
    assert inserts_90 <= created // 199 + 1  # batches of 1000 rows (199 on SQLite)
    # Regenerating over rows that all exist: the same few reads, no writes.
    assert reads_and_writes(run(90)) == (reads_5, 0)
    assert Slot.objects.filter(start=at(office, "2026-07-02 08:00")).exists()  # the 87th day


def test_bad_ranges_are_refused(make_office):
    office = make_office("losangeles")
    with pytest.raises(Invalid, match="anterior"):
        generate_slots(office=office, start=dt.date(2026, 3, 10), end=dt.date(2026, 3, 9), now=NOW)
    with pytest.raises(Invalid, match="máximo"):
        generate_slots(office=office, start=dt.date(2026, 1, 1), end=dt.date(2029, 1, 1), now=NOW)
    with pytest.raises(Invalid, match="negativo"):
        generate_all_slots(days=-1, now=NOW)
    assert not Slot.objects.exists()
