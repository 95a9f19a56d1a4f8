"""Staff, agents, their roles and their API tokens."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from miconsulado.catalog.models import Office


class Role(models.TextChoices):
    AGENT = "agent", _("Agente del centro de llamadas")
    CONSULAR_STAFF = "consular_staff", _("Personal consular")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrador")


class User(AbstractUser):
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, blank=True)
    offices = models.ManyToManyField(
        Office,
        blank=True,
        related_name="staff",
        help_text=_("Para el personal consular: las oficinas que atiende."),
    )

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")

    @property
    def is_admin_role(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    def can_manage_office(self, office: Office) -> bool:
        """Consular staff act only on their own offices; supervisors and admins on all."""
        if self.is_admin_role or self.role == Role.SUPERVISOR:
            return True
        if self.role == Role.CONSULAR_STAFF:
            return self.offices.filter(pk=office.pk).exists()
        return False


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once when issued."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("etiqueta"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("token de API")
        verbose_name_plural = _("tokens de API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
