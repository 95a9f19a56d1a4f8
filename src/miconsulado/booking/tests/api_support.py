"""Helpers for the API tests: request bodies and bearer tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client

from miconsulado.accounts.services import issue_token
from miconsulado.accounts.tests.factories import make_user
from miconsulado.booking import services
from miconsulado.booking.applicants import ApplicantData
from miconsulado.booking.models import Appointment
from miconsulado.catalog.models import Office, Procedure
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant

# What the CURP is made from (names, birth, sex): passed to the factory so that they agree.
_MADE_FROM = ("birth", "sex", "given_names", "first_surname", "second_surname")


def person(**overrides: Any) -> dict[str, Any]:
    """An applicant as JSON, valid unless told otherwise; its CURP agrees with the names given."""
    data = applicant(**{k: v for k, v in overrides.items() if k in _MADE_FROM})
    result: dict[str, Any] = {
        "curp": data.curp,
        "given_names": data.given_names,
        "first_surname": data.first_surname,
        "second_surname": data.second_surname,
        "birth_date": data.birth_date.isoformat(),
        "email": data.email,
        "phone": data.phone,
    }
    result.update({k: v for k, v in overrides.items() if k not in ("birth", "sex")})
    return result


def local_start(slot: Slot, office: Office | None = None) -> str:
    """The slot's start as the office's wall-clock time, without an offset."""
    zone = ZoneInfo((office or slot.office).tz)
    return slot.start.astimezone(zone).replace(tzinfo=None).isoformat(timespec="minutes")


def offset_start(slot: Slot) -> str:
    return slot.start.astimezone(ZoneInfo(slot.office.tz)).isoformat()


def booking(slot: Slot, procedure: str = "matricula", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "office": slot.office.code,
        "procedure": procedure,
        "start": offset_start(slot),
        "applicants": [person()],
    }
    body.update(overrides)
    return body


def bearer(role: str, *, offices: tuple[Office, ...] = ()) -> dict[str, str]:
    """Headers for the test client carrying a fresh token of a new user with `role`."""
    user = make_user(role, offices=offices)
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user=user)}"}


def post(client: Client, url: str, data: Any, lang: str = "es", **headers: str) -> Any:
    return client.post(url, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang, **headers)


def get(client: Client, url: str, lang: str = "es", **params: Any) -> Any:
    headers = {k: v for k, v in params.items() if k.startswith("HTTP_")}
    query = {k: v for k, v in params.items() if not k.startswith("HTTP_")}
    return client.get(url, query, HTTP_ACCEPT_LANGUAGE=lang, **headers)


def in_days(days: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=days)


def book(slot: Slot, procedure: Procedure, *people: ApplicantData) -> Appointment:
    """An appointment made through the booking service (the API is not under test in the setup)."""
    return services.book_appointment(
        slot=slot, procedure=procedure, applicants=list(people) or [applicant()], channel=Channel.API
    ).appointment
