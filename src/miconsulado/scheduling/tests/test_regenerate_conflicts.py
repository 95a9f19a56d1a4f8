"""Regenerating after a schedule change never drops a booked place.

A slot that would vanish while holding appointments is kept as a conflict for staff; empty slots
go (or are withdrawn when old appointments still point at them).
"""

import datetime as dt

from miconsulado.booking.models import AppointmentStatus
from miconsulado.scheduling.models import Closure, OfficeSchedule, OpeningHours, ServiceWindow, Slot
from miconsulado.scheduling.selectors import slot_conflicts
from miconsulado.scheduling.services import generate_slots

from .conftest import NOW, at, book

DAY = dt.date(2026, 3, 10)  # a Tuesday


def generate(office):
    office.refresh_from_db()
    return generate_slots(office=office, start=DAY, end=DAY, now=NOW)


def slot_at(office, local: str) -> Slot:
    return Slot.objects.get(office=office, start=at(office, local))


def test_shortened_hours_keep_the_booked_slot_as_a_conflict(make_office):
    office = make_office("losangeles")
    generate(office)
    booked = slot_at(office, "2026-03-10 11:00")
    appointment = book(booked)

    OpeningHours.objects.filter(office=office, weekday=DAY.weekday()).update(closes=dt.time(10))
    report = generate(office)

    assert report.deleted == 5  # 10:00–11:40 without 11:00
    assert report.created == 0
    booked.refresh_from_db()
    assert booked.conflict
    assert booked.conflict_reason == "Fuera del horario"
    assert booked.booked == 1 and booked.capacity == 2
    assert report.conflicts == [booked]
    assert appointment.slot_id == booked.pk
    assert list(slot_conflicts(office=office)) == [booked]
    assert Slot.objects.filter(office=office).count() == 6 + 1


def test_closure_reason_is_given(make_office):
    office = make_office("losangeles")
    generate(office)
    booked = slot_at(office, "2026-03-10 09:00")
    book(booked, places=2)
    Closure.objects.create(office=office, date=DAY, reason="Visita oficial")

    report = generate(office)

    assert report.deleted == 11
    booked.refresh_from_db()
    assert booked.conflict
    assert booked.conflict_reason == "Cierre: Visita oficial"
    assert booked.booked == 2


def test_inactive_window_reason(make_office):
    office = make_office("losangeles")
    generate(office)
    booked = slot_at(office, "2026-03-10 09:00")
    book(booked)
    ServiceWindow.objects.filter(office=office).update(active=False)

    report = generate(office)

    assert report.deleted == 11
    booked.refresh_from_db()
    assert (booked.conflict, booked.conflict_reason) == (True, "Ventanilla inactiva")


def test_capacity_below_booked_keeps_places_and_flags(make_office):
    office = make_office("losangeles", windows=[{"code": "general", "desks": 4}])
    generate(office)
    busy = slot_at(office, "2026-03-10 08:00")
    book(busy, places=3)

    OfficeSchedule.objects.filter(office=office).update(capacity_percent=50)
    report = generate(office)

    busy.refresh_from_db()
    assert busy.capacity == 3  # never below what is booked
    assert busy.conflict
    assert "Capacidad reducida a 2" in busy.conflict_reason
    assert report.conflicts == [busy]
    others = Slot.objects.filter(office=office).exclude(pk=busy.pk)
    assert set(others.values_list("capacity", "conflict")) == {(2, False)}


def test_slot_with_only_old_appointments_is_withdrawn(make_office):
    office = make_office("losangeles")
    generate(office)
    old = slot_at(office, "2026-03-10 09:00")
    book(old, status=AppointmentStatus.CANCELLED)
    book(old, status=AppointmentStatus.EXPIRED)
    OpeningHours.objects.filter(office=office, weekday=DAY.weekday()).delete()

    report = generate(office)

    assert (report.deleted, report.withdrawn, report.conflicts) == (11, 1, [])
    old.refresh_from_db()
    assert old.withdrawn and not old.conflict
    # Idempotent: withdrawing again changes nothing.
    again = generate(office)
    assert (again.deleted, again.withdrawn, again.updated) == (0, 0, 0)


def test_reappearing_slot_is_restored(make_office):
    office = make_office("losangeles")
    generate(office)
    busy = slot_at(office, "2026-03-10 09:00")
    book(busy)
    old = slot_at(office, "2026-03-10 09:20")
    book(old, status=AppointmentStatus.CANCELLED)
    Closure.objects.create(office=office, date=DAY, reason="Mantenimiento")
    generate(office)
    busy.refresh_from_db()
    old.refresh_from_db()
    assert busy.conflict and old.withdrawn

    Closure.objects.all().delete()
    report = generate(office)

    busy.refresh_from_db()
    old.refresh_from_db()
    assert (busy.conflict, busy.conflict_reason, busy.withdrawn) == (False, "", False)
    assert (old.conflict, old.withdrawn) == (False, False)
    assert report.updated == 2
    assert report.created == 10  # the others come back as new rows
    assert Slot.objects.filter(office=office).count() == 12


def test_conflict_that_emptied_is_withdrawn_next_time(make_office):
    office = make_office("losangeles")
    generate(office)
    slot = slot_at(office, "2026-03-10 09:00")
    appointment = book(slot)
    OpeningHours.objects.filter(office=office).delete()
    generate(office)
    slot.refresh_from_db()
    assert slot.conflict

    # The person cancels: the place is given back (as the booking service does).
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save()
    Slot.objects.filter(pk=slot.pk).update(booked=0)
    report = generate(office)

    slot.refresh_from_db()
    assert (slot.conflict, slot.conflict_reason, slot.withdrawn) == (False, "", True)
    assert report.conflicts == []
    assert list(slot_conflicts(office=office)) == []


def test_slot_conflicts_across_offices(make_office):
    la = make_office("losangeles")
    px = make_office("phoenix")
    for office in (la, px):
        generate(office)
        book(slot_at(office, "2026-03-10 09:00"))
        OpeningHours.objects.filter(office=office).delete()
        generate(office)
    assert {s.office.code for s in slot_conflicts()} == {"losangeles", "phoenix"}
    assert [s.office.code for s in slot_conflicts(office=px)] == ["phoenix"]
