"""Appointments, the people they are for, and their history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from miconsulado.catalog.models import Office, Procedure
from miconsulado.core.channels import Channel
from miconsulado.core.languages import DEFAULT_LANGUAGE, Language
from miconsulado.scheduling.models import Slot


class AppointmentStatus(models.TextChoices):
    HELD = "held", _("Apartada")
    CONFIRMED = "confirmed", _("Confirmada")
    CANCELLED = "cancelled", _("Cancelada")
    EXPIRED = "expired", _("Vencida")


# Statuses that occupy places in a slot (and make a CURP "active").
ACTIVE_STATUSES = (AppointmentStatus.HELD, AppointmentStatus.CONFIRMED)


class Sex(models.TextChoices):
    H = "H", _("Hombre")
    M = "M", _("Mujer")
    X = "X", _("No binario")


class Appointment(models.Model):
    """A place (or several, for a family) in one slot.

    A hold is an appointment in status `held` with an expiry; confirming it adds the applicants.
    """

    code = models.CharField(_("código de confirmación"), max_length=12, unique=True)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="appointments")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="appointments")
    # No index of its own: appointment_slot_idx (slot, status) serves every lookup by slot, and each
    # booking would otherwise write one more index entry.
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments", db_index=False)
    places = models.PositiveSmallIntegerField(_("lugares"), default=1)
    status = models.CharField(
        _("estado"), max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.HELD
    )
    hold_expires_at = models.DateTimeField(_("apartado vence"), null=True, blank=True)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    # What the person is written to in. The database's default too: code that predates the column
    # (a server not yet restarted after the migration) still inserts appointments.
    language = models.CharField(
        _("idioma"),
        max_length=5,
        choices=Language.choices,
        default=DEFAULT_LANGUAGE,
        db_default=DEFAULT_LANGUAGE,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A client's Idempotency-Key is unique only among the requests of the same caller (its scope,
    # booking.services.idempotency_scope): one caller's key neither answers nor blocks another's.
    idempotency_scope = models.CharField(max_length=30, blank=True, default="")
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001  # NULL: no key
    request_fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("cita")
        verbose_name_plural = _("citas")
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="appointment_places"),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(hold_expires_at__isnull=False),
                name="appointment_hold_expiry",
            ),
            # Partial: a booking without a key (most of them) writes no entry here.
            models.UniqueConstraint(
                fields=["idempotency_scope", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="appointment_idempotency_key_in_scope",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "hold_expires_at"], name="appointment_hold_idx"),
            models.Index(fields=["slot", "status"], name="appointment_slot_idx"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Applicant(models.Model):
    """One person in an appointment. `active` mirrors the appointment's status so that the database
    itself refuses a second active appointment for the same CURP and procedure."""

    # Lookups by appointment use applicant_unique_in_appointment (appointment, curp).
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="applicants", db_index=False
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    curp = models.CharField("CURP", max_length=18, db_index=True)
    given_names = models.CharField(_("nombre(s)"), max_length=100)
    first_surname = models.CharField(_("primer apellido"), max_length=100)
    second_surname = models.CharField(_("segundo apellido"), max_length=100, blank=True)
    birth_date = models.DateField(_("fecha de nacimiento"))
    sex = models.CharField(_("sexo"), max_length=1, choices=Sex.choices)
    email = models.EmailField(_("correo electrónico"), blank=True)
    phone = models.CharField(_("teléfono (E.164)"), max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["appointment", "position"]
        verbose_name = _("solicitante")
        verbose_name_plural = _("solicitantes")
        constraints = [
            models.UniqueConstraint(
                fields=["curp", "procedure"],
                condition=Q(active=True),
                name="one_active_appointment_per_curp_procedure",
            ),
            models.UniqueConstraint(fields=["appointment", "curp"], name="applicant_unique_in_appointment"),
        ]

    def __str__(self) -> str:
        return f"{self.curp} ({self.appointment_id})"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.first_surname, self.second_surname) if p)


class ParentRole(models.TextChoices):
    MOTHER = "mother", _("Madre")
    FATHER = "father", _("Padre")
    GUARDIAN = "guardian", _("Tutor legal")


class Parent(models.Model):
    """A parent of a minor applicant: present at the appointment, or consenting remotely (OP-7)."""

    # Lookups by applicant use parent_role_unique (applicant, role).
    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="parents", db_index=False)
    role = models.CharField(_("parentesco"), max_length=10, choices=ParentRole.choices)
    full_name = models.CharField(_("nombre completo"), max_length=200)
    curp = models.CharField("CURP", max_length=18, blank=True)
    id_document = models.CharField(_("identificación"), max_length=100, blank=True)
    present = models.BooleanField(_("presente en la cita"), default=True)
    remote_consent_signed_on = models.DateField(
        _("OP-7 remoto firmado el"), null=True, blank=True, help_text=_("Válido 90 días.")
    )

    class Meta:
        verbose_name = _("padre o madre")
        verbose_name_plural = _("padres")
        constraints = [
            models.UniqueConstraint(fields=["applicant", "role"], name="parent_role_unique"),
            models.CheckConstraint(
                condition=Q(present=True) | Q(remote_consent_signed_on__isnull=False),
                name="parent_present_or_consented",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.full_name}"


class Witness(models.Model):
    """A witness the procedure needs at the desk (a birth registration's two), with the ID they bring."""

    # Lookups by appointment use witness_position_unique (appointment, position).
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="witnesses", db_index=False
    )
    full_name = models.CharField(_("nombre completo"), max_length=200)
    id_document = models.CharField(_("identificación"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["appointment", "position"]
        verbose_name = _("testigo")
        verbose_name_plural = _("testigos")
        constraints = [
            models.UniqueConstraint(fields=["appointment", "position"], name="witness_position_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name


class AppointmentAction(models.TextChoices):
    HELD = "held", _("Apartada")
    CONFIRMED = "confirmed", _("Confirmada")
    CANCELLED = "cancelled", _("Cancelada")
    RESCHEDULED = "rescheduled", _("Reprogramada")
    EXPIRED = "expired", _("Apartado vencido")


class AppointmentEvent(models.Model):
    """Append-only history: who, through which channel, when, what."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    action = models.CharField(max_length=20, choices=AppointmentAction.choices)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("evento de cita")
        verbose_name_plural = _("historial de citas")

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("Correo electrónico")
    SMS = "sms", _("SMS")


class ContactVerification(models.Model):
    """One verification code sent for a hold: to which contact, its hash (never the code), how many
    wrong attempts, and when it was verified. The newest row of a hold is its live code; a new one
    replaces it. booking/verification.py says how the code is kept and carried."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="verifications")
    channel = models.CharField(_("canal"), max_length=5, choices=ContactChannel.choices)
    contact = models.CharField(_("contacto"), max_length=254)  # an e-mail address or E.164
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(_("intentos fallidos"), default=0)
    created_at = models.DateTimeField(_("enviado"))
    expires_at = models.DateTimeField(_("vence"))
    verified_at = models.DateTimeField(_("verificado"), null=True, blank=True)

    class Meta:
        ordering = ["appointment", "created_at", "id"]
        verbose_name = _("verificación de contacto")
        verbose_name_plural = _("verificaciones de contacto")
        indexes = [
            models.Index(fields=["appointment", "created_at"], name="verification_hold_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.channel}"
