"""Users for tests, one per role; each call makes a fresh user."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from miconsulado.accounts.models import Role, User
from miconsulado.catalog.models import Office

_counter = itertools.count(1)


def make_user(
    role: str = Role.CONSULAR_STAFF,
    *,
    offices: Iterable[Office] = (),
    is_staff: bool | None = None,
    is_superuser: bool = False,
    is_active: bool = True,
    username: str | None = None,
) -> User:
    user = User.objects.create_user(
        username=username or f"{role or 'user'}{next(_counter)}",
        password="x-test-password",
        role=role,
        is_staff=role != Role.AGENT if is_staff is None else is_staff,
        is_superuser=is_superuser,
        is_active=is_active,
    )
    user.offices.set(list(offices))
    return user
