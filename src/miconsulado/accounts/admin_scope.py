"""Who may do what in the Django admin, by role, and which offices' rows they see.

- superusers, admins and supervisors: everything;
- consular staff: only the rows of their own offices (querysets filtered, foreign-key choices
  limited), and only the operations each admin grants them (`staff_permissions`);
- agents: no admin at all (they work through the call-centre screens and the API);
- a staff user without a role: Django's own model permissions decide, over all offices.

Every admin of an office-bound model derives from `OfficeScopedAdmin` and says how to reach the
office from its model (`office_path`).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from miconsulado.accounts.models import Role, User
from miconsulado.accounts.selectors import managed_office_ids
from miconsulado.catalog.models import Office

Perm = Literal["view", "add", "change", "delete"]
ALL_PERMS: frozenset[str] = frozenset({"view", "add", "change", "delete"})
_CACHE_ATTR = "_miconsulado_admin_office_ids"


def _user(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, User) else None


def role_decision(request: HttpRequest, perm: str, staff_permissions: frozenset[str]) -> bool | None:
    """True/False when the role decides; None when Django's model permissions should."""
    user = _user(request)
    if user is None or not user.is_active or not user.is_staff:
        return False
    if user.is_superuser or user.role in (Role.ADMIN, Role.SUPERVISOR):
        return True
    if user.role == Role.CONSULAR_STAFF:
        return perm in staff_permissions
    if user.role == Role.AGENT:
        return False
    return None


def is_consular_staff(request: HttpRequest) -> bool:
    user = _user(request)
    return user is not None and not user.is_superuser and user.role == Role.CONSULAR_STAFF


def admin_office_ids(request: HttpRequest) -> set[int] | None:
    """Offices whose rows this admin user sees; None: all. Cached for the request."""
    if hasattr(request, _CACHE_ATTR):
        return getattr(request, _CACHE_ATTR)
    user = _user(request)
    ids: set[int] | None
    if user is None:
        ids = set()
    elif not user.role and not user.is_superuser:
        ids = None  # no role: the model permissions given by an admin decide
    else:
        ids = managed_office_ids(user)
    setattr(request, _CACHE_ATTR, ids)
    return ids


class OfficeScopeMixin(admin.options.BaseModelAdmin[Any]):
    """What page admins and inlines share: rows and foreign-key choices limited to the user's offices."""

    # How to reach the office from the model: "office", "window__office"; "" for Office itself;
    # None for network-wide rows (procedures, fees) that every role may read.
    office_path: ClassVar[str | None] = "office"
    # What consular staff may do with their own offices' rows.
    staff_permissions: ClassVar[frozenset[str]] = ALL_PERMS

    def office_id_of(self, obj: models.Model) -> int | None:
        if self.office_path is None:
            return None
        if not self.office_path:
            return obj.pk
        *parents, last = self.office_path.split("__")
        target: Any = obj
        for part in parents:
            target = getattr(target, part, None)
            if target is None:
                return None
        return getattr(target, f"{last}_id", None)

    def in_scope(self, request: HttpRequest, obj: models.Model) -> bool:
        ids = admin_office_ids(request)
        return ids is None or self.office_path is None or self.office_id_of(obj) in ids

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        ids = admin_office_ids(request)
        if ids is None or self.office_path is None:
            return queryset
        lookup = f"{self.office_path}__in" if self.office_path else "pk__in"
        return queryset.filter(**{lookup: ids})

    def limit_choices(self, request: HttpRequest, related_model: type[models.Model]) -> QuerySet[Any] | None:
        """Foreign-key choices limited to the user's offices: offices, or rows bound to one."""
        ids = admin_office_ids(request)
        if ids is None:
            return None
        if related_model is Office:
            return Office.objects.filter(pk__in=ids)
        if any(f.name == "office" for f in related_model._meta.fields):
            return related_model._default_manager.filter(office__in=ids)
        return None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.scope_queryset(request, super().get_queryset(request))

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        self.limit_choice_kwargs(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def limit_choice_kwargs(
        self, request: HttpRequest, db_field: models.ForeignKey[Any, Any], kwargs: dict[str, Any]
    ) -> None:
        limited = self.limit_choices(request, db_field.related_model)
        if limited is not None:
            current = kwargs.get("queryset")
            # Narrow a queryset a subclass chose (e.g. the windows of one office), never widen it.
            kwargs["queryset"] = limited if current is None else current.filter(pk__in=limited.values("pk"))


class OfficeScopedAdmin(OfficeScopeMixin, admin.ModelAdmin):
    def _decide(self, request: HttpRequest, perm: Perm, obj: models.Model | None) -> bool | None:
        decision = role_decision(request, perm, self.staff_permissions)
        if decision and obj is not None and not self.in_scope(request, obj):
            return False
        return decision

    def has_module_permission(self, request: HttpRequest) -> bool:
        decision = role_decision(request, "view", self.staff_permissions)
        return super().has_module_permission(request) if decision is None else decision

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        decision = self._decide(request, "view", obj)
        if decision is None:
            return super().has_view_permission(request, obj)
        return decision or self.has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        decision = self._decide(request, "add", None)
        return super().has_add_permission(request) if decision is None else decision

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        decision = self._decide(request, "change", obj)
        return super().has_change_permission(request, obj) if decision is None else decision

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        decision = self._decide(request, "delete", obj)
        return super().has_delete_permission(request, obj) if decision is None else decision


class OfficeScopedInline(OfficeScopeMixin, admin.options.InlineModelAdmin):
    """An inline under an office-scoped admin: the parent is already in scope, so only the role
    decides (obj here is the parent)."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        decision = role_decision(request, "view", self.staff_permissions)
        if decision is None:
            return super().has_view_permission(request, obj)
        return decision or self.has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any) -> bool:  # type: ignore[override]
        decision = role_decision(request, "add", self.staff_permissions)
        return super().has_add_permission(request, obj) if decision is None else decision

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        decision = role_decision(request, "change", self.staff_permissions)
        return super().has_change_permission(request, obj) if decision is None else decision

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        decision = role_decision(request, "delete", self.staff_permissions)
        return super().has_delete_permission(request, obj) if decision is None else decision


class ScopedTabularInline(OfficeScopedInline, admin.TabularInline):
    pass


class ScopedStackedInline(OfficeScopedInline, admin.StackedInline):
    pass


class ReadOnlyMixin:
    """A record (history, a call, an offer): shown, never added, edited or deleted in the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInlineMixin(ReadOnlyMixin):
    """History and people shown under a row, never edited there."""

    extra = 0
    can_delete = False
    show_change_link = False


class OfficeFilter(admin.SimpleListFilter):
    """Filter by office, listing only the offices the user may see."""

    title = _("oficina")
    parameter_name = "office"

    def __init__(self, request: HttpRequest, params: dict[str, Any], model: Any, model_admin: Any) -> None:
        self.office_path: str = getattr(model_admin, "office_path", None) or ""
        super().__init__(request, params, model, model_admin)

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        ids = admin_office_ids(request)
        offices = Office.objects.all() if ids is None else Office.objects.filter(pk__in=ids)
        return [(o.code, f"{o.code} — {o.city}") for o in offices.order_by("code")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.value():
            return queryset
        lookup = f"{self.office_path}__code" if self.office_path else "code"
        return queryset.filter(**{lookup: self.value()})
