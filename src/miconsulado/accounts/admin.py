"""Users (with their role and offices) and API tokens. Only admins manage them."""

from __future__ import annotations

from typing import Any

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from miconsulado.accounts.models import ApiToken, Role, User
from miconsulado.accounts.services import revoke_token

admin.site.site_header = _("Mi Consulado — administración")
admin.site.site_title = _("Mi Consulado")
admin.site.index_title = _("Administración")


def _admin_decision(request: HttpRequest) -> bool | None:
    """Accounts are the admins' business; a role-less staff user falls back to model perms."""
    user = request.user
    if not isinstance(user, User) or not user.is_active or not user.is_staff:
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    if user.role:
        return False
    return None


class AdminsOnly(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        decision = _admin_decision(request)
        return super().has_module_permission(request) if decision is None else decision

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        decision = _admin_decision(request)
        return super().has_view_permission(request, obj) if decision is None else decision

    def has_add_permission(self, request: HttpRequest) -> bool:
        decision = _admin_decision(request)
        return super().has_add_permission(request) if decision is None else decision

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        decision = _admin_decision(request)
        return super().has_change_permission(request, obj) if decision is None else decision

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        decision = _admin_decision(request)
        return super().has_delete_permission(request, obj) if decision is None else decision


@admin.register(User)
class UserAdmin(AdminsOnly, DjangoUserAdmin):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "role",
        "offices_list",
        "is_staff",
        "is_active",
    )
    list_filter = ("role", "is_staff", "is_active", "is_superuser", "offices")
    search_fields = ("username", "email", "first_name", "last_name")
    filter_horizontal = ("offices", "groups", "user_permissions")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Rol en Mi Consulado"),
            {
                "fields": ("role", "offices"),
                "description": _(
                    "Agente: sin acceso al administrador. Personal consular: sólo sus oficinas "
                    "(marque «Es staff» para que entre al administrador). Supervisor y "
                    "administrador: todas las oficinas."
                ),
            },
        ),
    )
    add_fieldsets = (
        *(DjangoUserAdmin.add_fieldsets or ()),
        (_("Rol en Mi Consulado"), {"fields": ("role", "offices", "is_staff")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("offices")

    @admin.display(description=_("oficinas"))
    def offices_list(self, obj: User) -> str:
        return ", ".join(o.code for o in obj.offices.all())


@admin.register(ApiToken)
class ApiTokenAdmin(AdminsOnly):
    """Tokens are issued with `miconsulado issue_token USERNAME` (shown once); here they are
    listed and revoked, never created or edited."""

    list_display = ("prefix", "user", "label", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("prefix", "user__username", "label")
    list_select_related = ("user",)
    readonly_fields = ("prefix", "user", "label", "created_at", "last_used_at", "revoked_at")
    fields = readonly_fields
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The list may run the revoke action; a token itself is never edited.
        return obj is None and super().has_change_permission(request, obj)

    @admin.action(description=_("Revocar los tokens seleccionados"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset:
            if token.revoked_at is None:
                revoke_token(token=token)
                count += 1
        self.message_user(request, _("Tokens revocados: %(count)d.") % {"count": count}, messages.SUCCESS)


# --- Login lock-outs (django-axes): admins see who failed to sign in, and unlock by deleting the
# access attempts of a username and address (or all: `miconsulado axes_reset`).


class AdminsOnlyReadOnly(AdminsOnly):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rows are written by failed and successful logins only


class AccessAttemptAdmin(AdminsOnlyReadOnly, axes_admin.AccessAttemptAdmin):
    pass


class AccessLogAdmin(AdminsOnlyReadOnly, axes_admin.AccessLogAdmin):
    pass


class AccessFailureLogAdmin(AdminsOnlyReadOnly, axes_admin.AccessFailureLogAdmin):
    pass


for _model, _model_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):  # axes' own registration, open to model permissions only
        admin.site.unregister(_model)
    admin.site.register(_model, _model_admin)
