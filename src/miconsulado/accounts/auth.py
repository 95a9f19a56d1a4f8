"""Authentication for the API (bearer tokens) and role checks the edges share."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer

from miconsulado.accounts.models import Role, User
from miconsulado.accounts.selectors import managed_office_ids, user_for_token
from miconsulado.catalog.models import Office
from miconsulado.core.errors import Forbidden


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the handler finds the user in `request.auth`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            # So that code written for sessions (request.user) sees the same person.
            request.user = user
        return user


def require_roles(user: object, *roles: str) -> User:
    """The user, if active and holding one of the roles; else Forbidden.

    Superusers and the admin role pass every check: they may do anything.
    """
    if not isinstance(user, User) or not user.is_active:
        raise Forbidden(_("Se requiere una cuenta de personal activa."))
    if user.is_superuser or user.role == Role.ADMIN or user.role in roles:
        return user
    raise Forbidden(_("Su rol no permite esta acción."))


def require_office_access(user: User, office: Office) -> None:
    """Consular staff act only on their own offices. Other roles are limited by require_roles
    (agents book for every office, so they pass here)."""
    if user.role == Role.CONSULAR_STAFF and not user.is_superuser:
        ids = managed_office_ids(user)
        if ids is not None and office.pk not in ids:
            raise Forbidden(_("Sólo puede atender las oficinas que tiene asignadas."))
