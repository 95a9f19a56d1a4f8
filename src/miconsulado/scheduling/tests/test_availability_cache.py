"""Availability answers are cached briefly, and every booking, cancellation or regeneration that
touches the office's slots makes the next answer fresh."""

import pytest
from django.core.cache import cache

from miconsulado import testing as factories
from miconsulado.booking.services import book_appointment, cancel_appointment
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot
from miconsulado.scheduling.services import note_availability_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.MICONSULADO = {**settings.MICONSULADO, "AVAILABILITY_CACHE_SECONDS": 60}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def slot():
    office = factories.make_office("losangeles")
    procedure = factories.make_procedure("passport-renewal")
    window = factories.make_window(office, [procedure])
    return factories.make_slot(window, capacity=3)


def places(client) -> list[int]:
    response = client.get("/api/v1/offices/losangeles/availability", {"procedure": "passport-renewal"})
    assert response.status_code == 200, response.content
    return [s["remaining"] for s in response.json()["slots"]]


def book(slot: Slot):
    return book_appointment(
        slot=slot,
        procedure=slot.window.procedures.get(),
        applicants=[factories.applicant()],
        channel=Channel.WEB,
    ).appointment


def test_repeated_question_is_answered_from_the_cache(client, cached, slot):
    assert places(client) == [3]
    Slot.objects.filter(pk=slot.pk).update(booked=2)  # behind the services' back: not announced
    assert places(client) == [3]


def test_a_booking_makes_the_next_answer_fresh(client, cached, slot):
    assert places(client) == [3]
    book(slot)
    assert places(client) == [2]


def test_a_cancellation_gives_the_place_back_at_once(client, cached, slot):
    appointment = book(slot)
    assert places(client) == [2]
    cancel_appointment(appointment=appointment, channel=Channel.WEB)
    assert places(client) == [3]


def test_a_full_slot_disappears_at_once(client, cached, slot):
    Slot.objects.filter(pk=slot.pk).update(capacity=1)
    note_availability_changed(office_id=slot.office_id)
    assert places(client) == [1]
    book(slot)
    assert places(client) == []


def test_other_offices_keep_their_cached_answer(client, cached, slot):
    assert places(client) == [3]
    other = factories.make_office("phoenix", tz="America/Phoenix")
    note_availability_changed(office_id=other.pk)
    Slot.objects.filter(pk=slot.pk).update(booked=1)
    assert places(client) == [3]


def test_without_a_cache_every_answer_reads_the_database(client, slot):
    assert places(client) == [3]
    Slot.objects.filter(pk=slot.pk).update(booked=2)
    assert places(client) == [1]
