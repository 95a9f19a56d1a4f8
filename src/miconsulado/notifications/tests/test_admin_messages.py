"""The admin lists every message (filters, search by code or address), shows its text, scopes
consular staff to their offices, and "send again" queues a copy with a Message-ID of its own."""

import pytest
from django.urls import reverse
from django.utils import timezone

from miconsulado.accounts.models import Role
from miconsulado.accounts.tests.factories import make_user
from miconsulado.notifications.models import Message, MessageState
from miconsulado.notifications.tests.booking_support import book
from miconsulado.notifications.tests.conftest import deliver_announced, tasks_named
from miconsulado.testing import applicant, make_office, make_slot, make_window

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:notifications_message_changelist"


@pytest.fixture
def messages_two_offices(slot, procedure, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        la = book(slot, procedure, applicant(email="ana@example.com"))
        chicago = make_office("chicago", tz="America/Chicago")
        other = book(
            make_slot(make_window(chicago, [procedure])), procedure, applicant(email="luis@example.com")
        )
    with django_capture_on_commit_callbacks(execute=True):
        deliver_announced()
    return la, other


def listed(client, **params):
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return sorted(m.recipient for m in response.context["cl"].result_list)


def test_filters_and_search(client, messages_two_offices):
    la, _ = messages_two_offices
    client.force_login(make_user(Role.ADMIN))
    assert listed(client) == ["ana@example.com", "luis@example.com"]
    assert listed(client, q=la.code) == ["ana@example.com"]
    assert listed(client, q="luis@example.com") == ["luis@example.com"]
    assert listed(client, office="chicago") == ["luis@example.com"]
    assert listed(client, state="queued", kind="confirmed") == ["ana@example.com", "luis@example.com"]
    assert listed(client, state="sent") == []


def test_staff_see_their_offices_messages_only(client, messages_two_offices, office):
    client.force_login(make_user(Role.CONSULAR_STAFF, offices=[office]))
    assert listed(client) == ["ana@example.com"]


def test_the_page_shows_the_rendered_text(client, messages_two_offices):
    client.force_login(make_user(Role.ADMIN))
    message = Message.objects.get(recipient="ana@example.com")
    page = client.get(reverse("admin:notifications_message_change", args=[message.pk])).content.decode()
    assert "Su cita está confirmada." in page and message.message_id.strip("<>") in page
    assert 'sandbox=""' in page  # the HTML part, shown without acting on the admin


def test_send_again_queues_a_copy_with_its_own_message_id(client, messages_two_offices):
    client.force_login(make_user(Role.ADMIN))
    sent, queued = Message.objects.order_by("recipient")
    Message.objects.filter(pk=sent.pk).update(state=MessageState.SENT, sent_at=timezone.now())
    tasks_named("send_message").clear()
    from django_tasks import default_task_backend

    default_task_backend.clear()
    response = client.post(
        reverse(CHANGELIST), {"action": "send_again", "_selected_action": [sent.pk, queued.pk]}, follow=True
    )
    assert response.status_code == 200
    copy = Message.objects.get(resent_from=sent)
    assert copy.state == MessageState.QUEUED and copy.body_text == sent.body_text
    assert copy.message_id != sent.message_id and copy.dedup_key == f"{sent.dedup_key}:again:1"
    assert not Message.objects.filter(resent_from=queued).exists()  # in flight: left alone
    notes = [str(m) for m in response.context["messages"]]
    assert any("1 mensaje(s) en cola de nuevo." in n for n in notes)
    assert any("1 sin cambio" in n for n in notes)
