"""With the database task backend, a booking's side effects are queued in the booking's own
transaction: they commit with it, and vanish with it when it rolls back."""

import pytest
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from miconsulado.booking import services
from miconsulado.booking.errors import CurpAlreadyBooked
from miconsulado.booking.models import Appointment
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant, make_slot

DB_TASKS = {"default": {"BACKEND": "miconsulado.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}


def book(slot, procedure, person):
    return services.book_appointment(
        slot=slot, procedure=procedure, applicants=[person], channel=Channel.WEB
    ).appointment


@override_settings(TASKS=DB_TASKS)
@pytest.mark.django_db(transaction=True)
def test_confirmation_task_is_written_with_the_booking(slot, procedure):
    appointment = book(slot, procedure, applicant())
    task = DBTaskResult.objects.get()
    assert task.task_path == "miconsulado.core.tasks.deliver_event"
    name, payload = task.args_kwargs["args"]
    assert (name, payload["appointment"]) == ("booking.appointment_confirmed", appointment.code)
    assert task.status == "READY"


@override_settings(TASKS=DB_TASKS)
@pytest.mark.django_db(transaction=True)
def test_a_booking_rolled_back_leaves_no_task(slot, procedure):
    with pytest.raises(RuntimeError), transaction.atomic():
        book(slot, procedure, applicant())
        assert DBTaskResult.objects.count() == 1  # inside the transaction, beside the appointment
        raise RuntimeError("the caller's transaction fails after the booking")
    assert not Appointment.objects.exists()
    assert not DBTaskResult.objects.exists()


@override_settings(TASKS=DB_TASKS)
@pytest.mark.django_db(transaction=True)
def test_a_refused_booking_queues_nothing(slot, window, procedure):
    person = applicant()
    book(slot, procedure, person)
    with pytest.raises(CurpAlreadyBooked):
        book(make_slot(window), procedure, person)
    assert DBTaskResult.objects.count() == 1


@override_settings(TASKS=DB_TASKS)
@pytest.mark.django_db(transaction=True)
def test_a_hold_queues_its_own_expiry(slot, procedure):
    appointment = services.hold_slot(slot=slot, procedure=procedure, channel=Channel.WEB)
    task = DBTaskResult.objects.get()
    assert task.task_path == "miconsulado.booking.tasks.expire_hold"
    assert task.args_kwargs["args"] == [appointment.pk]
    assert task.run_after == appointment.hold_expires_at
