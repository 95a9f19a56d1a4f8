"""Input at the edges of what Python and the databases can hold: a clear JSON error, never a 500,
and nothing stored that the other database would refuse."""

import datetime as dt
import itertools
import unicodedata
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from miconsulado.accounts.models import Role
from miconsulado.booking.models import Appointment, Parent
from miconsulado.booking.tests.api_support import bearer, book, booking, get, person, post
from miconsulado.scheduling.models import Slot
from miconsulado.scheduling.rules import FIRST_DATE, LAST_DATE
from miconsulado.testing import applicant, make_curp, make_office, make_procedure, make_slot, make_window

pytestmark = pytest.mark.django_db

URL = "/api/v1/appointments"


def nothing_booked(slot: Slot) -> bool:
    return Slot.objects.get(pk=slot.pk).booked == 0 and not Appointment.objects.exists()


@pytest.mark.parametrize(
    "start", ["9999-12-31T23:59:00-12:00", "9999-12-31T23:59:00", "0001-01-01T00:00:00+14:00"]
)
def test_a_start_at_the_end_of_time_is_no_slot(client, slot, start):
    response = post(client, URL, booking(slot, start=start), lang="en")
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "slot_not_found"
    assert list(response.json()["errors"]) == ["start"]
    assert nothing_booked(slot)


def test_rescheduling_to_the_end_of_time_is_no_slot(client, slot, procedure):
    people = applicant()
    appointment = book(slot, procedure, people)
    response = post(
        client, f"{URL}/{appointment.code}/reschedule", {"curp": people.curp, "start": "9999-12-31T23:59:00"}
    )
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "slot_not_found"


@pytest.mark.parametrize(
    "dates", [{"to": "9998-12-31"}, {"from": "1900-01-01"}, {"from": "1900-01-01", "to": "9998-12-31"}]
)
def test_availability_for_the_ends_of_the_calendar(client, slot, dates):
    response = get(client, f"/api/v1/offices/{slot.office.code}/availability", procedure="matricula", **dates)
    assert response.status_code == 200, response.json()
    assert [s["id"] for s in response.json()["slots"]] == [slot.pk]


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"to": "9999-12-31"}, "to"),
        ({"from": "0001-01-01"}, "from"),
        ({"from": "1899-12-31", "to": "9999-01-01"}, "from"),
        ({"from": "1900-01-01", "to": "9999-01-01"}, "to"),
    ],
)
def test_availability_beyond_the_calendar_is_a_field_error(client, slot, dates, field):
    response = get(
        client, f"/api/v1/offices/{slot.office.code}/availability", procedure="matricula", lang="en", **dates
    )
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "date_out_of_range"
    assert response.json()["errors"] == {
        field: ["Date outside the appointments calendar: use a date between 1900-01-01 and 9998-12-31."]
    }


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "9999-01-01"])
def test_a_day_list_beyond_the_calendar_is_a_field_error(client, slot, day):
    response = get(
        client,
        f"/api/v1/offices/{slot.office.code}/appointments",
        date=day,
        lang="en",
        **bearer(Role.SUPERVISOR),
    )
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "date_out_of_range"
    assert list(response.json()["errors"]) == ["date"]


def test_a_nul_in_a_name_is_refused_naming_the_field(client, slot):
    body = booking(slot, applicants=[person(given_names="Ju\x00an")])
    response = post(client, URL, body, lang="en")
    assert response.status_code == 422
    assert response.json()["code"] == "null_character"
    assert response.json()["errors"] == {
        "applicants.0.given_names": ["The null character (U+0000) is not accepted."]
    }
    assert nothing_booked(slot)


def test_a_nul_in_a_key_is_refused(client, slot):
    body = booking(slot)
    body["appl\x00icants"] = []
    response = post(client, URL, body)
    assert response.status_code == 422
    assert response.json()["code"] == "null_character"
    assert nothing_booked(slot)


@pytest.mark.parametrize(
    "path", ["/api/v1/appointments/Z%00Z?curp=X", "/api/v1/offices/los%00angeles", "/api/v1/procedures?x=%00"]
)
def test_a_nul_in_the_url_is_a_json_400(client, path, db):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "null_character"
    assert "null character" in response.json()["message"]


def test_a_wrong_method_is_a_json_405_with_allow(client, db):
    response = client.put(URL, "{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response["Allow"] == "POST"
    assert response.json()["code"] == "method_not_allowed"
    assert response.json()["message"] == "This resource does not accept PUT; use POST."
    spanish = client.delete("/api/v1/procedures", HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.status_code == 405
    assert spanish.json()["message"] == "Este recurso no admite DELETE; use GET."


def test_a_parent_curp_is_stored_as_validated(client):
    office = make_office("phoenix", tz="America/Phoenix")
    minor = make_procedure("passport-minor", requires_both_parents=True, max_age=17)
    slot = make_slot(make_window(office, [minor]))
    mother = make_curp(sex="M")
    spaced = f"{mother[:4]} {mother[4:10]}-{mother[10:]}".lower()
    child = person(
        birth=dt.date(2018, 5, 1),
        parents=[
            {"role": "mother", "full_name": "María López", "curp": spaced},
            {
                "role": "father",
                "full_name": "Pedro Pérez",
                "present": False,
                "remote_consent_signed_on": timezone.localdate().isoformat(),
            },
        ],
    )
    response = post(client, URL, booking(slot, "passport-minor", applicants=[child]))
    assert response.status_code == 201, response.json()
    assert Parent.objects.get(role="mother").curp == mother


# Decimal digits of other scripts (Arabic-Indic ٥٨١٠٢٨, Devanagari, fullwidth…): a regular
# expression's `\d` takes them for digits, the check digit's alphabet does not.
NON_ASCII_DIGITS = st.characters(categories=["Nd"]).filter(lambda c: not c.isascii())
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Any representable date, the ends of Python's calendar and of the appointments' most often.
ANY_DATE = st.one_of(
    st.sampled_from([dt.date.min, FIRST_DATE, LAST_DATE, dt.date.max]),
    st.dates(),
)


def in_calendar(day: dt.date | None) -> bool:
    return day is None or FIRST_DATE <= day <= LAST_DATE


def with_other_digits(curp: str, scripts: str) -> str:
    """The CURP with its date (positions 4-9) written digit for digit in the scripts of `scripts`'
    digits: the same valid date, which int() reads, so only the format check can refuse it."""
    date = "".join(
        chr(ord(script) - unicodedata.digit(script) + int(d))
        for d, script in zip(curp[4:10], itertools.cycle(scripts), strict=False)
    )
    return curp[:4] + date + curp[10:]


@PROPERTY
@given(digits=st.text(NON_ASCII_DIGITS, min_size=1, max_size=6))
def test_a_curp_in_other_digits_is_a_field_error(client, slot, digits):
    body = booking(slot, applicants=[person(curp=with_other_digits(make_curp(), digits))])
    response = post(client, URL, body, lang="en")
    assert response.status_code == 422, response.json()
    assert list(response.json()["errors"]) == ["applicants.0.curp"]
    assert nothing_booked(slot)


@PROPERTY
@given(digits=st.text(NON_ASCII_DIGITS, min_size=1, max_size=6))
def test_a_parents_curp_in_other_digits_is_a_field_error(client, digits):
    office = make_office("phoenix", tz="America/Phoenix")
    minor = make_procedure("passport-minor", requires_both_parents=True, max_age=17)
    slot = make_slot(make_window(office, [minor]))
    mother = with_other_digits(make_curp(sex="M"), digits)
    child = person(
        birth=dt.date(2018, 5, 1),
        parents=[
            {"role": "mother", "full_name": "María López", "curp": mother},
            {"role": "father", "full_name": "Pedro Pérez"},
        ],
    )
    response = post(client, URL, booking(slot, "passport-minor", applicants=[child]), lang="en")
    assert response.status_code == 422, response.json()
    assert response.json()["errors"] == {"applicants.0.parents.0.curp": ["The CURP is not valid."]}
    assert nothing_booked(slot)


@pytest.fixture
def booked(slot):
    return book(slot, slot.window.procedures.get())


@PROPERTY
@given(day=ANY_DATE)
def test_the_day_list_answers_any_representable_date(client, booked, day):
    """A date of the calendar far from any slot has no appointments: an empty list, as availability
    answers a range beyond the horizon. Beyond the calendar, a field error."""
    office = booked.office
    response = get(
        client, f"/api/v1/offices/{office.code}/appointments", date=day.isoformat(), **bearer(Role.SUPERVISOR)
    )
    if not in_calendar(day):
        assert response.status_code == 422, response.json()
        assert response.json()["errors"].keys() == {"date"}
        return
    assert response.status_code == 200, response.json()
    assert response.json()["date"] == day.isoformat()
    booked_on = booked.slot.start.astimezone(ZoneInfo(office.tz)).date()
    assert len(response.json()["appointments"]) == (day == booked_on)


@PROPERTY
@given(first=st.one_of(st.none(), ANY_DATE), last=st.one_of(st.none(), ANY_DATE))
def test_availability_answers_any_representable_range(client, slot, first, last):
    dates = {"from": first, "to": last}
    response = get(
        client,
        f"/api/v1/offices/{slot.office.code}/availability",
        procedure="matricula",
        **{k: v.isoformat() for k, v in dates.items() if v is not None},
    )
    assert response.status_code in (200, 422), response.json()
    if not (in_calendar(first) and in_calendar(last)):
        assert response.status_code == 422, response.json()
        assert response.json()["code"] == "date_out_of_range"
    elif response.status_code == 422:  # else only an empty range is refused
        assert response.json()["code"] == "invalid_date_range"
