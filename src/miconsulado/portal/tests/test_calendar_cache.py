"""The calendar's times are cached like the API's availability: a booking shows at once."""

import pytest
from django.core.cache import cache

from miconsulado import testing as factories
from miconsulado.booking.services import book_appointment
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot

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
    return factories.make_slot(factories.make_window(office, [procedure]), capacity=3)


def places(client) -> str:
    html = client.get(
        "/oficinas/losangeles/passport-renewal/fecha/", HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    return html[html.index('<ul class="times">') :].split("lugar", 1)[0].rsplit(">", 1)[1].strip()


def test_cached_until_a_booking_changes_the_office(client, cached, slot):
    assert places(client) == "3"
    Slot.objects.filter(pk=slot.pk).update(booked=1)  # behind the services' back: not announced
    assert places(client) == "3"
    book_appointment(
        slot=slot,
        procedure=slot.window.procedures.get(),
        applicants=[factories.applicant()],
        channel=Channel.WEB,
    )
    assert places(client) == "1"  # 3 - 1 (the unannounced) - 1 (the booking)
