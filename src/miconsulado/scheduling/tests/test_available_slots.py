"""available_slots and find_slot: what a person may book, as the API and the phone agents see it."""

import datetime as dt

from miconsulado.catalog.models import Office
from miconsulado.catalog.selectors import catalog_snapshot
from miconsulado.scheduling.models import ExtraSession, ServiceWindow, Slot
from miconsulado.scheduling.selectors import available_slots, find_slot, window_snapshot
from miconsulado.scheduling.services import generate_slots

from .conftest import at, make_window

# Monday 9 March 2026, 08:30 in Los Angeles (PDT).
NOW = dt.datetime(2026, 3, 9, 15, 30, tzinfo=dt.UTC)


def setup_office(make_office, **policy):
    office = make_office("losangeles", min_lead_minutes=120, horizon_days=10, **policy)
    generate_slots(office=office, start=dt.date(2026, 3, 9), end=dt.date(2026, 3, 25), now=NOW)
    return Office.objects.select_related("schedule").get(pk=office.pk)


def test_lead_time_and_horizon(make_office, procedure):
    office = setup_office(make_office)
    slots = available_slots(office=office, procedure=procedure, now=NOW)

    # Two hours' lead from 08:30: the first bookable start is 10:40 today.
    assert slots[0].start == at(office, "2026-03-09 10:40")
    assert all(s.start >= NOW + dt.timedelta(hours=2) for s in slots)
    # Horizon of 10 days: the last bookable local day is Thursday 19 March.
    assert slots[-1].start == at(office, "2026-03-19 11:40")
    assert Slot.objects.filter(office=office, start__gte=at(office, "2026-03-20 00:00")).exists()
    assert [s.start for s in slots] == sorted(s.start for s in slots)
    # Monday from 10:40, then 8 more weekdays less Monday 16 March (Benito Juárez, a Mexican holiday).
    assert len(slots) == 4 + 7 * 12


def test_local_date_range(make_office, procedure):
    office = setup_office(make_office)
    # An evening session: 17:00 local on the 12th is 00:00Z on the 13th.
    ExtraSession.objects.create(
        office=office, date=dt.date(2026, 3, 12), starts=dt.time(17), ends=dt.time(17, 20)
    )
    generate_slots(office=office, start=dt.date(2026, 3, 12), end=dt.date(2026, 3, 12), now=NOW)

    day = dt.date(2026, 3, 12)
    slots = available_slots(office=office, procedure=procedure, date_from=day, date_to=day, now=NOW)
    assert slots[0].start == at(office, "2026-03-12 08:00")
    assert slots[-1].start == at(office, "2026-03-12 17:00") == dt.datetime(2026, 3, 13, tzinfo=dt.UTC)
    assert len(slots) == 13

    later = available_slots(office=office, procedure=procedure, date_from=dt.date(2026, 3, 18), now=NOW)
    assert later[0].start == at(office, "2026-03-18 08:00")
    assert len(later) == 2 * 12  # 18 and 19 March, then the horizon ends
    assert (
        available_slots(
            office=office,
            procedure=procedure,
            date_from=dt.date(2026, 3, 13),
            date_to=dt.date(2026, 3, 12),
            now=NOW,
        )
        == []
    )
    assert available_slots(office=office, procedure=procedure, date_from=dt.date(2026, 4, 1), now=NOW) == []


def test_full_conflict_and_withdrawn_are_left_out(make_office, procedure):
    office = setup_office(make_office)
    day = dt.date(2026, 3, 10)
    full = Slot.objects.get(office=office, start=at(office, "2026-03-10 08:00"))
    Slot.objects.filter(pk=full.pk).update(booked=2)
    conflict = Slot.objects.get(office=office, start=at(office, "2026-03-10 08:20"))
    Slot.objects.filter(pk=conflict.pk).update(conflict=True, conflict_reason="Fuera del horario")
    withdrawn = Slot.objects.get(office=office, start=at(office, "2026-03-10 08:40"))
    Slot.objects.filter(pk=withdrawn.pk).update(withdrawn=True)

    ids = {
        s.pk for s in available_slots(office=office, procedure=procedure, date_from=day, date_to=day, now=NOW)
    }
    assert len(ids) == 9
    assert not ids & {full.pk, conflict.pk, withdrawn.pk}

    with_full = available_slots(
        office=office, procedure=procedure, date_from=day, date_to=day, now=NOW, include_full=True
    )
    assert full.pk in {s.pk for s in with_full}
    assert len(with_full) == 10


def test_only_active_windows_serving_the_procedure(make_office, procedure, other_procedure):
    office = setup_office(make_office)
    day = dt.date(2026, 3, 10)
    window = ServiceWindow.objects.get(office=office)
    make_window(office, [other_procedure], code="matricula")
    generate_slots(office=office, start=day, end=day, now=NOW)

    assert len(available_slots(office=office, procedure=procedure, date_from=day, date_to=day, now=NOW)) == 12
    assert {s.window.code for s in available_slots(office=office, procedure=other_procedure, now=NOW)} == {
        "matricula"
    }

    ServiceWindow.objects.filter(pk=window.pk).update(active=False)
    assert available_slots(office=office, procedure=procedure, now=NOW) == []


def test_one_query(make_office, procedure, django_assert_num_queries, settings):
    """As a server runs: the catalog and the windows kept in the process, loaded once."""
    settings.MICONSULADO = {**settings.MICONSULADO, "CATALOG_CACHE_SECONDS": 60}
    office = setup_office(make_office)
    catalog_snapshot.invalidate()
    window_snapshot.invalidate()
    available_slots(office=office, procedure=procedure, now=NOW)
    with django_assert_num_queries(1):
        assert available_slots(office=office, procedure=procedure, now=NOW)
    catalog_snapshot.invalidate()
    window_snapshot.invalidate()


def test_find_slot_prefers_the_window_with_most_places(make_office, procedure, other_procedure):
    office = make_office("losangeles", windows=[{"code": "a", "desks": 3}, {"code": "b", "desks": 3}])
    make_window(office, [other_procedure], code="other", desks=9)
    day = dt.date(2026, 3, 10)
    generate_slots(office=office, start=day, end=day, now=NOW)
    start = at(office, "2026-03-10 09:00")
    Slot.objects.filter(start=start, window__code="a").update(booked=1)

    found = find_slot(office=office, procedure=procedure, start=start)
    assert found is not None and found.window.code == "b"

    Slot.objects.filter(start=start, window__code="b").update(booked=3)
    found = find_slot(office=office, procedure=procedure, start=start)
    assert found is not None and found.window.code == "a"

    # Full everywhere: still found, so the caller can say "full" rather than "no such slot".
    Slot.objects.filter(start=start, window__code="a").update(booked=3)
    found = find_slot(office=office, procedure=procedure, start=start)
    assert found is not None and found.remaining == 0


def test_find_slot_reads_the_row_as_the_orm_does(make_office, procedure):
    office = make_office("losangeles")
    day = dt.date(2026, 3, 10)
    generate_slots(office=office, start=day, end=day, now=NOW)
    start = at(office, "2026-03-10 09:00")
    found = find_slot(office=office, procedure=procedure, start=start)
    loaded = Slot.objects.get(pk=found.pk)
    fields = ("office_id", "window_id", "start", "end", "capacity", "booked", "conflict", "withdrawn")
    assert [getattr(found, f) for f in fields] == [getattr(loaded, f) for f in fields]
    assert found.start == start and found.start.utcoffset() == dt.timedelta(0)
    assert found.conflict is False and found.withdrawn is False
    assert found.conflict_reason == ""  # not read by the lookup; loaded when asked for
    assert not found._state.adding


def test_find_slot_misses(make_office, procedure):
    office = make_office("losangeles")
    day = dt.date(2026, 3, 10)
    generate_slots(office=office, start=day, end=day, now=NOW)
    assert find_slot(office=office, procedure=procedure, start=at(office, "2026-03-10 09:05")) is None
    start = at(office, "2026-03-10 09:00")
    Slot.objects.filter(start=start).update(conflict=True)
    assert find_slot(office=office, procedure=procedure, start=start) is None
    Slot.objects.filter(start=start).update(conflict=False, withdrawn=True)
    assert find_slot(office=office, procedure=procedure, start=start) is None


def test_a_procedure_the_office_switched_off_has_no_availability(make_office, procedure):
    from miconsulado.catalog.models import OfficeProcedure

    office = setup_office(make_office)
    day = dt.date(2026, 3, 10)
    generate_slots(office=office, start=day, end=day, now=NOW)
    OfficeProcedure.objects.filter(office=office, procedure=procedure).update(active=False)
    assert available_slots(office=office, procedure=procedure, date_from=day, date_to=day, now=NOW) == []
