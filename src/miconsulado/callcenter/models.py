"""The phone line's data: its numbers (each with a role), its settings and closures, and one record
per call with its append-only path through the menus."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from miconsulado.core.languages import Language


def normalize_number(value: str) -> str | None:
    """A telephone number as E.164 ("+14243090009"), or None if it is not one. National numbers
    without a "+" are read as North American (what a US caller ID or a 1-877 number looks like)."""
    text = (value or "").strip()
    if not text or len(text) > 40:
        return None
    try:
        parsed = phonenumbers.parse(text, None if text.startswith("+") else "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class NumberRole(models.TextChoices):
    MAIN = "main", _("Línea principal")
    MEXICO = "mexico", _("Línea nacional de México (transferida)")
    RETIRED = "retired", _("Número retirado")


class PhoneNumber(models.Model):
    """A number the line answers, or once answered. Its role decides what a caller hears."""

    number = models.CharField(_("número (E.164)"), max_length=20, unique=True)
    role = models.CharField(_("función"), max_length=10, choices=NumberRole.choices)
    label = models.CharField(_("descripción"), max_length=100, blank=True)
    active = models.BooleanField(_("activo"), default=True)

    class Meta:
        ordering = ["role", "number"]
        verbose_name = _("número telefónico")
        verbose_name_plural = _("números telefónicos")
        constraints = [
            # One main line: it is the number a retired number announces.
            models.UniqueConstraint(
                fields=["role"], condition=Q(role="main", active=True), name="one_active_main_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_role_display()})"

    def clean(self) -> None:
        normalized = normalize_number(self.number)
        if normalized is None:
            raise ValidationError({"number": _("No es un número telefónico.")})
        self.number = normalized


class LineSettings(models.Model):
    """The line's settings that staff change in the admin (one row, pk 1)."""

    emergency_number = models.CharField(
        _("número de emergencias"),
        max_length=20,
        blank=True,
        help_text=_(
            "Protección consular (detención, accidente, fallecimiento, violencia): la tecla 9 transfiere aquí, a toda hora."
        ),
    )
    portal_address = models.CharField(
        _("dirección del portal (hablada)"),
        max_length=100,
        blank=True,
        help_text=_("Por ejemplo: miconsulado.gob.mx"),
    )
    mexican_holidays = models.BooleanField(_("días feriados de México"), default=True)
    us_holidays = models.BooleanField(_("días feriados federales de EE. UU."), default=True)

    class Meta:
        verbose_name = _("ajustes de la línea")
        verbose_name_plural = _("ajustes de la línea")

    def __str__(self) -> str:
        return str(_("Ajustes de la línea"))

    def clean(self) -> None:
        if self.emergency_number:
            normalized = normalize_number(self.emergency_number)
            if normalized is None:
                raise ValidationError({"emergency_number": _("No es un número telefónico.")})
            self.emergency_number = normalized


class LineClosure(models.Model):
    """A day the line keeps weekend hours though it is no holiday (a one-off closure)."""

    date = models.DateField(_("fecha"), unique=True)
    reason = models.CharField(_("motivo"), max_length=200)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("cierre de la línea")
        verbose_name_plural = _("cierres de la línea")

    def __str__(self) -> str:
        return f"{self.date}: {self.reason}"


class Origin(models.TextChoices):
    MAIN = "main", _("Línea principal")
    MEXICO = "mexico", _("México (transferida)")
    RETIRED = "retired", _("Número retirado")
    OTHER = "other", _("Otro número")


class Call(models.Model):
    """One call, from the first webhook to the provider's last status."""

    call_sid = models.CharField(_("identificador del proveedor"), max_length=64, unique=True)
    number_called = models.CharField(_("número marcado"), max_length=40, blank=True)
    origin = models.CharField(_("origen"), max_length=10, choices=Origin.choices, default=Origin.OTHER)
    caller = models.CharField(_("quien llama"), max_length=40, blank=True)
    language = models.CharField(_("idioma"), max_length=5, choices=Language.choices, blank=True)
    emergency = models.BooleanField(_("emergencia"), default=False)
    started_at = models.DateTimeField(_("inicio"), auto_now_add=True)
    ended_at = models.DateTimeField(_("fin"), null=True, blank=True)
    status = models.CharField(_("estado del proveedor"), max_length=20, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duración (s)"), null=True, blank=True)
    # What the menus need between two webhooks: tries left, the keypad digits of a code being
    # proven, the appointment proven. Never shown to the caller; cleared of the code once used.
    state = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("llamada")
        verbose_name_plural = _("llamadas")
        indexes = [models.Index(fields=["started_at"], name="call_started_idx")]

    def __str__(self) -> str:
        return self.call_sid


class CallStep(models.Model):
    """One step of a call's path (menu heard, key pressed, appointment heard…). Append-only."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(_("paso"), max_length=30)
    detail = models.CharField(_("detalle"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("paso de la llamada")
        verbose_name_plural = _("pasos de la llamada")

    def __str__(self) -> str:
        return f"{self.call_id} {self.kind}"
