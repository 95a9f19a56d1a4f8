"""A confirmation schedules the reminders: one row per offset and address, queued for its due time,
rendered with the confirmation's details and a cancel link; sent at the due time, not before; a
reminder whose task was lost is sent by the sweep."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django_tasks import default_task_backend

from miconsulado.core import events
from miconsulado.core.signed_links import read_link
from miconsulado.notifications.links import CANCEL
from miconsulado.notifications.models import Message, MessageState
from miconsulado.notifications.tasks import requeue_stale_messages
from miconsulado.notifications.tests.conftest import deliver_announced, tasks_named
from miconsulado.notifications.tests.reminder_support import (  # noqa: F401  # reminders_on: a fixture
    HOUR,
    book_in,
    reminders,
    reminders_on,
    send_at,
)
from miconsulado.settings import env_hours
from miconsulado.testing import applicant

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reminders_on")]


def test_a_confirmation_queues_one_reminder_per_offset_and_address(window):
    appointment = book_in(
        window, 10 * 24, applicant(email="ana@example.com"), applicant(email="luis@example.com")
    )
    deliver_announced()
    start = appointment.slot.start
    rows = reminders(appointment)
    assert [(m.recipient, m.next_attempt_at) for m in rows] == [
        ("ana@example.com", start - 72 * HOUR),
        ("luis@example.com", start - 72 * HOUR),
        ("ana@example.com", start - 24 * HOUR),
        ("luis@example.com", start - 24 * HOUR),
    ]
    assert {m.state for m in rows} == {MessageState.QUEUED}
    assert rows[0].dedup_key == f"reminder:{appointment.code}:{appointment.slot_id}:72h:email:ana@example.com"
    # Each send task is queued to run at the reminder's due time.
    runs = {r.args[0]: r.task.run_after for r in tasks_named("send_message")}
    assert {m.pk: m.next_attempt_at for m in rows}.items() <= runs.items()


def test_the_reminder_states_the_details_and_a_working_cancel_link(window):
    appointment = book_in(window, 10 * 24)
    deliver_announced()
    early, late = reminders(appointment)
    assert appointment.code in early.subject
    for text in (early.body_text, early.body_html):
        assert "Le recordamos su cita, dentro de 72 horas." in text
        assert "2401 W 6th St" in text and "Pasaporte anterior" in text
        assert "Llegue 15 minutos antes" in text
    link = next(line for line in early.body_text.splitlines() if "/cita/cancelar/" in line)
    token = link.rstrip("/").rsplit("/", 1)[1]
    claims = read_link(token, purpose=CANCEL, now=early.next_attempt_at)
    assert claims.subject == f"{appointment.code}:{appointment.slot_id}"
    # It expires at the office's cut-off (24 h before, the default).
    assert claims.expires_at == appointment.slot.start - 24 * HOUR
    # The 24 h reminder goes out at the cut-off itself: no link that would be dead on arrival.
    assert "/cita/cancelar/" not in late.body_text
    assert "Ya no es posible cancelar esta cita en línea" in late.body_text


def test_english_appointment_gets_english_reminders(window):
    appointment = book_in(window, 10 * 24, language="en")
    deliver_announced()
    early = reminders(appointment)[0]
    assert early.language == "en"
    assert "This is a reminder of your appointment, in 72 hours." in early.body_text
    assert "Cancel your appointment" in early.body_html


def test_a_redelivered_confirmation_writes_nothing_more(window):
    appointment = book_in(window, 10 * 24)
    results = list(tasks_named("deliver_event"))
    deliver_announced()
    for result in results:
        events.deliver(*result.args[:2])
    assert len(reminders(appointment)) == 2
    assert Message.objects.count() == 3  # the confirmation and two reminders


def test_sent_at_its_due_time_not_before(window, smtp):
    appointment = book_in(window, 10 * 24)
    deliver_announced()
    early = reminders(appointment)[0]
    due = early.next_attempt_at
    assert send_at(early, due - dt.timedelta(minutes=1)) == ""  # a task run early claims nothing
    assert early.state == MessageState.QUEUED and not smtp.received
    assert send_at(early, due) == MessageState.SENT
    (mail,) = smtp.received
    assert mail["Message-ID"] == early.message_id
    assert "72" in mail.get_body(("plain",)).get_content()


def test_a_reminder_whose_task_was_lost_is_sent_by_the_sweep(window, smtp):
    appointment = book_in(window, 10 * 24)
    deliver_announced()
    early = reminders(appointment)[0]
    default_task_backend.clear()  # the worker died with the send tasks: lost
    Message.objects.exclude(pk=early.pk).update(state=MessageState.CANCELLED)  # only this one in play
    due = early.next_attempt_at
    assert requeue_stale_messages.call((due + dt.timedelta(minutes=5)).isoformat()) == 0  # not yet overdue
    later = due + dt.timedelta(minutes=11)
    assert requeue_stale_messages.call(later.isoformat()) == 1
    (task,) = tasks_named("send_message")
    assert task.args[0] == early.pk
    assert send_at(early, later) == MessageState.SENT
    assert len(smtp.received) == 1


@pytest.mark.parametrize(
    ("raw", "hours"), [("72,24", [72, 24]), (" 24, 72 ,72", [72, 24]), ("", []), ("48", [48])]
)
def test_reminder_hours_setting(monkeypatch, raw, hours):
    monkeypatch.setenv("MICONSULADO_REMINDER_HOURS", raw)
    assert env_hours("MICONSULADO_REMINDER_HOURS", "72,24") == hours


@pytest.mark.parametrize("raw", ["72;24", "tres", "0", "-24", "1.5"])
def test_a_bad_reminder_hours_setting_is_refused_at_start(monkeypatch, raw):
    monkeypatch.setenv("MICONSULADO_REMINDER_HOURS", raw)
    with pytest.raises(ImproperlyConfigured, match="MICONSULADO_REMINDER_HOURS"):
        env_hours("MICONSULADO_REMINDER_HOURS", "72,24")
