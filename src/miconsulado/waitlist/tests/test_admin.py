"""The admin lists entries and offers (read-only) and takes people off the list through the service."""

import pytest
from django.test import Client

from miconsulado.accounts.models import Role
from miconsulado.accounts.tests.factories import make_user
from miconsulado.waitlist import services
from miconsulado.waitlist.models import EntryState, OfferState
from miconsulado.waitlist.tests.support import book, join

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(make_user(Role.ADMIN, is_superuser=True, is_staff=True))
    return client


def test_entries_and_offers_are_listed_and_shown(admin_client, office, procedure, slot):
    book(slot, procedure)
    entry = join(office, procedure)
    (offer,) = services.offer_freed_places(slot_id=slot.pk)
    for url in (
        "/admin/waitlist/waitlistentry/",
        f"/admin/waitlist/waitlistentry/{entry.pk}/change/",
        "/admin/waitlist/waitlistoffer/",
        f"/admin/waitlist/waitlistoffer/{offer.pk}/change/",
        f"/admin/waitlist/waitlistentry/?q={entry.curp}",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_the_leave_action_goes_through_the_service(admin_client, office, procedure, slot):
    book(slot, procedure)
    entry = join(office, procedure)
    (offer,) = services.offer_freed_places(slot_id=slot.pk)
    answer = admin_client.post(
        "/admin/waitlist/waitlistentry/", {"action": "leave", "_selected_action": [entry.pk]}
    )
    assert answer.status_code == 302
    entry.refresh_from_db()
    offer.refresh_from_db()
    assert (entry.state, offer.state) == (EntryState.LEFT, OfferState.DECLINED)
    assert entry.events.last().channel == "staff"
