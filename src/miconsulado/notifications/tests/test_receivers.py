"""Booking's events write the messages' rows once, rendered, with their send task: a redelivered
event writes nothing more."""

import pytest
from django.db import transaction

from miconsulado.booking import services
from miconsulado.core.channels import Channel
from miconsulado.notifications.models import Message, MessageKind, MessageState
from miconsulado.notifications.tests.booking_support import book
from miconsulado.notifications.tests.conftest import deliver_announced, tasks_named
from miconsulado.testing import applicant, make_slot

pytestmark = pytest.mark.django_db(transaction=True)


def announced_events():
    return [tuple(r.args[:2]) for r in tasks_named("deliver_event")]


def test_a_confirmation_writes_one_email_per_address_and_queues_it(slot, procedure):
    family = [
        applicant(email="ana@example.com"),
        applicant(email="ANA@example.com"),
        applicant(email="luis@example.com"),
    ]
    appointment = book(slot, procedure, *family)
    deliver_announced()
    rows = list(Message.objects.order_by("recipient"))
    assert [m.recipient for m in rows] == ["ana@example.com", "luis@example.com"]
    for message in rows:
        assert (message.kind, message.state, message.language) == (
            MessageKind.CONFIRMED,
            MessageState.QUEUED,
            "es",
        )
        assert message.appointment == appointment and message.office == slot.office
        assert message.dedup_key == f"confirmed:{appointment.code}:{slot.pk}:email:{message.recipient}"
        assert appointment.code in message.subject and appointment.code in message.body_text
        assert message.message_id.startswith("<") and message.message_id.endswith(">")
    assert sorted(r.args[0] for r in tasks_named("send_message")) == sorted(m.pk for m in rows)


def test_a_redelivered_event_makes_no_second_message(slot, procedure):
    book(slot, procedure)
    ((name, payload),) = announced_events()
    deliver_announced()
    from miconsulado.core import events

    events.deliver(name, payload)  # the worker died after the receiver committed: delivered again
    events.deliver(name, payload)
    assert Message.objects.count() == 1
    assert len(tasks_named("send_message")) == 1


def test_a_receiver_rolled_back_leaves_neither_row_nor_task(slot, procedure):
    book(slot, procedure)
    ((name, payload),) = announced_events()
    from miconsulado.core import events

    with pytest.raises(RuntimeError), transaction.atomic():
        events._receivers[name]["miconsulado.notifications.receivers.confirmation_emails"](
            events._event_types[name].from_payload(payload)
        )
        raise RuntimeError("the delivery's transaction fails after the receiver")
    assert not Message.objects.exists()
    assert not tasks_named("send_message")


def test_cancellation_and_reschedule_write_their_messages(slot, window, procedure):
    appointment = book(slot, procedure, applicant(email="ana@example.com"))
    other = make_slot(window, capacity=4)
    services.reschedule_appointment(appointment=appointment, new_slot=other, channel=Channel.PHONE)
    services.reschedule_appointment(appointment=appointment, new_slot=slot, channel=Channel.PHONE)
    services.cancel_appointment(appointment=appointment, channel=Channel.STAFF)
    deliver_announced()
    deliver_announced()  # nothing left: the same rows
    keys = set(Message.objects.values_list("dedup_key", flat=True))
    code = appointment.code
    assert keys == {
        f"confirmed:{code}:{slot.pk}:email:ana@example.com",
        f"rescheduled:{code}:{slot.pk}-{other.pk}:email:ana@example.com",
        f"rescheduled:{code}:{other.pk}-{slot.pk}:email:ana@example.com",
        f"cancelled:{code}:{slot.pk}:email:ana@example.com",
    }
    cancelled = Message.objects.get(kind=MessageKind.CANCELLED)
    assert "Personal consular" in cancelled.body_text


def test_no_address_no_email(slot, procedure):
    appointment = book(slot, procedure)
    appointment.applicants.update(email="")  # a booking by phone may give only a number
    deliver_announced()
    assert not Message.objects.exists()
