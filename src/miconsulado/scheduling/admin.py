"""Schedules, opening hours, windows, closures, extra sessions and the slots made from them.

Slots are generated, never typed in: the admin shows them read-only (places are taken only by the
booking service's guarded UPDATE) and offers "regenerar horarios" to rebuild them after a change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miconsulado.accounts.admin_scope import (
    OfficeFilter,
    OfficeScopedAdmin,
    ScopedStackedInline,
    ScopedTabularInline,
)
from miconsulado.catalog.admin import register_office_inline
from miconsulado.catalog.localtime import format_office_time, office_today
from miconsulado.catalog.models import Office
from miconsulado.core.errors import DomainError
from miconsulado.scheduling.models import (
    Closure,
    ExtraSession,
    OfficeSchedule,
    OpeningHours,
    ServiceWindow,
    Slot,
)
from miconsulado.scheduling.selectors import schedule_for
from miconsulado.scheduling.services import generate_slots


def regenerate(request: HttpRequest, offices: list[Office], message_user: Any) -> None:
    """Rebuild each office's slots from its local today through its horizon; report per office."""
    now = timezone.now()
    for office in offices:
        start = office_today(office, now)
        end = start + dt.timedelta(days=schedule_for(office).horizon_days)
        try:
            report = generate_slots(office=office, start=start, end=end, now=now)
        except DomainError as exc:
            message_user(request, f"{office.code}: {exc}", messages.ERROR)
            continue
        level = messages.WARNING if report.conflicts else messages.SUCCESS
        message_user(
            request,
            _(
                "%(office)s: %(created)d horarios nuevos, %(updated)d actualizados, "
                "%(deleted)d eliminados, %(conflicts)d en conflicto."
            )
            % {
                "office": office.code,
                "created": report.created,
                "updated": report.updated,
                "deleted": report.deleted + report.withdrawn,
                "conflicts": len(report.conflicts),
            },
            level,
        )


# --- On the office page ----------------------------------------------------------------------


class OfficeScheduleInline(ScopedStackedInline):
    model = OfficeSchedule
    max_num = 1
    can_delete = False
    staff_permissions = frozenset({"view", "add", "change"})


class OpeningHoursInline(ScopedTabularInline):
    model = OpeningHours
    extra = 0
    fields = ("weekday", "opens", "closes")


class ServiceWindowInline(ScopedTabularInline):
    model = ServiceWindow
    extra = 0
    fields = ("code", "name_es", "name_en", "procedures", "desks", "slot_minutes", "active")
    # A window with slots cannot be deleted (slots are PROTECTed); staff switch it off instead.
    staff_permissions = frozenset({"view", "add", "change"})


class ClosureInline(ScopedTabularInline):
    model = Closure
    extra = 0
    fields = ("date", "starts", "ends", "reason")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Closure]:
        # The office page lists what is still ahead; the Closure admin has the past too.
        return super().get_queryset(request).filter(date__gte=timezone.localdate())


class ExtraSessionInline(ScopedTabularInline):
    model = ExtraSession
    extra = 0
    fields = ("date", "starts", "ends", "window", "reason")

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        # Remember the office being edited (on the request: admin instances are shared).
        request._extra_session_office = obj  # type: ignore[attr-defined]
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        office = getattr(request, "_extra_session_office", None)
        if db_field.name == "window" and office is not None:
            kwargs["queryset"] = ServiceWindow.objects.filter(office=office)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExtraSession]:
        return super().get_queryset(request).filter(date__gte=timezone.localdate())


for _inline in (
    OfficeScheduleInline,
    OpeningHoursInline,
    ServiceWindowInline,
    ClosureInline,
    ExtraSessionInline,
):
    register_office_inline(_inline)


# --- Their own pages -------------------------------------------------------------------------


@admin.register(OfficeSchedule)
class OfficeScheduleAdmin(OfficeScopedAdmin):
    staff_permissions = frozenset({"view", "change"})
    list_display = (
        "office",
        "slot_minutes",
        "horizon_days",
        "min_lead_minutes",
        "cancellation_cutoff_hours",
        "capacity_percent",
        "mexican_holidays",
        "host_holidays",
    )
    list_filter = (OfficeFilter, "capacity_percent")
    search_fields = ("office__code", "office__name_es", "office__city")
    list_select_related = ("office",)
    actions = ("regenerate_slots",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("office",) if obj is not None else ()

    @admin.action(description=_("Regenerar horarios"), permissions=["change"])
    def regenerate_slots(self, request: HttpRequest, queryset: QuerySet[OfficeSchedule]) -> None:
        regenerate(request, [s.office for s in queryset.select_related("office")], self.message_user)


@admin.register(ServiceWindow)
class ServiceWindowAdmin(OfficeScopedAdmin):
    staff_permissions = frozenset({"view", "add", "change"})
    list_display = ("office", "code", "name_es", "desks", "slot_minutes", "procedure_codes", "active")
    list_filter = (OfficeFilter, "active", "code")
    search_fields = ("office__code", "code", "name_es")
    list_select_related = ("office",)
    filter_horizontal = ("procedures",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceWindow]:
        return super().get_queryset(request).prefetch_related("procedures")

    @admin.display(description=_("trámites"))
    def procedure_codes(self, obj: ServiceWindow) -> str:
        return ", ".join(p.code for p in obj.procedures.all())


@admin.register(Closure)
class ClosureAdmin(OfficeScopedAdmin):
    list_display = ("office", "date", "starts", "ends", "reason")
    list_filter = (OfficeFilter,)
    search_fields = ("office__code", "reason")
    date_hierarchy = "date"
    list_select_related = ("office",)


@admin.register(ExtraSession)
class ExtraSessionAdmin(OfficeScopedAdmin):
    list_display = ("office", "date", "starts", "ends", "window", "reason")
    list_filter = (OfficeFilter,)
    search_fields = ("office__code", "reason")
    date_hierarchy = "date"
    list_select_related = ("office", "window")


class WindowCodeFilter(admin.SimpleListFilter):
    """By window code (pasaportes, matricula, …), listed from the windows, not from every slot."""

    title = _("ventanilla")
    parameter_name = "window"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        windows = model_admin.scope_queryset(request, ServiceWindow.objects.all())
        codes = windows.order_by("code").values_list("code", flat=True).distinct()
        return [(code, code) for code in codes]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Slot]) -> QuerySet[Slot]:
        return queryset.filter(window__code=self.value()) if self.value() else queryset


class RemainingFilter(admin.SimpleListFilter):
    title = _("disponibilidad")
    parameter_name = "remaining"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("free", _("con lugares")), ("full", _("llenos")), ("booked", _("con citas"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Slot]) -> QuerySet[Slot]:
        if self.value() == "free":
            return queryset.filter(booked__lt=F("capacity"))
        if self.value() == "full":
            return queryset.filter(booked__gte=F("capacity"))
        if self.value() == "booked":
            return queryset.filter(booked__gt=0)
        return queryset


@admin.register(Slot)
class SlotAdmin(OfficeScopedAdmin):
    staff_permissions = frozenset({"view", "change"})
    list_display = (
        "local_start",
        "office",
        "window",
        "capacity",
        "booked",
        "line_held",
        "remaining",
        "conflict",
        "withdrawn",
    )
    list_filter = (OfficeFilter, "conflict", "withdrawn", RemainingFilter, WindowCodeFilter)
    date_hierarchy = "start"
    list_select_related = ("office", "window")
    search_fields = ("office__code", "window__code")
    readonly_fields = (
        "office",
        "window",
        "local_start",
        "local_end",
        "start",
        "end",
        "capacity",
        "booked",
        "line_held",
        "remaining",
        "conflict",
        "conflict_reason",
        "withdrawn",
    )
    fields = readonly_fields
    actions = ("regenerate_slots",)
    show_full_result_count = False  # a count of every slot of the network is slow and useless

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # "change" on the list lets staff run the regeneration; a slot itself is never edited
        # by hand (that would race the booking service's UPDATE of `booked`).
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("inicio (hora local)"), ordering="start")
    def local_start(self, obj: Slot) -> str:
        return format_office_time(obj.start, obj.office)

    @admin.display(description=_("fin (hora local)"))
    def local_end(self, obj: Slot) -> str:
        return format_office_time(obj.end, obj.office)

    @admin.display(description=_("disponibles"))
    def remaining(self, obj: Slot) -> int:
        return obj.remaining

    @admin.action(description=_("Regenerar horarios"), permissions=["change"])
    def regenerate_slots(self, request: HttpRequest, queryset: QuerySet[Slot]) -> None:
        # The action's queryset is the changelist's, already limited to the user's offices.
        office_ids = set(queryset.order_by().values_list("office_id", flat=True).distinct())
        regenerate(request, list(Office.objects.filter(pk__in=office_ids)), self.message_user)
