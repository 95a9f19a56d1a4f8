"""Reads about staff accounts: who a token belongs to, which offices a user manages."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from miconsulado.accounts.models import ApiToken, Role, User
from miconsulado.catalog.models import Office

# Recording every use would be a write per API request; a minute's precision is enough to see
# which tokens are alive.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200


def user_for_token(raw: str) -> User | None:
    """The active user owning this (not revoked) token, or None."""
    raw = (raw or "").strip()
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_PRECISION:
        # Guarded so that concurrent requests with the same token write at most once a minute.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION)
        ).update(last_used_at=now)
    return token.user


def manages_all_offices(user: User) -> bool:
    return user.is_superuser or user.role in (Role.ADMIN, Role.SUPERVISOR)


def managed_office_ids(user: User) -> set[int] | None:
    """The offices a user may act on as staff: None means all of them (supervisors, admins);
    consular staff get their own; anyone else none."""
    if manages_all_offices(user):
        return None
    if user.role == Role.CONSULAR_STAFF:
        return set(user.offices.values_list("pk", flat=True))
    return set()


def managed_offices(user: User) -> QuerySet[Office]:
    ids = managed_office_ids(user)
    return Office.objects.all() if ids is None else Office.objects.filter(pk__in=ids)
