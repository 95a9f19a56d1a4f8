"""Offices (with what they offer) and procedures (with their fees).

Consular staff see and change only their own offices and read the procedures; other apps add
their office-bound inlines (opening hours, windows, …) with `register_office_inline`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from miconsulado.accounts.admin_scope import (
    OfficeScopedAdmin,
    ScopedTabularInline,
    admin_office_ids,
    is_consular_staff,
)
from miconsulado.catalog.models import Fee, Office, OfficeProcedure, Procedure

_office_inlines: list[type[InlineModelAdmin[Any, Any]]] = []


def register_office_inline(inline: type[InlineModelAdmin[Any, Any]]) -> None:
    """Let an app that depends on the catalog show its rows on the office page (arrows inward)."""
    if inline not in _office_inlines:
        _office_inlines.append(inline)


class OfficeProcedureInline(ScopedTabularInline):
    model = OfficeProcedure
    extra = 0
    fields = ("procedure", "active")
    autocomplete_fields = ()
    staff_permissions = frozenset({"view", "add", "change"})
    verbose_name = _("trámite que ofrece")
    verbose_name_plural = _("trámites que ofrece")


@admin.register(Office)
class OfficeAdmin(OfficeScopedAdmin):
    office_path = ""
    staff_permissions = frozenset({"view", "change"})
    list_display = ("code", "name_es", "city", "region", "country", "tz", "active")
    list_filter = ("country", "active", "tz")
    search_fields = ("code", "name_es", "name_en", "city")
    fieldsets = (
        (None, {"fields": ("code", "name_es", "name_en", "active")}),
        (_("Ubicación"), {"fields": ("address", "city", "region", "country", "tz", "phone")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        if admin_office_ids(request) is not None and is_consular_staff(request):
            # Names and whether the office is open are the network's decision; the consulate
            # keeps its own address and phone up to date.
            return ("code", "name_es", "name_en", "active", "city", "region", "country", "tz")
        # The code is referenced by URLs and data files; the zone drives every slot.
        return ("code", "country", "tz")

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[type[InlineModelAdmin[Any, Any]]]:
        return [OfficeProcedureInline, *_office_inlines]


class FeeInline(ScopedTabularInline):
    model = Fee
    office_path = None  # fees are the whole network's
    extra = 0
    fields = (
        "variant",
        "name_es",
        "name_en",
        "amount_cents",
        "amount",
        "currency",
        "valid_from",
        "valid_until",
    )
    readonly_fields = ("amount",)
    staff_permissions = frozenset({"view"})

    @admin.display(description=_("importe"))
    def amount(self, obj: Fee) -> str:
        if obj.pk is None:
            return ""
        return f"{obj.amount_cents / 100:,.2f} {obj.currency}"


@admin.register(Procedure)
class ProcedureAdmin(OfficeScopedAdmin):
    office_path = None  # the procedures are the whole network's: consular staff read them all
    staff_permissions = frozenset({"view"})
    list_display = ("code", "name_es", "name_en", "duration_minutes", "max_persons", "active", "sort_order")
    list_filter = ("active", "requires_both_parents")
    search_fields = ("code", "name_es", "name_en")
    inlines = (FeeInline,)
    fieldsets = (
        (None, {"fields": ("code", "name_es", "name_en", "active", "sort_order")}),
        (_("Descripción"), {"fields": ("description_es", "description_en", "documents_es", "documents_en")}),
        (
            _("Reglas"),
            {
                "fields": (
                    "duration_minutes",
                    "max_persons",
                    "requires_both_parents",
                    "min_age",
                    "max_age",
                    "witnesses_required",
                )
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("code",) if obj is not None else ()
