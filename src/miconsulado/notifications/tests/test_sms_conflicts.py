"""A slot the office no longer offers: each phone number of a confirmed appointment in it gets one SMS
(beside the apology e-mail) with the e-mail's link to choose another time; found again, nothing more."""

import pytest
from django.test import override_settings

from miconsulado.notifications.gsm7 import is_gsm7, segments
from miconsulado.notifications.models import Message, MessageChannel, MessageKind
from miconsulado.notifications.tests.conftest import deliver_announced
from miconsulado.notifications.tests.test_conflict_messages import book, day, regenerate, slot_at  # noqa: F401
from miconsulado.scheduling.models import Closure

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+12135550100"


@override_settings(SMS_BACKEND="memory", PUBLIC_URL="https://citas.example")
def test_a_closure_sends_an_sms_with_the_emails_link(office, procedure, day):  # noqa: F811
    nine = slot_at(office, day, 9)
    ana = book(nine, procedure, "ana@example.com")
    deliver_announced()
    Closure.objects.create(office=office, date=day, reason="Visita oficial")
    regenerate(office, day)
    deliver_announced()
    regenerate(office, day)  # the same conflict again
    deliver_announced()

    (sms,) = Message.objects.filter(kind=MessageKind.SLOT_CONFLICT, channel=MessageChannel.SMS)
    (email,) = Message.objects.filter(kind=MessageKind.SLOT_CONFLICT, channel=MessageChannel.EMAIL)
    assert sms.recipient == PHONE and sms.appointment_id == ana.pk
    assert sms.dedup_key.startswith(f"slot_conflict:{ana.code}:{nine.pk}:") and sms.dedup_key.endswith(
        f":sms:{PHONE}"
    )
    assert sms.body_text.startswith("Mi Consulado: lo sentimos, su cita")
    link = sms.body_text.rsplit(" ", 1)[1]
    assert link.startswith("https://citas.example/cita/cancelar/") and link in email.body_text
    assert is_gsm7(sms.body_text) and segments(sms.body_text) == 2
