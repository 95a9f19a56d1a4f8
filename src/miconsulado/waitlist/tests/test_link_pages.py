"""The pages behind the signed links: GET only shows, the POST (with CSRF) changes; a tampered,
expired or used link gets a clear page and changes nothing; both languages."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from miconsulado.booking import services as booking
from miconsulado.booking.models import Appointment
from miconsulado.core.channels import Channel
from miconsulado.core.signed_links import sign_link
from miconsulado.waitlist import links, services
from miconsulado.waitlist.models import EntryState, OfferState, WaitlistOffer
from miconsulado.waitlist.tests.support import book, committing, deliver_queued, fill, join

pytestmark = pytest.mark.django_db


def press(client: Client, path: str):
    """Open the page as a person does, then press its button (a POST carrying the page's CSRF token)."""
    page = client.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(path, {"csrfmiddlewaretoken": token})


@pytest.fixture
def offer(office, procedure, slot):
    book(slot, procedure)
    join(office, procedure)
    (made,) = services.offer_freed_places(slot_id=slot.pk)
    return made


def test_end_to_end_a_cancellation_reaches_the_first_in_line_whose_link_books_it(office, procedure, slot):
    taken = fill(slot, procedure)
    first = join(office, procedure, minutes_ago=10)
    join(office, procedure, minutes_ago=5)
    with committing():
        booking.cancel_appointment(appointment=taken[1], channel=Channel.WEB)
    deliver_queued()  # the worker: PlacesFreed → the waitlist's receiver → the offer
    offer = WaitlistOffer.objects.get(state=OfferState.OFFERED)
    assert offer.entry == first
    answer = press(Client(enforce_csrf_checks=True), links.accept_path(offer))
    assert answer.status_code == 200
    appointment = Appointment.objects.get(pk=offer.hold_id)
    assert appointment.status == "confirmed" and appointment.code in answer.content.decode()
    first.refresh_from_db()
    assert first.state == EntryState.BOOKED
    assert appointment.events.filter(action="confirmed", channel="web").exists()


def test_opening_the_link_changes_nothing(offer):
    client = Client(enforce_csrf_checks=True)
    for path in (links.accept_path(offer), links.decline_path(offer), links.leave_path(offer.entry)):
        page = client.get(path)
        assert page.status_code == 200 and b'<form method="post">' in page.content
    offer.refresh_from_db()
    assert offer.state == OfferState.OFFERED


def test_a_post_without_csrf_is_refused(offer):
    assert Client(enforce_csrf_checks=True).post(links.accept_path(offer)).status_code == 403
    offer.refresh_from_db()
    assert offer.state == OfferState.OFFERED


def test_tampered_wrong_purpose_and_expired_links_get_a_clear_page(offer):
    client = Client()
    path = links.accept_path(offer)
    tampered = client.post(path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB"))
    assert tampered.status_code == 400 and "no es válido".encode() in tampered.content
    # A decline token does not accept.
    decline_token = links.decline_path(offer).rsplit("/", 1)[1]
    assert client.post(f"/waitlist/offer/accept/{decline_token}").status_code == 400
    late = sign_link(
        purpose=links.ACCEPT,
        subject=str(offer.public_id),
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    expired = client.post(f"/waitlist/offer/accept/{late}")
    assert expired.status_code == 410 and "venció".encode() in expired.content
    offer.refresh_from_db()
    assert offer.state == OfferState.OFFERED
    assert Appointment.objects.get(pk=offer.hold_id).status == "held"


def test_a_used_link_says_so_and_changes_nothing(offer):
    client = Client(enforce_csrf_checks=True)
    assert press(client, links.accept_path(offer)).status_code == 200
    again = client.get(links.decline_path(offer))
    assert again.status_code == 409 and b"ya fue aceptada" in again.content
    assert client.post(links.decline_path(offer)).status_code in (403, 409)
    assert Appointment.objects.get(pk=offer.hold_id).status == "confirmed"


def test_declining_by_link_keeps_the_entry_waiting(offer):
    answer = press(Client(enforce_csrf_checks=True), links.decline_path(offer))
    assert answer.status_code == 200
    offer.refresh_from_db()
    offer.entry.refresh_from_db()
    assert (offer.state, offer.entry.state) == (OfferState.DECLINED, EntryState.WAITING)


def test_leaving_by_link(offer):
    client = Client(enforce_csrf_checks=True)
    path = links.leave_path(offer.entry)
    assert press(client, path).status_code == 200
    offer.entry.refresh_from_db()
    assert offer.entry.state == EntryState.LEFT
    assert client.get(path).status_code == 409


def test_the_pages_speak_english_when_asked(offer):
    page = Client(headers={"accept-language": "en"}).get(links.accept_path(offer))
    assert page.status_code == 200
    assert b'lang="en"' in page.content
    assert b"Accept the place offered" in page.content


def test_the_pages_state_the_office_local_time(offer):
    from miconsulado.catalog.localtime import office_zone

    local = offer.slot.start.astimezone(office_zone(offer.slot.office))
    utc = offer.slot.start.astimezone(dt.UTC)
    assert local.hour != utc.hour  # the office is not on UTC, so a UTC time would show
    page = Client().get(links.accept_path(offer)).content.decode()
    assert (
        f"{local:%H:%M}" in page.replace("a las ", "").replace("p.m.", "")
        or f"{local.hour}:{local:%M}" in page
    )
    assert f"{utc:%H:%M}" not in page
    done = press(Client(), links.accept_path(offer)).content.decode()
    assert f"{utc:%H:%M}" not in done
