"""Generating twice gives the same rows; a changed schedule updates them in place."""

import datetime as dt

from miconsulado.scheduling.models import OfficeSchedule, Slot
from miconsulado.scheduling.services import generate_slots

from .conftest import NOW

START, END = dt.date(2026, 3, 2), dt.date(2026, 3, 15)  # two weeks


def snapshot(office):
    return list(
        Slot.objects.filter(office=office)
        .order_by("pk")
        .values_list("pk", "window_id", "start", "end", "capacity", "booked", "conflict", "withdrawn")
    )


def test_running_twice_changes_nothing(make_office):
    office = make_office("losangeles")
    first = generate_slots(office=office, start=START, end=END, now=NOW)
    rows = snapshot(office)
    assert first.created == len(rows) == 10 * 12  # ten weekdays of twelve slots

    second = generate_slots(office=office, start=START, end=END, now=NOW)
    assert (second.created, second.updated, second.deleted, second.withdrawn) == (0, 0, 0, 0)
    assert second.conflicts == []
    assert snapshot(office) == rows


def test_overlapping_ranges_only_add_the_new_days(make_office):
    office = make_office("losangeles")
    generate_slots(office=office, start=START, end=dt.date(2026, 3, 8), now=NOW)
    report = generate_slots(office=office, start=START, end=END, now=NOW)
    assert report.created == 5 * 12
    assert Slot.objects.filter(office=office).count() == 10 * 12


def test_capacity_change_updates_rows_in_place(make_office):
    office = make_office("losangeles", windows=[{"code": "general", "desks": 4}])
    generate_slots(office=office, start=START, end=END, now=NOW)
    ids = set(Slot.objects.filter(office=office).values_list("pk", flat=True))

    OfficeSchedule.objects.filter(office=office).update(capacity_percent=50)
    office.refresh_from_db()
    report = generate_slots(office=office, start=START, end=END, now=NOW)

    assert (report.created, report.deleted, report.updated) == (0, 0, 120)
    assert set(Slot.objects.filter(office=office).values_list("pk", flat=True)) == ids
    assert set(Slot.objects.filter(office=office).values_list("capacity", flat=True)) == {2}


def test_slot_length_change_replaces_the_grid(make_office):
    office = make_office("losangeles")
    generate_slots(office=office, start=START, end=START, now=NOW)
    OfficeSchedule.objects.filter(office=office).update(slot_minutes=30)
    office.refresh_from_db()
    report = generate_slots(office=office, start=START, end=START, now=NOW)
    # 08:00, 09:00, 10:00, 11:00 are kept (new end); the others go, 08:30, 09:30, … come.
    assert (report.updated, report.deleted, report.created) == (4, 8, 4)
    for slot in Slot.objects.filter(office=office):
        assert slot.end - slot.start == dt.timedelta(minutes=30)


def test_past_slots_are_never_touched(make_office):
    office = make_office("losangeles")
    generate_slots(office=office, start=START, end=START, now=NOW)
    OfficeSchedule.objects.filter(office=office).update(capacity_percent=50)
    office.refresh_from_db()

    # 10:00 local on 2 March: the 08:00–09:40 slots have started.
    now = dt.datetime(2026, 3, 2, 18, 0, tzinfo=dt.UTC)
    report = generate_slots(office=office, start=START, end=START, now=now)
    assert report.updated == 6
    past = Slot.objects.filter(office=office, start__lt=now)
    assert past.count() == 6
    assert set(past.values_list("capacity", flat=True)) == {2}  # unchanged (2 desks at 100 %)
    future = Slot.objects.filter(office=office, start__gte=now)
    assert set(future.values_list("capacity", flat=True)) == {1}
