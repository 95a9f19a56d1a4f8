"""The outbox of messages: one row for every message the citizens are sent.

A row is written once per event and recipient (its `dedup_key` is unique), already rendered, and
sent by the worker (notifications.tasks): queued -> sending -> sent, or back to queued to be tried
again later, or failed. Decision 0009 says why the row is rendered when it is written.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from miconsulado.booking.models import Appointment
from miconsulado.catalog.models import Office


class MessageKind(models.TextChoices):
    CONFIRMED = "confirmed", _("Cita confirmada")
    CANCELLED = "cancelled", _("Cita cancelada")
    RESCHEDULED = "rescheduled", _("Cita reprogramada")
    REMINDER = "reminder", _("Recordatorio de cita")
    SLOT_CONFLICT = "slot_conflict", _("Horario ya no disponible")
    WAITLIST_OFFER = "waitlist_offer", _("Oferta de lista de espera")
    VERIFICATION_CODE = "verification_code", _("Código de verificación")


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("Correo electrónico")
    SMS = "sms", _("SMS")


class MessageState(models.TextChoices):
    QUEUED = "queued", _("En cola")
    SENDING = "sending", _("Enviándose")
    SENT = "sent", _("Enviado")
    FAILED = "failed", _("Fallido")
    CANCELLED = "cancelled", _("Cancelado")


class Message(models.Model):
    kind = models.CharField(_("tipo"), max_length=20, choices=MessageKind.choices)
    channel = models.CharField(_("canal"), max_length=5, choices=MessageChannel.choices)
    recipient = models.CharField(_("destinatario"), max_length=254)  # an e-mail address or E.164
    language = models.CharField(_("idioma"), max_length=5)
    # Nullable: waitlist offers and verification codes have no appointment.
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    # A waitlist offer's message: the entry it was written to.
    waitlist_entry = models.ForeignKey(
        "waitlist.WaitlistEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Whose office it concerns (the appointment's, a waitlist entry's): filters and scopes the admin.
    office = models.ForeignKey(Office, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # One row per event and recipient: an event delivered twice writes nothing the second time.
    dedup_key = models.CharField(_("clave de unicidad"), max_length=320, unique=True)
    state = models.CharField(
        _("estado"), max_length=10, choices=MessageState.choices, default=MessageState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("intentos"), default=0)
    last_error = models.TextField(_("último error"), blank=True)
    provider_message_id = models.CharField(_("id del proveedor"), max_length=200, blank=True)
    # The provider's last word on delivery (Twilio's status callback: sent, delivered, undelivered…).
    provider_status = models.CharField(_("estado en el proveedor"), max_length=20, blank=True)
    # The SMTP Message-ID, fixed when the row is written: a message sent twice (a worker killed
    # between handing it over and recording it) carries the same one, and reads as a repeat.
    message_id = models.CharField("Message-ID", max_length=200, unique=True)
    subject = models.CharField(_("asunto"), max_length=300, blank=True)
    body_text = models.TextField(_("texto"))
    body_html = models.TextField(_("HTML"), blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    # When the next attempt is due (queued) or when the current one began (sending).
    next_attempt_at = models.DateTimeField(_("próximo intento"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("tomado"), null=True, blank=True)
    sent_at = models.DateTimeField(_("enviado"), null=True, blank=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)
    # A copy made by the admin's "send again": a new row, with a Message-ID of its own.
    resent_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mensaje")
        verbose_name_plural = _("mensajes")
        indexes = [
            # The sweep's question: rows stuck in sending, rows queued whose task was lost.
            models.Index(fields=["state", "next_attempt_at"], name="message_state_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False), name="message_sent_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"
