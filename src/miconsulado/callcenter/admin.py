"""The line in the admin: its numbers and their roles, its settings (emergency number, portal address,
which holidays count), one-off closures, and every call with its path (read-only, append-only).

Network-wide rows, not an office's: supervisors and admins manage them (role_decision); consular
staff and agents do not see them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from miconsulado.accounts.admin_scope import ReadOnlyInlineMixin, ReadOnlyMixin, role_decision
from miconsulado.callcenter.models import Call, CallStep, LineClosure, LineSettings, PhoneNumber


class LineAdmin(admin.ModelAdmin):
    """Supervisors and admins only (consular staff manage their offices, not the line)."""

    def _allowed(self, request: HttpRequest, perm: str) -> bool:
        decision = role_decision(request, perm, frozenset())
        if decision is None:
            return bool(request.user.has_perm(f"callcenter.{perm}_{self.model._meta.model_name}"))
        return decision

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, "view")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "view")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, "add")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "delete")


@admin.register(PhoneNumber)
class PhoneNumberAdmin(LineAdmin):
    list_display = ("number", "role", "label", "active")
    list_filter = ("role", "active")
    search_fields = ("number", "label")


@admin.register(LineSettings)
class LineSettingsAdmin(LineAdmin):
    list_display = ("__str__", "emergency_number", "portal_address", "mexican_holidays", "us_holidays")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row (pk 1): the demo data creates it.
        return super().has_add_permission(request) and not LineSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: LineSettings, form: Any, change: bool) -> None:
        obj.pk = 1
        super().save_model(request, obj, form, change)


@admin.register(LineClosure)
class LineClosureAdmin(LineAdmin):
    list_display = ("date", "reason")
    date_hierarchy = "date"


class CallStepInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = CallStep
    fields = ("at", "kind", "detail")
    readonly_fields = fields


@admin.register(Call)
class CallAdmin(ReadOnlyMixin, LineAdmin):
    list_display = (
        "started_at",
        "caller",
        "number_called",
        "origin",
        "language",
        "emergency",
        "status",
        "ended_at",
    )
    list_filter = ("origin", "language", "emergency", "status", "started_at")
    date_hierarchy = "started_at"
    search_fields = ("call_sid", "caller")
    search_help_text = _("Identificador de la llamada o número de quien llama.")
    show_full_result_count = False
    fields = (
        "call_sid",
        "number_called",
        "origin",
        "caller",
        "language",
        "emergency",
        "started_at",
        "ended_at",
        "status",
        "duration_seconds",
    )
    readonly_fields = fields
    inlines = (CallStepInline,)
