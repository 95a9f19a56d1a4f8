"""Who asks, on any channel, and what that changes: the channel recorded, the offices they reach.

A citizen asks with no account: on the API, the portal or the phone line, they prove an appointment is
theirs with its code and a CURP in it. Staff and agents ask as themselves, whether they came with an
API token, a session on the portal or the agent desktop. Nothing here knows about HTTP: each channel
finds its user (or none) its own way and builds the Caller with `caller_for`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from miconsulado.accounts.models import Role, User
from miconsulado.accounts.selectors import managed_office_ids
from miconsulado.catalog.models import Office
from miconsulado.core.channels import Channel
from miconsulado.core.errors import Forbidden

# Roles that may ask as themselves (act for the consulate) on a channel. Admins and superusers
# pass every role check.
CALLER_ROLES = (Role.AGENT, Role.CONSULAR_STAFF, Role.SUPERVISOR)


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


@dataclass(frozen=True)
class Caller:
    """A citizen (`user` None) or a member of staff or an agent (an active user in CALLER_ROLES:
    build it with `caller_for`, which checks that)."""

    user: User | None
    # The channel a citizen's changes are recorded under (the API, the portal, the phone line);
    # staff and agents are recorded by role, whatever the channel.
    citizen_channel: Channel = Channel.API

    @property
    def is_anonymous(self) -> bool:
        return self.user is None

    @property
    def is_agent(self) -> bool:
        return self.user is not None and not self.user.is_admin_role and self.user.role == Role.AGENT

    @property
    def is_staff(self) -> bool:
        """Consular staff, supervisors and admins: they act for the consulate (no cut-off)."""
        return self.user is not None and not self.is_agent

    @property
    def channel(self) -> Channel:
        if self.user is None:
            return self.citizen_channel
        return Channel.PHONE if self.is_agent else Channel.STAFF

    def reaches(self, office: Office) -> bool:
        """May look up and change appointments of `office` without the applicant's CURP."""
        if self.user is None:
            return False
        return self.is_agent or self.user.can_manage_office(office)

    def ensure_may_book(self, office: Office) -> None:
        """Consular staff book only at their own offices (Forbidden otherwise)."""
        if self.user is not None:
            require_office_access(self.user, office)


def caller_for(user: object | None, *, citizen_channel: Channel = Channel.API) -> Caller:
    """The Caller for whoever a channel found: None or a visitor who is not signed in
    (Django's AnonymousUser) is a citizen; a user must be active and hold one of CALLER_ROLES
    (Forbidden otherwise)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Caller(None, citizen_channel)
    return Caller(require_roles(user, *CALLER_ROLES), citizen_channel)
