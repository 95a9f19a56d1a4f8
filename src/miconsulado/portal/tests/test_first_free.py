"""The first free place of many offices in one query, inside each office's booking window."""

import datetime as dt

from django.utils import timezone

from miconsulado.portal.selectors import bookable_windows, first_free_starts
from miconsulado.scheduling.models import OfficeSchedule
from miconsulado.testing import make_office, make_procedure, make_slot, make_window


def test_first_free_skips_full_withdrawn_and_conflicting_slots(db):
    office = make_office("sandiego")
    procedure = make_procedure("matricula")
    window = make_window(office, [procedure])
    full = make_slot(window, days_ahead=3, capacity=1)
    full.booked = 1
    full.save()
    withdrawn = make_slot(window, days_ahead=4)
    withdrawn.withdrawn = True
    withdrawn.save()
    conflict = make_slot(window, days_ahead=5)
    conflict.conflict = True
    conflict.save()
    free = make_slot(window, days_ahead=6)
    assert first_free_starts(bookable_windows([office], [procedure])) == {office.pk: free.start}


def test_respects_lead_time_and_horizon(db):
    office = make_office("fresno")
    procedure = make_procedure("matricula")
    window = make_window(office, [procedure])
    OfficeSchedule.objects.filter(office=office).update(min_lead_minutes=3 * 24 * 60, horizon_days=10)
    office.refresh_from_db()
    make_slot(window, days_ahead=1)  # too soon
    make_slot(window, days_ahead=20)  # beyond the horizon
    assert first_free_starts(bookable_windows([office], [procedure])) == {}
    later = make_slot(window, days_ahead=5)
    assert first_free_starts(bookable_windows([office], [procedure])) == {office.pk: later.start}


def test_only_windows_serving_the_procedure(db):
    office = make_office("oxnard")
    passport, matricula = make_procedure("passport-renewal"), make_procedure("matricula")
    make_slot(make_window(office, [passport]), days_ahead=2)
    matricula_slot = make_slot(make_window(office, [matricula]), days_ahead=4)
    assert first_free_starts(bookable_windows([office], [matricula])) == {office.pk: matricula_slot.start}


def test_many_offices_in_one_query(db, django_assert_num_queries):
    procedure = make_procedure("matricula")
    offices = [make_office(f"office-{i}") for i in range(12)]
    expected = {}
    for i, office in enumerate(offices):
        expected[office.pk] = make_slot(make_window(office, [procedure]), days_ahead=2 + i % 5).start
    wanted = bookable_windows(offices, [procedure])  # snapshots (read before the count)
    now = timezone.now()
    with django_assert_num_queries(1):
        found = first_free_starts(wanted, now=now)
    assert found == expected
    assert all(start.tzinfo == dt.UTC for start in found.values())
