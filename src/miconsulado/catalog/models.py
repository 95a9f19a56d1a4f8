"""Offices, procedures and which office offers what."""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    US = "US", _("Estados Unidos")
    CA = "CA", _("Canadá")


class BilingualName(models.Model):
    name_es = models.CharField(_("nombre (español)"), max_length=200)
    name_en = models.CharField(_("nombre (inglés)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language; Spanish is the fallback."""
        return self.name_en if translation.get_language() == "en" and self.name_en else self.name_es


class Office(BilingualName):
    code = models.SlugField(_("código"), max_length=40, unique=True)
    address = models.CharField(_("dirección"), max_length=300, blank=True)
    city = models.CharField(_("ciudad"), max_length=100)
    region = models.CharField(_("estado/provincia"), max_length=10)
    country = models.CharField(_("país"), max_length=2, choices=Country.choices)
    tz = models.CharField(_("zona horaria (IANA)"), max_length=64)
    phone = models.CharField(_("teléfono"), max_length=20, blank=True)
    active = models.BooleanField(_("activa"), default=True)
    procedures: models.ManyToManyField[Procedure, OfficeProcedure] = models.ManyToManyField(
        "Procedure", through="OfficeProcedure", related_name="offices", blank=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("oficina consular")
        verbose_name_plural = _("oficinas consulares")
        constraints = [
            models.CheckConstraint(condition=models.Q(country__in=["US", "CA"]), name="office_country"),
        ]


class Procedure(BilingualName):
    code = models.SlugField(_("código"), max_length=40, unique=True)
    description_es = models.TextField(_("descripción (español)"), blank=True)
    description_en = models.TextField(_("descripción (inglés)"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duración (min)"), default=20)
    documents_es = models.TextField(_("documentos (español)"), blank=True)
    documents_en = models.TextField(_("documentos (inglés)"), blank=True)
    # Rules the booking service enforces.
    max_persons = models.PositiveSmallIntegerField(
        _("personas por cita"),
        default=1,
        help_text=_("Cuántos solicitantes de una familia puede cubrir una sola reserva."),
    )
    requires_both_parents = models.BooleanField(_("ambos padres presentes"), default=False)
    min_age = models.PositiveSmallIntegerField(_("edad mínima"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(
        _("edad máxima"), null=True, blank=True, help_text=_("Edad máxima inclusive (menores: 17).")
    )
    witnesses_required = models.PositiveSmallIntegerField(_("testigos"), default=0)
    active = models.BooleanField(_("activo"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("trámite")
        verbose_name_plural = _("trámites")
        constraints = [
            models.CheckConstraint(condition=models.Q(max_persons__gte=1), name="procedure_persons"),
            models.CheckConstraint(condition=models.Q(duration_minutes__gte=5), name="procedure_duration"),
        ]

    @property
    def documents(self) -> str:
        return (
            self.documents_en
            if translation.get_language() == "en" and self.documents_en
            else self.documents_es
        )


class Fee(BilingualName):
    """One price of a procedure (e.g. a 6-year passport). Fees change every 1 January."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    variant = models.SlugField(_("variante"), max_length=40)
    amount_cents = models.PositiveIntegerField(_("importe (centavos)"))
    currency = models.CharField(_("moneda"), max_length=3, default="USD")
    valid_from = models.DateField(_("vigente desde"))
    valid_until = models.DateField(_("vigente hasta"), null=True, blank=True)

    class Meta:
        ordering = ["procedure", "amount_cents"]
        verbose_name = _("tarifa")
        verbose_name_plural = _("tarifas")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "variant", "valid_from"], name="fee_unique"),
        ]


class OfficeProcedure(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE)
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE)
    active = models.BooleanField(_("activo"), default=True)

    class Meta:
        verbose_name = _("trámite de la oficina")
        verbose_name_plural = _("trámites de la oficina")
        constraints = [
            models.UniqueConstraint(fields=["office", "procedure"], name="office_procedure_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.office.code}:{self.procedure.code}"
