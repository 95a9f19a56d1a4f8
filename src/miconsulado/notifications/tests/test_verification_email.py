"""A hold's verification code arrives by e-mail through the outbox: one message per issued code, in
the hold's language, the six digits prominent, no attachments; the admin shows it masked, and
nothing logs it."""

import logging

import pytest
from django.urls import reverse

from miconsulado.accounts.models import Role
from miconsulado.accounts.tests.factories import make_user
from miconsulado.booking import services, verification
from miconsulado.booking.models import AppointmentStatus
from miconsulado.core import events
from miconsulado.core.channels import Channel
from miconsulado.notifications.models import Message, MessageKind, MessageState
from miconsulado.notifications.tests.conftest import deliver_announced, send_queued, tasks_named
from miconsulado.testing import applicant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def known_code(monkeypatch):
    monkeypatch.setattr(verification, "new_code", lambda: "482913")
    return "482913"


def hold(slot, procedure, language="es"):
    return services.hold_slot(slot=slot, procedure=procedure, channel=Channel.API, language=language)


def test_the_code_arrives_by_email_and_confirms_the_hold(smtp, slot, procedure, known_code):
    held = hold(slot, procedure)
    issued = services.send_verification_code(hold=held, contact="ana@example.com")
    deliver_announced()
    message = Message.objects.get()
    assert (message.kind, message.recipient, message.appointment, message.office) == (
        MessageKind.VERIFICATION_CODE,
        "ana@example.com",
        held,
        slot.office,
    )
    assert message.dedup_key == f"verification_code:{issued.pk}:email"
    assert send_queued() == ["sent"]
    (received,) = smtp.received
    assert received["To"] == "ana@example.com" and received["Message-ID"] == message.message_id
    assert received["Subject"] == "Su código de verificación de Mi Consulado"
    assert known_code not in received["Subject"]
    # No attachments: multipart/alternative only, text and HTML.
    assert received.get_content_type() == "multipart/alternative"
    text, html = (part.get_content() for part in received.iter_parts())
    for body in (text, html):
        assert known_code in body and "10 minutos" in body
        assert "Si usted no lo pidió, ignore este mensaje" in body
    assert f"\n    {known_code}\r\n" in text  # alone on its line
    assert "font-size:2.2em" in html and f">{known_code}</p>" in html
    # The code read from the e-mail confirms the hold.
    services.verify_contact(hold=held, code=known_code)
    confirmed = services.confirm_appointment(
        appointment=held, applicants=[applicant(email="ana@example.com")], channel=Channel.API
    )
    assert confirmed.status == AppointmentStatus.CONFIRMED


def test_in_english(smtp, slot, procedure, known_code):
    held = hold(slot, procedure, language="en")
    services.send_verification_code(hold=held, contact="ana@example.com")
    deliver_announced()
    send_queued()
    (received,) = smtp.received
    assert received["Subject"] == "Your Mi Consulado verification code"
    text, html = (part.get_content() for part in received.iter_parts())
    for body in (text, html):
        assert known_code in body and "valid for 10 minutes" in body
        assert "If you did not ask for it, ignore this message" in body
    assert '<html lang="en">' in html


def test_one_message_per_code_and_a_resend_is_a_new_one(slot, procedure, settings):
    settings.MICONSULADO = {**settings.MICONSULADO, "VERIFICATION_RESEND_SECONDS": 0}
    held = hold(slot, procedure)
    services.send_verification_code(hold=held, contact="ana@example.com")
    ((name, payload),) = [tuple(r.args[:2]) for r in tasks_named("deliver_event")]
    deliver_announced()
    events.deliver(name, payload)  # delivered again: nothing more
    assert Message.objects.count() == 1
    services.send_verification_code(hold=held, contact="ana@example.com")
    deliver_announced()
    assert Message.objects.filter(kind=MessageKind.VERIFICATION_CODE).count() == 2
    assert len(tasks_named("send_message")) == 2


def test_a_code_by_sms_writes_no_email(slot, procedure):
    held = hold(slot, procedure)
    services.send_verification_code(hold=held, channel="sms", contact="+1 213 555 0199")
    deliver_announced()
    assert not Message.objects.filter(channel="email").exists()


def test_the_admin_shows_the_message_with_the_code_masked(client, slot, procedure, known_code):
    held = hold(slot, procedure)
    services.send_verification_code(hold=held, contact="ana@example.com")
    deliver_announced()
    message = Message.objects.get()
    assert known_code in message.body_text  # the row holds what is sent
    client.force_login(make_user(Role.ADMIN))
    page = client.get(reverse("admin:notifications_message_change", args=[message.pk])).content.decode()
    assert "Su código de verificación es:" in page and "••••••" in page
    assert known_code not in page
    listing = client.get(reverse("admin:notifications_message_changelist")).content.decode()
    assert known_code not in listing


def test_the_code_is_never_logged(smtp, slot, procedure, known_code, caplog, monkeypatch):
    # Every logger heard, at every level (a worker command run by another test sets its own level).
    for logger in logging.root.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            monkeypatch.setattr(logger, "disabled", False)
            monkeypatch.setattr(logger, "level", logging.NOTSET)
    logging.root.manager._clear_cache()  # type: ignore[attr-defined]  # levels are cached per logger
    caplog.set_level(logging.DEBUG)
    held = hold(slot, procedure)
    services.send_verification_code(hold=held, contact="ana@example.com")
    deliver_announced()
    assert send_queued() == ["sent"]
    assert Message.objects.get().state == MessageState.SENT
    # mail.log is the test's SMTP server (the receiving end) echoing the DATA it reads.
    ours = [r for r in caplog.records if r.name != "mail.log"]
    assert ours  # the task queue logs each task
    leaked = [(r.name, r.getMessage()) for r in ours if known_code in r.getMessage()]
    assert not leaked
