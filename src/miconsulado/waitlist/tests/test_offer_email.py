"""The offer reaches the person: notifications writes one e-mail per offer (its dedup key), in the
entry's language, with the place, until when it is held, and the accept/decline/leave links."""

import re

import pytest
from django.test import Client

from miconsulado.booking.models import Appointment
from miconsulado.core import events
from miconsulado.notifications.models import Message
from miconsulado.waitlist import services
from miconsulado.waitlist.tests.support import book, committing, deliver_queued, join

pytestmark = pytest.mark.django_db


def offer_made(office, procedure, slot, **kw):
    book(slot, procedure)
    entry = join(office, procedure, **kw)
    with committing():
        (offer,) = services.offer_freed_places(slot_id=slot.pk)
    return entry, offer


def test_one_email_per_offer_with_its_links_in_the_entrys_language(office, procedure, slot):
    entry, offer = offer_made(office, procedure, slot, language="en")
    from django_tasks import default_task_backend

    queued = [r.args for r in default_task_backend.results if r.args and r.args[0] == "waitlist.offer_made"]
    deliver_queued()
    events.deliver(*queued[0][:2])  # delivered twice: still one message
    message = Message.objects.get(kind="waitlist_offer")
    assert (message.recipient, message.language, message.waitlist_entry_id) == (entry.email, "en", entry.pk)
    assert message.subject.startswith("A place has become free for you")
    assert "We hold it for you until" in message.body_text
    accept = re.search(r"https?://\S+/waitlist/offer/accept/\S+", message.body_text).group(0)
    assert "/waitlist/offer/decline/" in message.body_text and "/waitlist/leave/" in message.body_text
    assert "/waitlist/offer/accept/" in message.body_html
    # The link in the e-mail books the place.
    path = accept.split("://", 1)[1].split("/", 1)[1]
    client = Client(enforce_csrf_checks=True)
    page = client.get("/" + path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert client.post("/" + path, {"csrfmiddlewaretoken": token}).status_code == 200
    assert Appointment.objects.get(pk=offer.hold_id).status == "confirmed"


def test_spanish_by_default(office, procedure, slot):
    offer_made(office, procedure, slot)
    deliver_queued()
    message = Message.objects.get(kind="waitlist_offer")
    assert message.subject.startswith("Se liberó un lugar para usted")
