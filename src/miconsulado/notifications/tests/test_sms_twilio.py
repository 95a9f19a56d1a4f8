"""The Twilio provider through the real `twilio` library and `requests`, against a fake Twilio API on
loopback: what it sends, which refusals are permanent and which are worth a retry, and how it finds a
message Twilio already has."""

import base64
import datetime as dt
import socket

import pytest

from miconsulado.notifications.sms import OutgoingSms, PermanentSmsError, TemporarySmsError, TwilioSms
from miconsulado.notifications.tests.twilio_support import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    SENDER,
    LocalTwilioHttpClient,
    Reply,
)


def provider(api, sender: str = SENDER, timeout: float = 5.0) -> TwilioSms:
    return TwilioSms(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        sender=sender,
        http_client=LocalTwilioHttpClient(api.url, timeout=timeout),
    )


def outgoing(to: str = "+12135550100", body: str = "Mi Consulado: cita ACDE-3479 confirmada.", **kw):
    return OutgoingSms(
        to=to,
        body=body,
        reference=kw.pop("reference", "<1.2@consulado.example>"),
        not_before=kw.pop("not_before", dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)),
        **kw,
    )


def test_a_message_is_created_with_its_number_text_sender_and_callback(twilio_api):
    sid = provider(twilio_api).send(
        outgoing(status_callback="https://citas.example/notifications/sms/status?m=7")
    )
    assert sid == twilio_api.messages[0]["sid"] and sid.startswith("SM")
    ((method, path, form, auth),) = twilio_api.requests
    assert (method, path) == ("POST", f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json")
    assert form == {
        "To": ["+12135550100"],
        "From": [SENDER],
        "Body": ["Mi Consulado: cita ACDE-3479 confirmada."],
        "StatusCallback": ["https://citas.example/notifications/sms/status?m=7"],
    }
    assert auth == "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()


def test_a_messaging_service_is_named_as_such_and_no_callback_without_a_public_url(twilio_api):
    provider(twilio_api, sender="MG" + "1" * 32).send(outgoing())
    form = twilio_api.requests[0][2]
    assert form["MessagingServiceSid"] == ["MG" + "1" * 32]
    assert "From" not in form and "StatusCallback" not in form


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (21211, "The 'To' number +1555 is not a valid phone number."),
        (21614, "'To' number is not a valid mobile number"),
        (21610, "Attempt to send to unsubscribed recipient"),
        (21408, "Permission to send an SMS has not been enabled for the region"),
    ],
)
def test_an_invalid_or_unreachable_number_is_a_permanent_failure_with_twilios_reason(twilio_api, code, text):
    twilio_api.script["+12135550100"] = [Reply(status=400, code=code, message=text)]
    with pytest.raises(PermanentSmsError) as raised:
        provider(twilio_api).send(outgoing())
    assert str(code) in str(raised.value) and text in str(raised.value)
    assert not twilio_api.messages


@pytest.mark.parametrize(("status", "code"), [(500, 20500), (503, 20503), (429, 20429), (401, 20003)])
def test_provider_errors_rate_limits_and_refused_credentials_are_temporary(twilio_api, status, code):
    twilio_api.script["+12135550100"] = [Reply(status=status, code=code, message="try later")]
    with pytest.raises(TemporarySmsError) as raised:
        provider(twilio_api).send(outgoing())
    assert str(status) in str(raised.value)


def test_a_timeout_is_temporary(twilio_api):
    twilio_api.script["+12135550100"] = [Reply(delay=1.0)]
    with pytest.raises(TemporarySmsError) as raised:
        provider(twilio_api, timeout=0.2).send(outgoing())
    assert "Timeout" in str(raised.value)


def test_no_connection_is_temporary():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"  # bound, not listening: refused

    class Nowhere:
        url = closed

    with pytest.raises(TemporarySmsError) as raised:
        provider(Nowhere()).send(outgoing())
    assert "ConnectionError" in str(raised.value)


def test_find_sent_knows_a_message_with_this_text_to_this_number_since_the_row_was_written(twilio_api):
    sms = outgoing()
    sid = provider(twilio_api).send(sms)
    provider(twilio_api).send(outgoing(to="+12135550199"))  # another number, same text
    assert provider(twilio_api).find_sent(sms) == sid
    assert provider(twilio_api).find_sent(outgoing(body="Otro texto.")) is None
    assert provider(twilio_api).find_sent(outgoing(to="+12135550111")) is None
    # A newer row with the same text (the admin's "send again") does not take the old message for its own.
    later = outgoing(not_before=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2))
    assert provider(twilio_api).find_sent(later) is None
    gets = [r for r in twilio_api.requests if r[0] == "GET"]
    assert gets[0][2]["To"] == ["+12135550100"]


def test_find_sent_failing_is_temporary_not_a_blind_resend(twilio_api):
    class Nowhere:
        url = "http://127.0.0.1:9"

    with pytest.raises(TemporarySmsError):
        provider(Nowhere()).find_sent(outgoing())
