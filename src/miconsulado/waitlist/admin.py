"""The waitlist in the admin: entries (with their offers and history) and offers, read-only and
scoped to the user's offices. Changes go through the services (API, pages), which keep the line's
rules; the admin's one action, "leave the list", calls them too."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from miconsulado.accounts.admin_scope import (
    OfficeScopedAdmin,
    ReadOnlyInlineMixin,
    ReadOnlyMixin,
    ScopedTabularInline,
)
from miconsulado.core.channels import Channel
from miconsulado.core.errors import DomainError
from miconsulado.waitlist import services
from miconsulado.waitlist.models import WaitlistEntry, WaitlistEvent, WaitlistOffer


class OfferInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = WaitlistOffer
    office_path = "entry__office"
    fields = ("public_id", "slot", "hold", "state", "expires_at", "answered_at", "answer_channel")
    readonly_fields = fields
    extra = 0


class EventInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = WaitlistEvent
    office_path = "entry__office"
    fields = ("at", "action", "channel", "actor", "offer", "data")
    readonly_fields = fields
    extra = 0


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(OfficeScopedAdmin):
    staff_permissions = frozenset({"view", "change"})
    list_display = ("public_id", "office", "procedure", "state", "joined_at", "channel", "language")
    list_filter = ("state", "office", "procedure", "channel")
    list_select_related = ("office", "procedure")
    search_fields = ("curp", "email", "=public_id")
    show_full_result_count = False
    inlines = (OfferInline, EventInline)
    fields = (
        "public_id",
        "state",
        "office",
        "procedure",
        "date_from",
        "date_to",
        "language",
        "curp",
        "given_names",
        "first_surname",
        "second_surname",
        "birth_date",
        "email",
        "phone",
        "channel",
        "created_by",
        "joined_at",
    )
    readonly_fields = fields
    actions = ("leave",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people join through the API, the portal or the phone line (the services)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the history stays; "leave the list" ends an entry

    @admin.action(description=_("Sacar de la lista de espera"), permissions=["change"])
    def leave(self, request: HttpRequest, queryset: QuerySet[WaitlistEntry]) -> None:
        done = 0
        for entry in queryset:
            try:
                services.leave(entry=entry, channel=Channel.STAFF, actor=request.user)  # type: ignore[arg-type]
            except DomainError as exc:
                self.message_user(request, f"{entry.public_id}: {exc}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, _("%(n)s personas salieron de la lista.") % {"n": done})


@admin.register(WaitlistOffer)
class WaitlistOfferAdmin(ReadOnlyMixin, OfficeScopedAdmin):
    office_path = "entry__office"
    staff_permissions = frozenset({"view"})
    list_display = ("public_id", "entry", "slot", "state", "expires_at", "answered_at", "answer_channel")
    list_filter = ("state",)
    list_select_related = ("entry", "slot")
    search_fields = ("=public_id", "entry__curp", "hold__code")
    fields = (*list_display, "hold", "created_at")
    readonly_fields = fields
