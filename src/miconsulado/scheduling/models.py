"""Capacity: opening hours, service windows, dated exceptions, holidays, and the slots made from them.

Opening hours are local wall-clock times in the office's zone; slots are stored in UTC.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from miconsulado.catalog.models import BilingualName, Office, Procedure


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lunes")
    TUESDAY = 1, _("martes")
    WEDNESDAY = 2, _("miércoles")
    THURSDAY = 3, _("jueves")
    FRIDAY = 4, _("viernes")
    SATURDAY = 5, _("sábado")
    SUNDAY = 6, _("domingo")


class OfficeSchedule(models.Model):
    """Per-office booking policy. One row per office."""

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="schedule")
    slot_minutes = models.PositiveSmallIntegerField(_("duración del horario (min)"), default=20)
    horizon_days = models.PositiveSmallIntegerField(_("horizonte de reserva (días)"), default=90)
    min_lead_minutes = models.PositiveIntegerField(_("antelación mínima (min)"), default=120)
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        _("cancelar hasta (horas antes)"), default=24
    )
    capacity_percent = models.PositiveSmallIntegerField(
        _("factor de capacidad (%)"),
        default=100,
        help_text=_("Por ejemplo 50 bajo restricciones sanitarias."),
    )
    mexican_holidays = models.BooleanField(_("cerrar en días feriados de México"), default=True)
    host_holidays = models.BooleanField(_("cerrar en días feriados del país sede"), default=True)
    host_subdivision = models.CharField(
        _("subdivisión del país sede"),
        max_length=10,
        blank=True,
        help_text=_("Estado o provincia para los feriados locales (vacío: la región de la oficina)."),
    )

    class Meta:
        verbose_name = _("política de agenda")
        verbose_name_plural = _("políticas de agenda")
        constraints = [
            models.CheckConstraint(condition=Q(capacity_percent__lte=100), name="schedule_capacity_percent"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="schedule_slot_minutes"),
            models.CheckConstraint(condition=Q(horizon_days__gte=1), name="schedule_horizon"),
        ]

    def __str__(self) -> str:
        return str(self.office)

    def clean(self) -> None:
        # An unknown subdivision would silently drop the state's or province's holidays.
        from miconsulado.scheduling.holidays import host_subdivisions

        self.host_subdivision = self.host_subdivision.strip().upper()
        if (
            self.host_subdivision
            and self.office_id is not None
            and self.host_subdivision not in host_subdivisions(self.office.country)
        ):
            message = _("«%(code)s» no es un estado o provincia de %(country)s.")
            params = {"code": self.host_subdivision, "country": self.office.country}
            raise ValidationError({"host_subdivision": ValidationError(message, params=params)})


class OpeningHours(models.Model):
    """One range of a weekday; several ranges a day are allowed (e.g. 08:00–12:00, 13:00–16:00)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("día"), choices=Weekday.choices)
    opens = models.TimeField(_("abre"))
    closes = models.TimeField(_("cierra"))

    class Meta:
        ordering = ["office", "weekday", "opens"]
        verbose_name = _("horario de atención")
        verbose_name_plural = _("horarios de atención")
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="hours_order"),
            models.UniqueConstraint(fields=["office", "weekday", "opens"], name="hours_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ServiceWindow(BilingualName):
    """A pool of desks that serves one procedure or several (a shared pool).

    Every slot belongs to one window; its places are shared by the procedures the window serves.
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="windows")
    code = models.SlugField(_("código"), max_length=40)
    procedures = models.ManyToManyField(Procedure, related_name="windows")
    desks = models.PositiveSmallIntegerField(_("lugares por horario"), default=1)
    slot_minutes = models.PositiveSmallIntegerField(
        _("duración del horario (min)"),
        null=True,
        blank=True,
        help_text=_("Vacío: la de la oficina."),
    )
    active = models.BooleanField(_("activa"), default=True)

    class Meta:
        ordering = ["office", "code"]
        verbose_name = _("ventanilla")
        verbose_name_plural = _("ventanillas")
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="window_unique"),
            models.CheckConstraint(condition=Q(desks__gte=1), name="window_desks"),
        ]


class Closure(models.Model):
    """A dated closure: the whole day (no times) or part of it, with a reason."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField(_("fecha"))
    starts = models.TimeField(_("desde"), null=True, blank=True)
    ends = models.TimeField(_("hasta"), null=True, blank=True)
    reason = models.CharField(_("motivo"), max_length=200)

    class Meta:
        ordering = ["office", "date", "starts"]
        verbose_name = _("cierre")
        verbose_name_plural = _("cierres")
        constraints = [
            models.CheckConstraint(
                condition=(Q(starts__isnull=True) & Q(ends__isnull=True))
                | (Q(starts__isnull=False) & Q(ends__isnull=False) & Q(ends__gt=F("starts"))),
                name="closure_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office.code} {self.date} {self.reason}"

    @property
    def whole_day(self) -> bool:
        return self.starts is None


class ExtraSession(models.Model):
    """Extra opening on a date (an extra Saturday, a mobile consulate); opens a holiday too."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="extra_sessions")
    date = models.DateField(_("fecha"))
    starts = models.TimeField(_("desde"))
    ends = models.TimeField(_("hasta"))
    window = models.ForeignKey(
        ServiceWindow,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Vacío: todas las ventanillas de la oficina."),
    )
    reason = models.CharField(_("motivo"), max_length=200, blank=True)

    class Meta:
        ordering = ["office", "date", "starts"]
        verbose_name = _("sesión extra")
        verbose_name_plural = _("sesiones extra")
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="extra_range"),
        ]

    def __str__(self) -> str:
        return f"{self.office.code} {self.date} {self.starts:%H:%M}–{self.ends:%H:%M}"

    def clean(self) -> None:
        window = self.window if self.window_id is not None else None
        if window is not None and self.office_id is not None and window.office_id != self.office_id:
            raise ValidationError({"window": _("La ventanilla no pertenece a esta oficina.")})


class Slot(models.Model):
    """A bookable time of one window. `booked` counts places taken by holds and appointments, and
    by places held for the waitlist's line (`line_held`, part of `booked`).

    The database refuses `booked > capacity`; bookings take places with a guarded UPDATE. A place
    given back while people wait for it moves from an appointment to `line_held` without ever
    leaving `booked`, so no availability read or capacity guard can see it free (decision 0010).
    """

    # No single-column indexes: slot_office_start (office, start) and slot_unique (window, start)
    # lead with these columns, and slot generation writes thousands of rows.
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="slots", db_index=False)
    window = models.ForeignKey(ServiceWindow, on_delete=models.PROTECT, related_name="slots", db_index=False)
    start = models.DateTimeField(_("inicio (UTC)"))
    end = models.DateTimeField(_("fin (UTC)"))
    capacity = models.PositiveSmallIntegerField(_("capacidad"))
    booked = models.PositiveSmallIntegerField(_("ocupados"), default=0)
    # Of `booked`, the places freed while people waited for them, held for the line until the
    # waitlist's task offers them (or gives them back to everyone when nobody in line can take them).
    # db_default: slot generation's raw INSERTs (and older code) need not name it.
    line_held = models.PositiveSmallIntegerField(
        _("apartados para la lista de espera"), default=0, db_default=0
    )
    # A slot that the schedule no longer produces (or produces with fewer places than are taken)
    # but that still holds appointments: kept so no appointment is lost, listed for staff to resolve.
    conflict = models.BooleanField(_("en conflicto"), default=False)
    conflict_reason = models.CharField(_("motivo del conflicto"), max_length=200, blank=True)
    # No longer offered, but kept because old (cancelled or expired) appointments point at it.
    withdrawn = models.BooleanField(_("retirado"), default=False)

    class Meta:
        ordering = ["start", "window"]
        verbose_name = _("horario")
        verbose_name_plural = _("horarios")
        constraints = [
            models.UniqueConstraint(fields=["window", "start"], name="slot_unique"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="slot_not_overbooked"),
            models.CheckConstraint(condition=Q(booked__gte=0), name="slot_booked_nonnegative"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="slot_order"),
            models.CheckConstraint(
                condition=Q(line_held__gte=0) & Q(line_held__lte=F("booked")), name="slot_line_held_in_booked"
            ),
        ]
        indexes = [
            models.Index(fields=["office", "start"], name="slot_office_start"),
            # Staff's list of conflicts stays cheap however many slots there are.
            models.Index(fields=["office", "start"], condition=Q(conflict=True), name="slot_conflicts"),
            # The waitlist's sweep finds the places held for the line, however many slots there are.
            models.Index(fields=["office", "start"], condition=Q(line_held__gt=0), name="slot_line_held"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.window_id} {self.start:%Y-%m-%d %H:%M}Z"

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.booked)


class AvailabilityVersion(models.Model):
    """One share of an office's availability version: the office's version is the sum of its rows,
    and every change to its slots (a booking, a cancellation, an expiry, a regeneration) adds one to
    a row in the change's own transaction. Every process reads the same version, so a cached
    availability answer is never believed after a change that committed before the question.

    Several rows (shards) per office, one per connection's draw: concurrent bookings at one office
    each lock their own row until they commit, instead of all queueing on one (decision 0008)."""

    # Lookups by office use availability_version_shard (office, shard).
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+", db_index=False)
    shard = models.PositiveSmallIntegerField()
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("versión de disponibilidad")
        verbose_name_plural = _("versiones de disponibilidad")
        constraints = [
            models.UniqueConstraint(fields=["office", "shard"], name="availability_version_shard"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.shard}: {self.value}"
