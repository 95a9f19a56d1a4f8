"""The page behind the cancel link: GET only shows, POST (with CSRF) cancels through booking's
service; a tampered, expired or reused link gets a clear page and changes nothing."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from miconsulado.booking import services
from miconsulado.booking.models import AppointmentAction, AppointmentStatus
from miconsulado.core.channels import Channel
from miconsulado.core.signed_links import sign_link
from miconsulado.notifications.links import CANCEL, absolute, cancel_subject
from miconsulado.notifications.models import Message, MessageKind
from miconsulado.notifications.tests.conftest import deliver_announced, tasks_named
from miconsulado.notifications.tests.reminder_support import book_in, slot_in
from miconsulado.scheduling.models import Slot

pytestmark = pytest.mark.django_db(transaction=True)


def token_for(appointment, *, slot_id=None, expires_at=None, purpose=CANCEL):
    return sign_link(
        purpose=purpose,
        subject=cancel_subject(appointment.code, slot_id or appointment.slot_id),
        expires_at=expires_at or timezone.now() + dt.timedelta(days=1),
    )


def url(token):
    return reverse("cancel_appointment_link", args=[token])


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def post_with_csrf(client, path):
    page = client.get(path)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(path, {"csrfmiddlewaretoken": csrf})


def cancellations(appointment):
    return appointment.events.filter(action=AppointmentAction.CANCELLED).count()


def test_get_shows_the_appointment_and_a_button_and_changes_nothing(window, client):
    appointment = book_in(window, 10 * 24)
    response = client.get(url(token_for(appointment)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Cancelar mi cita</h1>" in html
    assert appointment.code in html and "Renovación de pasaporte" in html
    assert '<form method="post"' in html and 'type="submit"' in html
    assert "no-store" in response["Cache-Control"]
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


def test_post_with_csrf_cancels_through_the_booking_core(window, csrf_client):
    appointment = book_in(window, 10 * 24)
    tasks_named("deliver_event")
    response = post_with_csrf(csrf_client, url(token_for(appointment)))
    assert response.status_code == 200
    assert "Su cita fue cancelada" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    event = appointment.events.get(action=AppointmentAction.CANCELLED)
    assert event.channel == Channel.WEB
    # The core announced it: the cancellation e-mail follows as for any other channel.
    deliver_announced()
    assert Message.objects.filter(appointment=appointment, kind=MessageKind.CANCELLED).exists()


def test_post_without_csrf_is_refused_and_changes_nothing(window, csrf_client):
    appointment = book_in(window, 10 * 24)
    response = csrf_client.post(url(token_for(appointment)))
    assert response.status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature altered
        lambda t: "x" + t,  # payload altered
        lambda t: "not-a-token",
        lambda t: "%C3%B1" + t,  # odd Unicode in front
    ],
)
def test_a_tampered_link_gets_a_clear_page_and_changes_nothing(window, client, mangle):
    appointment = book_in(window, 10 * 24)
    for method in (client.get, client.post):
        response = method(url(mangle(token_for(appointment))))
        assert response.status_code == 400
        assert "Enlace no válido" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


def test_a_link_made_for_another_purpose_is_refused(window, client):
    appointment = book_in(window, 10 * 24)
    response = client.post(url(token_for(appointment, purpose="offer")))
    assert response.status_code == 400
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


def test_an_expired_link_says_so_and_changes_nothing(window, client):
    appointment = book_in(window, 10 * 24)
    token = token_for(appointment, expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.post(url(token))
    assert response.status_code == 410
    assert "Este enlace ya venció" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


def test_a_reused_link_says_the_appointment_is_already_cancelled(window, csrf_client):
    appointment = book_in(window, 10 * 24)
    path = url(token_for(appointment))
    post_with_csrf(csrf_client, path)
    again = post_with_csrf(csrf_client, path)
    assert again.status_code == 200
    assert "Esta cita ya estaba cancelada" in again.content.decode()
    assert cancellations(appointment) == 1


def test_a_link_for_the_time_before_a_move_cancels_nothing(window, csrf_client):
    appointment = book_in(window, 10 * 24)
    path = url(token_for(appointment))
    services.reschedule_appointment(
        appointment=appointment, new_slot=slot_in(window, 20 * 24), channel=Channel.PHONE, now=timezone.now()
    )
    response = csrf_client.get(path)
    assert response.status_code == 410
    assert "Su cita cambió desde que recibió este enlace" in response.content.decode()
    html = response.content.decode()
    assert '<form method="post"' not in html
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


def test_moved_between_showing_and_pressing_the_button_cancels_nothing(window, csrf_client):
    appointment = book_in(window, 10 * 24)
    path = url(token_for(appointment))
    page = csrf_client.get(path)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    services.reschedule_appointment(
        appointment=appointment, new_slot=slot_in(window, 20 * 24), channel=Channel.PHONE, now=timezone.now()
    )
    response = csrf_client.post(path, {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 410
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


def test_the_page_speaks_the_appointments_language_unless_the_visitor_switches(window, client):
    appointment = book_in(window, 10 * 24, language="en")
    path = url(token_for(appointment))
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="es")
    html = response.content.decode()
    assert '<html lang="en">' in html and "<h1>Cancel my appointment</h1>" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    html = client.get(path).content.decode()
    assert '<html lang="es">' in html and "<h1>Cancelar mi cita</h1>" in html


def test_an_unreadable_link_speaks_the_browsers_language(client):
    response = client.get(url("garbage"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Invalid link" in response.content.decode()


def test_past_the_cut_off_a_slot_in_conflict_can_still_be_cancelled(window, csrf_client):
    appointment = book_in(window, 10)  # inside the 24 h cut-off
    Slot.objects.filter(pk=appointment.slot_id).update(conflict=True, conflict_reason="Cierre: obras")
    token = token_for(appointment, expires_at=appointment.slot.start)  # an apology's link
    response = post_with_csrf(csrf_client, url(token))
    assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_past_the_cut_off_an_ordinary_slot_is_not_cancelled(window, csrf_client):
    appointment = book_in(window, 10)
    token = token_for(appointment, expires_at=appointment.slot.start)  # say the cut-off grew since
    response = post_with_csrf(csrf_client, url(token))
    assert response.status_code == 410
    assert "Ya no es posible cancelar en línea" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


def test_the_confirmation_email_carries_the_link_to_this_page(window, client):
    appointment = book_in(window, 10 * 24)
    deliver_announced()
    confirmation = Message.objects.get(appointment=appointment, kind=MessageKind.CONFIRMED)
    link = next(line for line in confirmation.body_text.splitlines() if "/cita/cancelar/" in line)
    assert link.startswith(absolute("/cita/cancelar/"))
    assert 'href="' + link + '"' in confirmation.body_html
    response = client.get(link.removeprefix(absolute("")))
    assert response.status_code == 200 and appointment.code in response.content.decode()


def test_a_confirmation_inside_the_cut_off_has_no_link(window):
    appointment = book_in(window, 10)
    deliver_announced()
    confirmation = Message.objects.get(appointment=appointment, kind=MessageKind.CONFIRMED)
    assert "/cita/cancelar/" not in confirmation.body_text
    assert "Ya no es posible cancelar esta cita en línea" in confirmation.body_text


def test_the_page_keeps_its_token_on_the_site_without_breaking_its_form(window, client):
    """Referrer-Policy same-origin (the token never leaves the site), and no "no-referrer" on the
    page: with it a browser sends `Origin: null` with the POST and the CSRF check refuses the button
    (tests/browser/test_signed_link_pages_in_browser.py presses it in Chromium)."""
    appointment = book_in(window, 10 * 24)
    response = client.get(url(token_for(appointment)))
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-referrer" not in response.content.decode()
