"""Twilio's delivery reports: believed only with Twilio's signature of the public URL (403 and
nothing changed otherwise), recorded on the row, harmless when unknown or garbled."""

import pytest
from django.test import override_settings
from django.utils import timezone
from twilio.request_validator import RequestValidator

from miconsulado.notifications.models import Message, MessageChannel, MessageKind, MessageState
from miconsulado.notifications.tests.twilio_support import ACCOUNT_SID, AUTH_TOKEN

pytestmark = pytest.mark.django_db

PUBLIC = "https://citas.example"
SID = "SM" + "a" * 32


@pytest.fixture(autouse=True)
def configured():
    with override_settings(TWILIO_AUTH_TOKEN=AUTH_TOKEN, TWILIO_ACCOUNT_SID=ACCOUNT_SID, PUBLIC_URL=PUBLIC):
        yield


@pytest.fixture
def row():
    return Message.objects.create(
        kind=MessageKind.CONFIRMED,
        channel=MessageChannel.SMS,
        recipient="+12135550100",
        language="es",
        dedup_key="confirmed:X:1:sms:+12135550100",
        message_id="<1@consulado.example>",
        body_text="Mi Consulado: cita confirmada.",
        state=MessageState.SENT,
        sent_at=timezone.now(),
        attempts=1,
        provider_message_id=SID,
    )


def report(client, params, *, path=None, token=AUTH_TOKEN, url=None, signature=None):
    path = path or "/notifications/sms/status"
    signed_url = url or PUBLIC + path
    headers = {}
    if signature is None:
        signature = RequestValidator(token).compute_signature(signed_url, params)
    if signature:
        headers["HTTP_X_TWILIO_SIGNATURE"] = signature
    return client.post(path, params, **headers)


def base(status, **extra):
    return {"MessageSid": SID, "MessageStatus": status, "AccountSid": ACCOUNT_SID, **extra}


def test_delivered_is_recorded(client, row):
    response = report(client, base("delivered"), path=f"/notifications/sms/status?m={row.pk}")
    assert response.status_code == 204
    row.refresh_from_db()
    assert (row.state, row.provider_status, row.last_error) == ("sent", "delivered", "")


def test_undelivered_fails_the_row_with_the_reason(client, row):
    report(client, base("sent"))
    response = report(client, base("undelivered", ErrorCode="30003"))
    assert response.status_code == 204
    row.refresh_from_db()
    assert (row.state, row.provider_status) == ("failed", "undelivered")
    assert row.last_error == "Twilio: undelivered, error 30003"
    # A late "sent" does not undo the final word.
    report(client, base("sent"))
    row.refresh_from_db()
    assert row.provider_status == "undelivered"


def test_an_error_code_that_is_not_a_number_is_left_out(client, row):
    assert report(client, base("failed", ErrorCode="30003\x00<b>")).status_code == 204
    row.refresh_from_db()
    assert (row.state, row.last_error) == ("failed", "Twilio: failed")


def test_a_report_before_the_worker_recorded_the_sid_finds_the_row_by_the_url(client, row):
    Message.objects.filter(pk=row.pk).update(state=MessageState.SENDING, provider_message_id="", sent_at=None)
    report(client, base("failed", ErrorCode="30006"), path=f"/notifications/sms/status?m={row.pk}")
    row.refresh_from_db()
    assert (row.state, row.provider_message_id, row.provider_status) == ("failed", SID, "failed")


def test_a_message_taken_for_failed_that_was_delivered_is_sent(client, row):
    Message.objects.filter(pk=row.pk).update(
        state=MessageState.QUEUED, sent_at=None, last_error="ReadTimeout"
    )
    report(client, base("delivered"))
    row.refresh_from_db()
    assert (row.state, row.last_error) == ("sent", "") and row.sent_at is not None


@pytest.mark.parametrize(
    "forge",
    [
        {"signature": ""},  # missing
        {"signature": "bm90IGEgc2lnbmF0dXJl"},  # made up
        {"token": "another-token"},  # signed with another key
        {"url": "https://evil.example/notifications/sms/status"},  # signed for another URL
    ],
)
def test_a_forged_report_is_refused_and_changes_nothing(client, row, forge):
    response = report(client, base("undelivered", ErrorCode="30003"), **forge)
    assert response.status_code == 403
    row.refresh_from_db()
    assert (row.state, row.provider_status, row.last_error) == ("sent", "", "")


def test_parameters_changed_after_signing_are_refused(client, row):
    params = base("delivered")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + "/notifications/sms/status", params)
    response = client.post(
        "/notifications/sms/status", {**params, "MessageStatus": "failed"}, HTTP_X_TWILIO_SIGNATURE=signature
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.state == "sent"


def test_without_an_auth_token_every_report_is_refused(client, row):
    with override_settings(TWILIO_AUTH_TOKEN=""):
        assert report(client, base("failed")).status_code == 403
    row.refresh_from_db()
    assert row.state == "sent"


def test_without_a_public_url_the_request_url_is_the_signed_one(client, row):
    with override_settings(PUBLIC_URL=""):
        response = report(client, base("delivered"), url="http://testserver/notifications/sms/status")
    assert response.status_code == 204
    row.refresh_from_db()
    assert row.provider_status == "delivered"


@pytest.mark.parametrize(
    "params",
    [
        {"MessageSid": "SMunknown", "MessageStatus": "failed"},
        {"MessageStatus": "failed"},
        {"MessageSid": SID, "MessageStatus": "exploded"},
        {"MessageSid": SID},
        {"MessageSid": SID * 20, "MessageStatus": "failed"},
        {"MessageSid": SID, "MessageStatus": "failed", "AccountSid": "AC" + "9" * 32},
        {"MessageSid": "\x00\ud7ff😀", "MessageStatus": "delivered"},
        {"MessageSid": SID + "\x00", "MessageStatus": "failed"},
        {"MessageSid": SID.upper(), "MessageStatus": "failed"},
    ],
)
def test_unknown_or_garbled_reports_are_harmless(client, row, params):
    response = report(client, params, path="/notifications/sms/status?m=abc")
    assert response.status_code == 204
    row.refresh_from_db()
    assert (row.state, row.provider_status) == ("sent", "")


def test_the_row_in_the_url_must_be_that_messages(client, row):
    other = Message.objects.create(
        kind=MessageKind.CONFIRMED,
        channel=MessageChannel.SMS,
        recipient="+12135550199",
        language="es",
        dedup_key="confirmed:Y:1:sms:+12135550199",
        message_id="<2@consulado.example>",
        body_text="x",
        provider_message_id="SM" + "b" * 32,
    )
    report(client, base("failed"), path=f"/notifications/sms/status?m={other.pk}")
    other.refresh_from_db()
    row.refresh_from_db()
    assert other.provider_status == "" and other.state == "queued"
    assert row.provider_status == "failed"  # found by its SID instead


def test_only_post(client):
    assert client.get("/notifications/sms/status").status_code == 405


def test_the_short_link_leads_to_a_page(client):
    response = client.get("/c/acde3479")
    assert response.status_code == 302 and response["Location"].startswith("/")
