"""The outbox in the admin: every message, its state and its text; "send again" for those sent or
failed. Rows are never edited here: the worker alone moves their state."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from miconsulado.accounts.admin_scope import OfficeFilter, OfficeScopedAdmin
from miconsulado.notifications.gsm7 import is_gsm7, segments, septets
from miconsulado.notifications.models import Message, MessageChannel, MessageKind
from miconsulado.notifications.services import send_again

# A verification code is a key to somebody's hold: whoever reads the outbox must not be able to use it.
_CODE_DIGITS = re.compile(r"(?<!\d)\d{6}(?!\d)")


def masked(message: Message, body: str) -> str:
    """The body as the admin shows it: a verification code's digits hidden."""
    if message.kind != MessageKind.VERIFICATION_CODE:
        return body
    return _CODE_DIGITS.sub("••••••", body)


@admin.register(Message)
class MessageAdmin(OfficeScopedAdmin):
    staff_permissions = frozenset({"view", "change"})
    list_display = (
        "created_at",
        "kind",
        "channel",
        "recipient",
        "appointment",
        "office",
        "state",
        "attempts",
    )
    list_filter = ("state", "kind", "channel", OfficeFilter, "created_at")
    list_select_related = ("appointment", "office")
    date_hierarchy = "created_at"
    search_fields = ("appointment__code", "recipient")
    search_help_text = _("Código de confirmación, correo electrónico o teléfono.")
    show_full_result_count = False
    fields = (
        "kind",
        "channel",
        "recipient",
        "language",
        "appointment",
        "office",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "message_id",
        "provider_message_id",
        "provider_status",
        "dedup_key",
        "resent_from",
        "subject",
        "text",
        "sms_length",
        "html_preview",
    )
    readonly_fields = fields
    actions = ("send_again",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("texto"))
    def text(self, obj: Message) -> str:
        return format_html('<pre style="white-space:pre-wrap">{}</pre>', masked(obj, obj.body_text))

    @admin.display(description=_("longitud del SMS"))
    def sms_length(self, obj: Message) -> str:
        if obj.channel != MessageChannel.SMS:
            return "—"
        if not is_gsm7(obj.body_text):
            return gettext("%(n)s caracteres, Unicode") % {"n": len(obj.body_text)}
        return gettext("%(n)s caracteres GSM-7, %(parts)s segmento(s)") % {
            "n": septets(obj.body_text),
            "parts": segments(obj.body_text),
        }

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Message], search_term: str
    ) -> tuple[QuerySet[Message], bool]:
        """A phone number as people type it ("(213) 555-0100", "+1 213 555 0100") finds the
        E.164 rows (+12135550100), besides the usual search."""
        results, duplicates = super().get_search_results(request, queryset, search_term)
        digits = re.sub(r"\D", "", search_term)
        if len(digits) >= 7 and re.fullmatch(r"[\d\s()+.\-]+", search_term.strip()):
            results = results | queryset.filter(channel=MessageChannel.SMS, recipient__endswith=digits[-10:])
        return results, duplicates

    @admin.display(description=_("HTML"))
    def html_preview(self, obj: Message) -> str:
        if not obj.body_html:
            return "—"
        # Sandboxed: the message's HTML shown as the recipient sees it, without scripts or links
        # that act on the admin.
        return format_html(
            '<iframe sandbox="" srcdoc="{}" style="width:100%;height:480px;border:1px solid #ccc"></iframe>',
            masked(obj, obj.body_html),
        )

    @admin.action(description=_("Enviar de nuevo"), permissions=["change"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        copies = send_again(queryset)
        skipped = queryset.count() - len(copies)
        self.message_user(
            request, gettext("%(n)s mensaje(s) en cola de nuevo.") % {"n": len(copies)}, messages.SUCCESS
        )
        if skipped:
            self.message_user(
                request,
                gettext("%(n)s sin cambio: sólo se reenvían los mensajes enviados o fallidos.")
                % {"n": skipped},
                messages.WARNING,
            )
