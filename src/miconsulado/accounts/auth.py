"""Authentication for the API (bearer tokens), and the Caller of an API operation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from miconsulado.accounts.callers import Caller, caller_for
from miconsulado.accounts.models import User
from miconsulado.accounts.selectors import user_for_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the handler finds the user in `request.auth`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            # So that code written for sessions (request.user) sees the same person.
            request.user = user
        return user


class Anonymous:
    """request.auth of a call without a token (truthy: ninja treats a falsy result as refused)."""

    def __repr__(self) -> str:
        return "Anonymous"


ANONYMOUS = Anonymous()


class OptionalTokenAuth(TokenAuth):
    """For operations citizens use too. No Authorization header: anonymous. A header that does not
    authenticate: 401, never a silent fall-back to anonymous."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get(self.header):
            return ANONYMOUS
        user = super().__call__(request)
        if user is None:
            raise AuthenticationError()
        return user


def caller(request: HttpRequest) -> Caller:
    """The caller of an operation authenticated with OptionalTokenAuth or TokenAuth: the token's
    user (who must hold one of the caller roles: Forbidden otherwise), or a citizen on the API."""
    auth = getattr(request, "auth", None)
    return caller_for(auth if isinstance(auth, User) else None)
