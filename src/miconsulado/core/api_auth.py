"""Who is calling the API, and what that changes: the channel, the actor, which offices they reach.

Citizens call anonymously and prove an appointment is theirs with its code and a CURP in it. Staff
and agents send a bearer token. A token that is sent must be valid: a bad or revoked one is a 401,
never a silent fall-back to anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError

from miconsulado.accounts.auth import TokenAuth, require_office_access, require_roles
from miconsulado.accounts.models import Role, User
from miconsulado.catalog.models import Office
from miconsulado.core.channels import Channel


class Anonymous:
    """request.auth of a call without a token (truthy: ninja treats a falsy result as refused)."""

    def __repr__(self) -> str:
        return "Anonymous"


ANONYMOUS = Anonymous()


class OptionalTokenAuth(TokenAuth):
    """No Authorization header: anonymous. A header that does not authenticate: 401."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get(self.header):
            return ANONYMOUS
        user = super().__call__(request)
        if user is None:
            raise AuthenticationError()
        return user


# Roles that may use a token with the API at all.
API_ROLES = (Role.AGENT, Role.CONSULAR_STAFF, Role.SUPERVISOR)


@dataclass(frozen=True)
class Caller:
    user: User | None

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
            return Channel.API
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


def caller(request: HttpRequest) -> Caller:
    """The caller of an operation authenticated with OptionalTokenAuth or TokenAuth."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, User):
        return Caller(require_roles(auth, *API_ROLES))
    return Caller(None)
