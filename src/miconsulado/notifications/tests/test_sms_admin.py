"""SMS in the admin: found by the number as people type it, shown with their text and length,
scoped to staff's offices like e-mails."""

import pytest
from django.test import override_settings
from django.urls import reverse

from miconsulado.accounts.models import Role
from miconsulado.accounts.tests.factories import make_user
from miconsulado.notifications.models import Message, MessageChannel
from miconsulado.notifications.tests.booking_support import book
from miconsulado.notifications.tests.conftest import deliver_announced
from miconsulado.testing import applicant, make_office, make_slot, make_window

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:notifications_message_changelist"


@pytest.fixture
def sms_two_offices(slot, procedure, django_capture_on_commit_callbacks):
    with override_settings(SMS_BACKEND="memory", PUBLIC_URL="https://citas.example"):
        with django_capture_on_commit_callbacks(execute=True):
            la = book(slot, procedure, applicant(email="ana@example.com", phone="+1 213 555 0100"))
            chicago = make_office("chicago", tz="America/Chicago")
            other = book(
                make_slot(make_window(chicago, [procedure])),
                procedure,
                applicant(email="luis@example.com", phone="+52 55 1234 5678"),
            )
        with django_capture_on_commit_callbacks(execute=True):
            deliver_announced()
    return la, other


def listed(client, **params):
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return sorted(m.recipient for m in response.context["cl"].result_list)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("+12135550100", ["+12135550100"]),
        ("+1 213 555 0100", ["+12135550100"]),
        ("(213) 555-0100", ["+12135550100"]),
        ("213.555.0100", ["+12135550100"]),
        ("55 1234 5678", ["+525512345678"]),
        ("5550100", ["+12135550100"]),
        ("(999) 555-0000", []),
    ],
)
def test_search_by_phone_as_typed(client, sms_two_offices, typed, found):
    client.force_login(make_user(Role.ADMIN))
    assert listed(client, q=typed) == found


def test_search_by_code_and_filter_by_channel_still_work(client, sms_two_offices):
    la, _ = sms_two_offices
    client.force_login(make_user(Role.ADMIN))
    assert listed(client, q=la.code) == ["+12135550100", "ana@example.com"]
    assert listed(client, channel="sms") == ["+12135550100", "+525512345678"]


def test_staff_see_their_offices_sms_only_even_by_phone(client, sms_two_offices, office):
    client.force_login(make_user(Role.CONSULAR_STAFF, offices=[office]))
    assert listed(client, q="(55) 1234-5678") == []
    assert listed(client, channel="sms") == ["+12135550100"]


def test_the_page_shows_the_sms_text_and_its_length(client, sms_two_offices):
    client.force_login(make_user(Role.ADMIN))
    message = Message.objects.get(channel=MessageChannel.SMS, recipient="+12135550100")
    page = client.get(reverse("admin:notifications_message_change", args=[message.pk])).content.decode()
    assert "hora local" in page and f"https://citas.example/c/{message.appointment.code}" in page
    assert f"{len(message.body_text)} caracteres GSM-7, 1 segmento(s)" in page
