"""Twilio's delivery reports for our SMS, and the short link an SMS carries.

Twilio POSTs a message's status to the callback URL it was sent with (sms.status_callback_url:
MICONSULADO_PUBLIC_URL + /notifications/sms/status?m=<row>). The request is believed only if its
X-Twilio-Signature is Twilio's signature, with TWILIO_AUTH_TOKEN, of the public URL and the
parameters (twilio's RequestValidator); otherwise 403 and nothing changes. A valid report about a
message we do not know, or with a status we do not know, is answered 204 and ignored.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from miconsulado.booking.codes import normalize_code
from miconsulado.core.twilio_signature import is_signed_by_twilio
from miconsulado.notifications.models import Message, MessageChannel, MessageState

logger = logging.getLogger(__name__)

# Twilio's message statuses (https://www.twilio.com/docs/messaging/api/message-resource).
DELIVERED = frozenset({"delivered", "read"})
NOT_DELIVERED = frozenset({"undelivered", "failed", "canceled"})
FINAL = DELIVERED | NOT_DELIVERED
UNDER_WAY = frozenset({"accepted", "scheduled", "queued", "sending", "sent"})
SID = re.compile(r"(SM|MM)[0-9a-f]{32}", re.ASCII)


@csrf_exempt
@require_POST
def status_callback(request: HttpRequest) -> HttpResponse:
    if not is_signed_by_twilio(request):
        return HttpResponseForbidden("invalid signature")
    sid = request.POST.get("MessageSid", "")
    status = (request.POST.get("MessageStatus") or request.POST.get("SmsStatus") or "").lower()
    # Only what Twilio sends is looked at or stored (PostgreSQL refuses a NUL in a text, say).
    if not SID.fullmatch(sid) or status not in FINAL | UNDER_WAY:
        return HttpResponse(status=204)
    account = request.POST.get("AccountSid", "")
    if settings.TWILIO_ACCOUNT_SID and account and account != settings.TWILIO_ACCOUNT_SID:
        return HttpResponse(status=204)  # another account's message (a shared token?): not ours
    record_status(
        sid=sid,
        status=status,
        error_code=error_code if (error_code := request.POST.get("ErrorCode", "")).isdecimal() else "",
        row=request.GET.get("m", ""),
    )
    return HttpResponse(status=204)


def record_status(*, sid: str, status: str, error_code: str = "", row: str = "") -> bool:
    """Record Twilio's `status` of message `sid` on its row (named by `row`, the callback URL's `m`,
    else found by the SID); whether a row was changed. A final status is not overwritten by a late
    one still under way (Twilio's reports may arrive out of order)."""
    with transaction.atomic():
        found = Message.objects.select_for_update().filter(channel=MessageChannel.SMS)
        message = None
        if row.isdigit() and len(row) < 19:
            message = found.filter(pk=int(row)).first()
            if message is not None and message.provider_message_id not in ("", sid):
                message = None  # another send of that row (a repeat after a crash): go by the SID
        if message is None:
            message = found.filter(provider_message_id=sid).first()
        if message is None:
            logger.info("SMS status %s for unknown message %s: ignored", status, sid)
            return False
        if message.provider_status in FINAL and status not in FINAL:
            return False
        now = timezone.now()
        changes: dict[str, object] = {"provider_status": status, "updated_at": now}
        if not message.provider_message_id:
            changes["provider_message_id"] = sid  # the report came before the worker recorded it
        if status in DELIVERED and message.state in (MessageState.QUEUED, MessageState.FAILED):
            # Handed over after all (a time-out taken for a failure): it arrived, nothing to retry.
            changes.update(state=MessageState.SENT, sent_at=message.sent_at or now, last_error="")
        elif status in NOT_DELIVERED and message.state != MessageState.CANCELLED:
            changes.update(
                state=MessageState.FAILED,
                last_error=f"Twilio: {status}" + (f", error {error_code}" if error_code else ""),
            )
        Message.objects.filter(pk=message.pk).update(**changes)
    return True


@require_GET
def appointment_link(request: HttpRequest, code: str) -> HttpResponse:
    """The short link of an SMS: to the portal's page of the appointment, where the code and the
    CURP show, cancel or move it; the home page until the portal has one."""
    code = normalize_code(code)[:20]
    try:
        target = reverse("portal:appointment", kwargs={"code": code})
    except NoReverseMatch:
        target = "/"  # the portal's start page
    return HttpResponseRedirect(target)
