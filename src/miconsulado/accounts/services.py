"""Actions on staff accounts: issuing and revoking API tokens."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miconsulado.accounts.models import ApiToken, User
from miconsulado.core.errors import Invalid

PREFIX_LENGTH = 8
LABEL_MAX_LENGTH = ApiToken._meta.get_field("label").max_length or 100


def issue_token(*, user: User, label: str = "") -> str:
    """Create a bearer token for the user and return it. Only its SHA-256 and a short prefix (to
    recognise it in lists) are stored, so this is the one moment the token can be shown."""
    if not user.is_active:
        raise Invalid(_("El usuario está inactivo; no se le puede emitir un token."), field="user")
    label = label.strip()
    if len(label) > LABEL_MAX_LENGTH:
        raise Invalid(
            _("La etiqueta es demasiado larga (máximo %(max)d caracteres).") % {"max": LABEL_MAX_LENGTH},
            field="label",
        )
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(
            user=user, prefix=raw[:PREFIX_LENGTH], key_hash=ApiToken.hash_key(raw), label=label
        )
    return raw


def revoke_token(*, token: ApiToken) -> ApiToken:
    """Revoke a token; revoking it again keeps the first revocation time."""
    now = timezone.now()
    # Guarded UPDATE: two revocations racing leave the earliest time.
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    token.refresh_from_db(fields=["revoked_at"])
    return token
