"""The line's numbers and settings as the demo data makes them, a clock the tests set, and an
appointment to look up by phone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from miconsulado.booking import services as booking
from miconsulado.booking.models import Appointment
from miconsulado.callcenter.models import LineSettings, NumberRole, PhoneNumber
from miconsulado.callcenter.tests.caller import TestCaller
from miconsulado.catalog.models import Fee
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant, make_office, make_procedure, make_slot, make_window

MAIN = "+14243090009"
MEXICO = "+525511112222"
RETIRED = ("+18776394835", "+19776394835", "+528006394835")
EMERGENCY = "+15205551234"
LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def line(db) -> LineSettings:
    PhoneNumber.objects.create(number=MAIN, role=NumberRole.MAIN)
    PhoneNumber.objects.create(number=MEXICO, role=NumberRole.MEXICO)
    for number in RETIRED:
        PhoneNumber.objects.create(number=number, role=NumberRole.RETIRED)
    return LineSettings.objects.create(pk=1, emergency_number=EMERGENCY, portal_address="miconsulado.gob.mx")


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """Set the clock to a wall-clock time in Los Angeles (the line's default zone)."""

    def set_clock(local: dt.datetime) -> None:
        instant = local.replace(tzinfo=LA).astimezone(dt.UTC)
        monkeypatch.setattr(timezone, "now", lambda: instant)

    return set_clock


@pytest.fixture
def in_hours(at) -> None:
    at(dt.datetime(2026, 12, 2, 10, 0))  # a Wednesday morning


@pytest.fixture
def caller(client, line) -> TestCaller:
    return TestCaller(client)


BIRTH = dt.date(1985, 4, 12)


@pytest.fixture
def appointment(db) -> Appointment:
    """A confirmed appointment on Wednesday 16 December 2026, 09:00 in Los Angeles, booked the week
    before, for someone born on 12 April 1985."""
    office = make_office("losangeles", name_es="Consulado en Los Ángeles", name_en="Consulate in Los Angeles")
    procedure = make_procedure(
        "passport-renewal",
        name_es="Renovación de pasaporte",
        name_en="Passport renewal",
        documents_es="Pasaporte anterior\nIdentificación oficial",
        documents_en="Previous passport\nOfficial ID",
    )
    Fee.objects.create(
        procedure=procedure,
        variant="6y",
        name_es="Pasaporte de 6 años",
        name_en="6-year passport",
        amount_cents=13850,
        valid_from=dt.date(2026, 1, 1),
    )
    window = make_window(office, [procedure])
    start = dt.datetime(2026, 12, 16, 9, 0, tzinfo=LA).astimezone(dt.UTC)
    slot = make_slot(window, start=start, capacity=2)
    return booking.book_appointment(
        slot=slot,
        procedure=procedure,
        applicants=[applicant(birth=BIRTH)],
        channel=Channel.API,
        now=start - dt.timedelta(days=7),
    ).appointment


@pytest.fixture
def provider():
    """The in-memory provider: what the line asked it to do (redirects, calls placed)."""
    from miconsulado.callcenter.provider import FakeProvider, use_provider

    fake = FakeProvider()
    use_provider(fake)
    yield fake
    use_provider(None)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """A clock in hours (Wednesday 2 December 2026, 10:00 in Los Angeles) that a test moves on."""

    class Clock:
        now = dt.datetime(2026, 12, 2, 10, 0, tzinfo=LA).astimezone(dt.UTC)

        def advance(self, seconds: float) -> None:
            self.now += dt.timedelta(seconds=seconds)

    moving = Clock()
    monkeypatch.setattr(timezone, "now", lambda: moving.now)
    return moving
