"""An office with an address, a procedure with documents and fees, and appointments on chosen local
days (booked as of a few days before, so that any future day is within the booking rules)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from miconsulado.booking import services
from miconsulado.booking.applicants import ApplicantData
from miconsulado.booking.models import Appointment
from miconsulado.catalog.models import Fee, Office
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import ServiceWindow
from miconsulado.testing import applicant, make_office, make_procedure, make_slot, make_window


@pytest.fixture
def office(db):
    return make_office(
        "losangeles",
        tz="America/Los_Angeles",
        city="Los Angeles",
        name_es="Consulado General de México en Los Ángeles",
        name_en="Consulate General of Mexico in Los Angeles",
        address="2401 W 6th St, Los Angeles, CA 90057",
    )


@pytest.fixture
def procedure(db):
    procedure = make_procedure(
        "passport-renewal",
        name_es="Renovación de pasaporte",
        name_en="Passport renewal",
        documents_es=(
            "Pasaporte anterior\nIdentificación oficial con fotografía\n"
            "Acta de nacimiento mexicana certificada (o carta de naturalización o certificado de "
            "nacionalidad mexicana), si el pasaporte anterior venció hace más de diez años"
        ),
        documents_en="Previous passport\nOfficial photo ID",
    )
    Fee.objects.create(
        procedure=procedure,
        variant="6y",
        name_es="Pasaporte de 6 años",
        name_en="6-year passport",
        amount_cents=13800,
        valid_from=dt.date(2026, 1, 1),
    )
    return procedure


@pytest.fixture
def window(office, procedure):
    return make_window(office, [procedure], desks=2)


def book_at(
    window: ServiceWindow, local: dt.datetime, *people: ApplicantData, office: Office | None = None
) -> Appointment:
    """An appointment at `local` (the office's wall clock), booked a week before."""
    start = local.replace(tzinfo=ZoneInfo(window.office.tz)).astimezone(dt.UTC)
    slot = make_slot(window, start=start, capacity=4)
    procedure = window.procedures.get()
    return services.book_appointment(
        slot=slot,
        procedure=procedure,
        applicants=list(people) or [applicant()],
        channel=Channel.API,
        now=start - dt.timedelta(days=7),
    ).appointment
