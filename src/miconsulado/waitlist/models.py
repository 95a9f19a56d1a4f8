"""The waitlist: people waiting for a place, the offers of freed places, and their history.

The database states the rules: one open entry per CURP and procedure (`waitlist_one_open_entry`), one
open offer per entry (`waitlist_one_open_offer`), and one offer per hold (`waitlist_offer_hold`): a
place is held for one person by one hold of the booking core, whose capacity guard counts it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miconsulado.booking.models import Appointment
from miconsulado.catalog.models import Office, Procedure
from miconsulado.core.channels import Channel
from miconsulado.core.languages import DEFAULT_LANGUAGE, Language
from miconsulado.scheduling.models import Slot


class EntryState(models.TextChoices):
    WAITING = "waiting", _("En espera")
    OFFERED = "offered", _("Con oferta")
    BOOKED = "booked", _("Con cita")
    LEFT = "left", _("Salió de la lista")
    EXPIRED = "expired", _("Oferta sin respuesta")


# An entry in one of these is "in the list": a second one for the same CURP and procedure is refused.
OPEN_ENTRY_STATES = (EntryState.WAITING, EntryState.OFFERED)


class WaitlistEntry(models.Model):
    """One person waiting for a place of `procedure` at `office`, on local dates [date_from, date_to]
    (either open). First come, first offered: by `joined_at`."""

    public_id = models.UUIDField(_("identificador"), default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    date_from = models.DateField(_("desde"), null=True, blank=True)
    date_to = models.DateField(_("hasta"), null=True, blank=True)
    language = models.CharField(_("idioma"), max_length=5, choices=Language.choices, default=DEFAULT_LANGUAGE)
    curp = models.CharField("CURP", max_length=18, db_index=True)
    given_names = models.CharField(_("nombre(s)"), max_length=100)
    first_surname = models.CharField(_("primer apellido"), max_length=100)
    second_surname = models.CharField(_("segundo apellido"), max_length=100, blank=True)
    birth_date = models.DateField(_("fecha de nacimiento"))
    email = models.EmailField(_("correo electrónico"), blank=True)
    phone = models.CharField(_("teléfono (E.164)"), max_length=20, blank=True)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        _("estado"), max_length=10, choices=EntryState.choices, default=EntryState.WAITING
    )
    joined_at = models.DateTimeField(_("se unió"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["joined_at", "id"]
        verbose_name = _("persona en lista de espera")
        verbose_name_plural = _("lista de espera")
        constraints = [
            models.UniqueConstraint(
                fields=["curp", "procedure"],
                condition=Q(state__in=["waiting", "offered"]),
                name="waitlist_one_open_entry",
            ),
            models.CheckConstraint(
                condition=Q(date_from__isnull=True)
                | Q(date_to__isnull=True)
                | Q(date_from__lte=models.F("date_to")),
                name="waitlist_dates_in_order",
            ),
        ]
        indexes = [
            # The line: who waits for what, first come first.
            models.Index(fields=["office", "procedure", "state", "joined_at"], name="waitlist_line_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.get_state_display()})"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.first_surname, self.second_surname) if p)


class OfferState(models.TextChoices):
    OFFERED = "offered", _("Ofrecida")
    ACCEPTED = "accepted", _("Aceptada")
    DECLINED = "declined", _("Rechazada")
    EXPIRED = "expired", _("Vencida")


class WaitlistOffer(models.Model):
    """A freed place held for one person in line, through a hold of the booking core (`hold`),
    until `expires_at`. Accepting confirms the hold; declining or letting it lapse releases it."""

    public_id = models.UUIDField(_("identificador"), default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    hold = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="+")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(_("vence"))
    state = models.CharField(
        _("estado"), max_length=10, choices=OfferState.choices, default=OfferState.OFFERED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(_("respondida"), null=True, blank=True)
    answer_channel = models.CharField(
        _("canal de la respuesta"), max_length=10, choices=Channel.choices, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("oferta de lugar")
        verbose_name_plural = _("ofertas de lugares")
        constraints = [
            # A person never has two open offers for one entry.
            models.UniqueConstraint(
                fields=["entry"], condition=Q(state="offered"), name="waitlist_one_open_offer"
            ),
            # A held place is offered to one person, ever.
            models.UniqueConstraint(fields=["hold"], name="waitlist_offer_hold"),
        ]
        indexes = [models.Index(fields=["state", "expires_at"], name="waitlist_offer_due_idx")]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.get_state_display()})"


class WaitlistAction(models.TextChoices):
    JOINED = "joined", _("Se unió")
    LEFT = "left", _("Salió")
    OFFERED = "offered", _("Recibió oferta")
    ACCEPTED = "accepted", _("Aceptó")
    DECLINED = "declined", _("Rechazó")
    EXPIRED = "expired", _("Oferta vencida")


class WaitlistEvent(models.Model):
    """Append-only history of an entry: who, through which channel, when, what."""

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="events")
    offer = models.ForeignKey(
        WaitlistOffer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    action = models.CharField(max_length=10, choices=WaitlistAction.choices)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("evento de lista de espera")
        verbose_name_plural = _("historial de lista de espera")

    def __str__(self) -> str:
        return f"{self.entry_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
