"""The background task that keeps each office's horizon generated."""

import pytest
from django_tasks import default_task_backend

from miconsulado.catalog.models import Office
from miconsulado.core.errors import NotFound
from miconsulado.scheduling.models import Slot
from miconsulado.scheduling.tasks import generate_slots_task


@pytest.fixture
def office(make_office):
    office = make_office("losangeles", horizon_days=7)
    Office.objects.exclude(pk=office.pk).update(active=False)
    return office


def test_task_generates_and_summarises(office):
    summary = generate_slots_task.call(office_code="losangeles")
    assert summary["offices"] == 1
    assert summary["created"] == Slot.objects.filter(office=office).count() > 0
    assert generate_slots_task.call()["created"] == 0  # all offices, nothing new


def test_task_with_days(office):
    summary = generate_slots_task.call(days=30)
    assert summary["created"] == Slot.objects.filter(office=office).count() > 0


def test_task_can_be_enqueued(office):
    default_task_backend.clear()
    generate_slots_task.enqueue(office_code="losangeles", days=3)
    [result] = default_task_backend.results
    assert result.kwargs == {"office_code": "losangeles", "days": 3}


def test_unknown_office(office):
    with pytest.raises(NotFound):
        generate_slots_task.call(office_code="nowhere")
