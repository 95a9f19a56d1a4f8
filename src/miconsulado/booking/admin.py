"""Appointments for consular staff and supervisors: find by code or CURP, read the people and the
history, cancel. Status, slot and places change only through the booking services (never typed in
here), so the admin cannot break a slot's count or the one-appointment-per-CURP rule.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from miconsulado.accounts.admin_scope import (
    OfficeFilter,
    OfficeScopedAdmin,
    ReadOnlyInlineMixin,
    ReadOnlyMixin,
    ScopedTabularInline,
)
from miconsulado.accounts.models import User
from miconsulado.booking.models import Applicant, Appointment, AppointmentEvent, Witness
from miconsulado.booking.services import cancel_appointment
from miconsulado.catalog.localtime import format_office_time
from miconsulado.core.channels import Channel
from miconsulado.core.errors import DomainError


class ApplicantInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = Applicant
    office_path = "appointment__office"
    fields = ("curp", "full_name", "birth_date", "sex", "email", "phone", "parents_summary", "active")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Applicant]:
        return super().get_queryset(request).prefetch_related("parents")

    @admin.display(description=_("nombre"))
    def full_name(self, obj: Applicant) -> str:
        return obj.full_name

    @admin.display(description=_("padres"))
    def parents_summary(self, obj: Applicant) -> str:
        parts = []
        for parent in obj.parents.all():
            note = gettext("presente") if parent.present else gettext("OP-7 remoto")
            parts.append(f"{parent.get_role_display()}: {parent.full_name} ({note})")
        return "; ".join(parts)


class WitnessInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = Witness
    office_path = "appointment__office"
    fields = ("full_name", "id_document")
    readonly_fields = fields


class AppointmentEventInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = AppointmentEvent
    office_path = "appointment__office"
    fields = ("local_at", "action", "channel", "actor", "data")
    readonly_fields = fields
    verbose_name_plural = _("historial")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AppointmentEvent]:
        return super().get_queryset(request).select_related("actor", "appointment__office")

    @admin.display(description=_("cuándo (hora local)"))
    def local_at(self, obj: AppointmentEvent) -> str:
        return format_office_time(obj.at, obj.appointment.office)


@admin.register(Appointment)
class AppointmentAdmin(OfficeScopedAdmin):
    staff_permissions = frozenset({"view", "change"})
    list_display = (
        "code",
        "local_start",
        "office",
        "procedure",
        "places",
        "status",
        "channel",
        "local_created_at",
    )
    list_filter = ("status", OfficeFilter, "procedure", "channel", "language")
    list_select_related = ("office", "procedure", "slot")
    date_hierarchy = "slot__start"
    search_fields = ("code", "applicants__curp")
    search_help_text = _("Código de confirmación o CURP (completa o sus primeros caracteres).")
    show_full_result_count = False
    inlines = (ApplicantInline, WitnessInline, AppointmentEventInline)
    fields = (
        "code",
        "status",
        "office",
        "procedure",
        "slot",
        "local_start",
        "places",
        "channel",
        "language",
        "created_by",
        "local_created_at",
        "hold_expires_at",
        "confirmed_at",
        "cancelled_at",
    )
    readonly_fields = fields
    actions = ("cancel",)

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        # Witnesses only under appointments whose procedure has them (a birth registration).
        if obj is None or not obj.procedure.witnesses_required:
            return tuple(i for i in self.inlines if i is not WitnessInline)
        return self.inlines

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Appointments are made through the portal, the phone line or the API (the services).
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # "change" on the list runs the cancel action; the appointment itself is never edited.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the history must survive; cancel instead

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Appointment], search_term: str
    ) -> tuple[QuerySet[Appointment], bool]:
        term = search_term.strip().upper()
        if not term:
            return queryset, False
        # Exact code, or a CURP (or its first characters); both columns are indexed and stored
        # upper-case, and the subquery keeps one row per appointment.
        by_curp = Applicant.objects.filter(curp__startswith=term).values("appointment_id")
        return queryset.filter(Q(code=term) | Q(pk__in=by_curp)), False

    @admin.display(description=_("cita (hora local)"), ordering="slot__start")
    def local_start(self, obj: Appointment) -> str:
        return format_office_time(obj.slot.start, obj.office)

    @admin.display(description=_("creada (hora local)"), ordering="created_at")
    def local_created_at(self, obj: Appointment) -> str:
        return format_office_time(obj.created_at, obj.office)

    @admin.action(description=_("Cancelar las citas seleccionadas"), permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        actor = request.user if isinstance(request.user, User) else None
        cancelled = 0
        for appointment in queryset.select_related("office"):
            # The queryset is already limited to the user's offices; checked again per row
            # because cancelling is what must never cross an office boundary.
            if not self.in_scope(request, appointment):
                continue
            try:
                cancel_appointment(
                    appointment=appointment,
                    channel=Channel.STAFF,
                    actor=actor,
                    reason=gettext("Cancelada desde el administrador"),
                    force=True,
                )
            except DomainError as exc:
                self.message_user(request, f"{appointment.code}: {exc}", messages.ERROR)
            else:
                cancelled += 1
        if cancelled:
            self.message_user(
                request,
                _("Citas canceladas: %(count)d.") % {"count": cancelled},
                messages.SUCCESS,
            )


@admin.register(AppointmentEvent)
class AppointmentEventAdmin(ReadOnlyMixin, OfficeScopedAdmin):
    """The whole history, for audits (e.g. bookings by one agent, cancellations by channel)."""

    office_path = "appointment__office"
    staff_permissions = frozenset({"view"})
    list_display = ("appointment", "local_at", "action", "channel", "actor")
    list_filter = ("action", "channel", OfficeFilter)
    list_select_related = ("appointment__office", "actor")
    search_fields = ("appointment__code", "actor__username")
    date_hierarchy = "at"
    show_full_result_count = False
    fields = ("appointment", "at", "action", "channel", "actor", "data")
    readonly_fields = fields

    @admin.display(description=_("cuándo (hora local)"), ordering="at")
    def local_at(self, obj: AppointmentEvent) -> str:
        return format_office_time(obj.at, obj.appointment.office)
