"""The availability version lives in the database: every process (each with its own cache, as
granian's workers without Redis) reads the same one, so an answer cached by one worker is not
given after a change committed through another. It changes in the change's own transaction: with
every booking, cancellation, reschedule, expiry and regeneration, and not with one that fails."""

import datetime as dt
import threading
from contextlib import contextmanager

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.utils import timezone

from miconsulado import testing as factories
from miconsulado.booking import services
from miconsulado.booking.errors import SlotFull
from miconsulado.core.channels import Channel
from miconsulado.scheduling import services as scheduling
from miconsulado.scheduling.models import AvailabilityVersion, Slot
from miconsulado.scheduling.selectors import availability_version


@pytest.fixture
def cached(settings):
    settings.MICONSULADO = {**settings.MICONSULADO, "AVAILABILITY_CACHE_SECONDS": 60}


@pytest.fixture
def slot(db):
    office = factories.make_office("losangeles")
    procedure = factories.make_procedure("passport-renewal")
    window = factories.make_window(office, [procedure])
    return factories.make_slot(window, capacity=3)


@contextmanager
def worker(name: str):
    """Requests answered by another process: a cache of its own (as LocMemCache is per process)."""
    previous = caches["default"]
    caches["default"] = LocMemCache(name, {})
    try:
        yield
    finally:
        caches["default"] = previous


def places(client) -> list[int]:
    response = client.get("/api/v1/offices/losangeles/availability", {"procedure": "passport-renewal"})
    assert response.status_code == 200, response.content
    return [s["remaining"] for s in response.json()["slots"]]


def book(slot: Slot):
    return services.book_appointment(
        slot=Slot.objects.select_related("office").get(pk=slot.pk),
        procedure=slot.window.procedures.get(),
        applicants=[factories.applicant()],
        channel=Channel.WEB,
    ).appointment


def elsewhere(fn):
    """Run `fn` on another connection (a thread has its own) and commit, as another worker does."""
    result: list = []

    def run():
        try:
            result.append(fn())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result[0]


@pytest.mark.django_db(transaction=True)
def test_a_change_through_one_worker_shows_in_the_next_answer_of_another(client, cached, slot):
    with worker("a"):
        assert places(client) == [3]
    with worker("b"):
        assert places(client) == [3]
    appointment = elsewhere(lambda: book(slot))  # through a third process
    with worker("a"):
        assert places(client) == [2]
    with worker("b"):
        assert places(client) == [2]
    elsewhere(lambda: services.cancel_appointment(appointment=appointment, channel=Channel.WEB))
    with worker("b"):
        assert places(client) == [3]
    with worker("a"):
        assert places(client) == [3]


@pytest.mark.django_db(transaction=True)
def test_an_unannounced_change_is_still_answered_from_each_cache(client, cached, slot):
    with worker("a"):
        assert places(client) == [3]
    Slot.objects.filter(pk=slot.pk).update(booked=2)  # behind the services' back
    with worker("a"):
        assert places(client) == [3]
    with worker("b"):
        assert places(client) == [1]


def test_every_change_to_the_slots_adds_to_the_version(slot):
    office = slot.office_id
    seen = [availability_version(office)]

    def changed():
        seen.append(availability_version(office))
        return seen[-1] > seen[-2]

    appointment = book(slot)
    assert changed()
    later = factories.make_slot(slot.window, days_ahead=10, capacity=1)
    services.reschedule_appointment(
        appointment=appointment,
        new_slot=Slot.objects.select_related("office").get(pk=later.pk),
        channel=Channel.WEB,
    )
    assert changed()
    services.cancel_appointment(appointment=appointment, channel=Channel.WEB)
    assert changed()
    hold = services.hold_slot(
        slot=slot, procedure=slot.window.procedures.get(), channel=Channel.WEB, ttl=dt.timedelta(seconds=1)
    )
    assert changed()
    assert services.release_expired_holds(now=hold.hold_expires_at + dt.timedelta(seconds=1)) == 1
    assert changed()
    zone_day = timezone.now().date() + dt.timedelta(days=20)
    scheduling.generate_slots(office=slot.office, start=zone_day, end=zone_day)
    assert changed()


def test_a_change_that_fails_leaves_the_version(slot):
    Slot.objects.filter(pk=slot.pk).update(booked=3)
    before = availability_version(slot.office_id)
    with pytest.raises(SlotFull):
        book(slot)
    with pytest.raises(RuntimeError), transaction.atomic():
        scheduling.note_availability_changed(office_id=slot.office_id)
        raise RuntimeError("rolled back")
    assert availability_version(slot.office_id) == before


def test_the_version_is_the_sum_of_the_shards_and_other_offices_keep_theirs(slot):
    other = factories.make_office("phoenix", tz="America/Phoenix")
    AvailabilityVersion.objects.bulk_create(
        [
            AvailabilityVersion(office=slot.office, shard=0, value=5),
            AvailabilityVersion(office=slot.office, shard=3, value=7),
            AvailabilityVersion(office=other, shard=0, value=100),
        ]
    )
    assert availability_version(slot.office_id) == 12
    scheduling.note_availability_changed(office_id=slot.office_id)
    assert availability_version(slot.office_id) == 13
    assert availability_version(other.pk) == 100
    assert availability_version(factories.make_office("chicago").pk) == 0
