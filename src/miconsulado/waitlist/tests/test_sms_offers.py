"""A waitlist offer is also sent by SMS to the entry's phone (when SMS are on): once per offer, GSM-7,
the place, until when it is held and the accept link in full (two segments: a signed link leaves no
room in one); no phone, no SMS; SMS off, none."""

import re

import pytest
from django.test import override_settings
from django_tasks import default_task_backend

from miconsulado.core import events
from miconsulado.notifications.gsm7 import is_gsm7, segments
from miconsulado.notifications.models import Message, MessageChannel
from miconsulado.testing import applicant
from miconsulado.waitlist import services
from miconsulado.waitlist.models import WaitlistEntry
from miconsulado.waitlist.tests.support import book, committing, deliver_queued, join

pytestmark = pytest.mark.django_db

PHONE = "+12135550100"


def offer_made(office, procedure, slot, *, no_phone=False, **kw):
    book(slot, procedure)
    entry = join(office, procedure, **kw)
    if no_phone:  # joined by e-mail only (the phone is optional)
        WaitlistEntry.objects.filter(pk=entry.pk).update(phone="")
    with committing():
        (offer,) = services.offer_freed_places(slot_id=slot.pk)
    queued = [r.args for r in default_task_backend.results if r.args and r.args[0] == "waitlist.offer_made"]
    deliver_queued()
    return entry, offer, queued[0]


@override_settings(SMS_BACKEND="memory", PUBLIC_URL="https://citas.example")
def test_one_sms_per_offer_with_the_accept_link(office, procedure, slot):
    entry, offer, event = offer_made(office, procedure, slot, person=applicant(phone=PHONE), language="en")
    events.deliver(*event[:2])  # delivered twice: still one SMS
    (sms,) = Message.objects.filter(kind="waitlist_offer", channel=MessageChannel.SMS)
    assert (sms.recipient, sms.language, sms.waitlist_entry_id) == (PHONE, "en", entry.pk)
    assert sms.dedup_key == f"waitlist_offer:{offer.public_id}:sms:{PHONE}"
    assert sms.body_text.startswith("Mi Consulado: a place for you") and "held until" in sms.body_text
    assert is_gsm7(sms.body_text) and segments(sms.body_text) == 2
    # The link is the e-mail's accept link, whole.
    link = re.search(r"https://citas\.example/waitlist/offer/accept/\S+$", sms.body_text).group(0)
    email = Message.objects.get(kind="waitlist_offer", channel=MessageChannel.EMAIL)
    assert link in email.body_text


@override_settings(SMS_BACKEND="memory", PUBLIC_URL="https://citas.example")
def test_no_phone_no_sms(office, procedure, slot):
    offer_made(office, procedure, slot, no_phone=True)
    assert not Message.objects.filter(channel=MessageChannel.SMS).exists()
    assert Message.objects.filter(kind="waitlist_offer", channel=MessageChannel.EMAIL).count() == 1


@override_settings(SMS_BACKEND="off")
def test_sms_off_no_sms(office, procedure, slot):
    offer_made(office, procedure, slot, person=applicant(phone=PHONE))
    assert not Message.objects.filter(channel=MessageChannel.SMS).exists()
