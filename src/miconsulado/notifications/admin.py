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
from miconsulado.notifications.models import Message, MessageKind
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
        "dedup_key",
        "resent_from",
        "subject",
        "text",
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
