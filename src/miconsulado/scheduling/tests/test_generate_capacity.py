"""Places per slot: desks × capacity factor, floored, at least 1 unless the factor is 0."""

import datetime as dt

import pytest

from miconsulado.scheduling.models import Slot
from miconsulado.scheduling.services import generate_slots, slot_capacity

from .conftest import NOW

DAY = dt.date(2026, 3, 10)


@pytest.mark.parametrize(
    ("desks", "percent", "expected"),
    [(4, 100, 4), (4, 50, 2), (3, 50, 1), (5, 50, 2), (1, 50, 1), (1, 10, 1), (6, 1, 1), (6, 0, 0)],
)
def test_slot_capacity(desks, percent, expected):
    assert slot_capacity(desks=desks, capacity_percent=percent) == expected


def test_capacity_factor_of_half(make_office):
    office = make_office(
        "losangeles",
        capacity_percent=50,
        windows=[{"code": "passports", "desks": 4}, {"code": "notary", "desks": 3}],
    )
    generate_slots(office=office, start=DAY, end=DAY, now=NOW)
    capacities = dict(Slot.objects.filter(office=office).values_list("window__code", "capacity").distinct())
    assert capacities == {"passports": 2, "notary": 1}


def test_factor_zero_makes_no_slots(make_office):
    office = make_office("losangeles", capacity_percent=0)
    report = generate_slots(office=office, start=DAY, end=DAY, now=NOW)
    assert report.created == 0
    assert not Slot.objects.filter(office=office).exists()
