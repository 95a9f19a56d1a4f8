"""The language an appointment's people are written to in: the body's `language`, else the
Accept-Language header's if it is one of ours, else Spanish; answered with the appointment, kept
by every later change, and carried by its events."""

import pytest
from django_tasks import default_task_backend

from miconsulado.booking.models import Appointment
from miconsulado.booking.tests.api_support import booking, offset_start, post
from miconsulado.testing import make_slot

pytestmark = pytest.mark.django_db
URL = "/api/v1/appointments"


@pytest.fixture(autouse=True)
def clear_tasks():
    default_task_backend.clear()


def announced():
    """(event name, payload) of every delivery queued so far."""
    return [tuple(r.args[:2]) for r in default_task_backend.results if r.task.name == "deliver_event"]


def created(response, language):
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["language"] == language
    assert Appointment.objects.get(code=data["code"]).language == language
    return data


@pytest.mark.parametrize(
    ("body", "header", "language"),
    [
        ("en", "es", "en"),  # the body wins over the header
        ("es", "en-US,en;q=0.9", "es"),
        (None, "en-US,en;q=0.9", "en"),  # else the header, a regional variant included
        (None, "fr-CA,fr;q=0.9", "es"),  # a language we do not write in: Spanish
        (None, "es-MX", "es"),
    ],
)
def test_the_body_then_accept_language_then_spanish(client, slot, body, header, language):
    overrides = {} if body is None else {"language": body}
    created(post(client, URL, booking(slot, **overrides), lang=header), language)


def test_without_any_preference_it_is_spanish(client, slot):
    response = client.post(URL, booking(slot), content_type="application/json")  # no Accept-Language
    created(response, "es")


@pytest.mark.parametrize("bad", ["fr", "EN", "en-US", "", 1, ["en"]])
def test_any_other_value_is_refused_and_nothing_is_written(client, slot, bad):
    response = post(client, URL, booking(slot, language=bad), lang="en")
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == "validation_error"
    assert list(body["errors"]) == ["language"]
    assert "es, en" in body["errors"]["language"][0]
    assert not Appointment.objects.exists()
    slot.refresh_from_db()
    assert slot.booked == 0


def test_the_confirmation_event_carries_it(client, slot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the deliveries are queued on commit
        data = created(post(client, URL, booking(slot, language="en")), "en")
    ((name, payload),) = announced()
    assert (name, payload["appointment"], payload["language"]) == (
        "booking.appointment_confirmed",
        data["code"],
        "en",
    )


def test_lookup_reschedule_and_cancel_keep_it(client, slot, window, django_capture_on_commit_callbacks):
    body = booking(slot, language="en")
    curp = body["applicants"][0]["curp"]
    with django_capture_on_commit_callbacks(execute=True):
        code = created(post(client, URL, body), "en")["code"]
    # Asked in Spanish afterwards: the appointment's language is what it was booked in.
    looked_up = client.get(f"{URL}/{code}", {"curp": curp}, HTTP_ACCEPT_LANGUAGE="es")
    assert looked_up.json()["language"] == "en"
    later = make_slot(window, days_ahead=10, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        moved = post(client, f"{URL}/{code}/reschedule", {"curp": curp, "start": offset_start(later)})
    assert moved.status_code == 200, moved.json()
    assert moved.json()["language"] == "en"
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = post(client, f"{URL}/{code}/cancel", {"curp": curp})
    assert cancelled.status_code == 200, cancelled.json()
    assert cancelled.json()["language"] == "en"
    assert Appointment.objects.get(code=code).language == "en"
    events = {name: payload["language"] for name, payload in announced()}
    assert events == {
        "booking.appointment_confirmed": "en",
        "booking.appointment_rescheduled": "en",
        "booking.appointment_cancelled": "en",
        "booking.places_freed": "en",
    }
