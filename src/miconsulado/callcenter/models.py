"""The phone line's data: its numbers (each with a role), its settings and closures, and one record
per call with its append-only path through the menus."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
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


# --- Agents and the queue (how calls reach agents; docs/decisions/0012-call-queue.md) -------------


class AgentState(models.TextChoices):
    OFFLINE = "offline", _("Desconectado")
    AVAILABLE = "available", _("Disponible")
    # Offered a call, not yet accepted (a few seconds): no other call is offered meanwhile.
    RESERVED = "reserved", _("Llamada ofrecida")
    ON_CALL = "on_call", _("En llamada")
    WRAP_UP = "wrap_up", _("Cierre de llamada")
    BREAK = "break", _("En pausa")


# States in which an agent counts as signed in (for the estimate and for overflow).
SIGNED_IN_STATES = (
    AgentState.AVAILABLE,
    AgentState.RESERVED,
    AgentState.ON_CALL,
    AgentState.WRAP_UP,
)


class Agent(models.Model):
    """A call-center agent: a user with the agent role, their skills and their current state."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="call_agent",
        verbose_name=_("usuario"),
    )
    # What the provider dials to reach the agent: "client:<identity>" (a browser/softphone) or an
    # E.164 number.
    endpoint = models.CharField(_("destino"), max_length=64)
    state = models.CharField(
        _("estado"), max_length=10, choices=AgentState.choices, default=AgentState.OFFLINE
    )
    state_since = models.DateTimeField(_("en este estado desde"), default=timezone.now)
    # When the agent last became available: the longest idle is offered the next call.
    idle_since = models.DateTimeField(_("disponible desde"), null=True, blank=True)
    wrap_up_until = models.DateTimeField(_("cierre hasta"), null=True, blank=True)

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("agente")
        verbose_name_plural = _("agentes")
        indexes = [models.Index(fields=["state", "idle_since"], name="agent_state_idle_idx")]

    def __str__(self) -> str:
        return self.user.get_username()


class SkillKind(models.TextChoices):
    LANGUAGE = "language", _("Idioma")
    GROUP = "group", _("Grupo de trámites")


class AgentSkill(models.Model):
    """One skill of an agent: a language (es, en) or a group of procedures."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="skills")
    kind = models.CharField(_("tipo"), max_length=10, choices=SkillKind.choices)
    value = models.CharField(_("valor"), max_length=40)

    class Meta:
        verbose_name = _("habilidad")
        verbose_name_plural = _("habilidades")
        constraints = [
            models.UniqueConstraint(fields=["agent", "kind", "value"], name="agent_skill_once"),
        ]
        indexes = [models.Index(fields=["kind", "value", "agent"], name="agent_skill_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class AgentStateChange(models.Model):
    """Every change of an agent's state, with its time. Append-only."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="state_changes")
    at = models.DateTimeField(default=timezone.now)
    from_state = models.CharField(max_length=10, choices=AgentState.choices)
    to_state = models.CharField(max_length=10, choices=AgentState.choices)
    reason = models.CharField(_("motivo"), max_length=60, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("cambio de estado del agente")
        verbose_name_plural = _("cambios de estado de los agentes")
        indexes = [models.Index(fields=["agent", "at"], name="agent_change_idx")]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.from_state}→{self.to_state}"


class EntryStatus(models.TextChoices):
    WAITING = "waiting", _("En espera")
    OFFERED = "offered", _("Ofrecida a un agente")
    CONNECTED = "connected", _("Atendida")
    # The caller hung up to be called back: the entry keeps its place (routable from next_try_at).
    CALLBACK = "callback", _("Devolución de llamada en espera")
    DONE = "done", _("Terminada")
    ABANDONED = "abandoned", _("Abandonada")
    FAILED = "failed", _("Devolución fallida")


# Entries ahead of a caller (callbacks keep their place: their `enqueued_at`).
IN_LINE = (EntryStatus.WAITING, EntryStatus.CALLBACK)
# An entry holding an agent: at most one per agent (a constraint).
HOLDING_AGENT = (EntryStatus.OFFERED, EntryStatus.CONNECTED)


class QueueEntry(models.Model):
    """A call's place in the queue for its language, from key 2 to its end."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="queue_entry")
    language = models.CharField(_("idioma"), max_length=5, choices=Language.choices)
    group = models.CharField(_("grupo de trámites"), max_length=40, blank=True)
    status = models.CharField(
        _("estado"), max_length=16, choices=EntryStatus.choices, default=EntryStatus.WAITING
    )
    enqueued_at = models.DateTimeField(_("en la fila desde"), default=timezone.now)
    agent = models.ForeignKey(
        Agent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("agente"),
    )
    overflowed = models.BooleanField(_("desbordada a otro idioma"), default=False)
    offered_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(_("atendida"), null=True, blank=True)
    ended_at = models.DateTimeField(_("terminada"), null=True, blank=True)
    abandoned_after_seconds = models.PositiveIntegerField(_("abandonada tras (s)"), null=True, blank=True)
    # Callbacks: the number called back, the tries made, the outbound leg in progress.
    callback_number = models.CharField(_("número para devolver la llamada"), max_length=20, blank=True)
    callback_requested_at = models.DateTimeField(null=True, blank=True)
    callback_attempts = models.PositiveSmallIntegerField(_("intentos de devolución"), default=0)
    callback_call_sid = models.CharField(max_length=64, blank=True)
    next_try_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["enqueued_at", "id"]
        verbose_name = _("lugar en la fila")
        verbose_name_plural = _("lugares en la fila")
        indexes = [
            models.Index(fields=["status", "language", "enqueued_at"], name="entry_route_idx"),
        ]
        constraints = [
            # Never two calls for one agent.
            models.UniqueConstraint(
                fields=["agent"], condition=Q(status__in=["offered", "connected"]), name="one_call_per_agent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.status}"


class CallbackAttempt(models.Model):
    """One outbound try of a callback and how it ended. Append-only."""

    entry = models.ForeignKey(QueueEntry, on_delete=models.CASCADE, related_name="callback_tries")
    at = models.DateTimeField(default=timezone.now)
    call_sid = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.outcome}"


class SurveyResponse(models.Model):
    """The caller's rating of the agent (1–5 by keypad) after the agent hung up."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="survey")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="surveys", null=True)
    score = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("encuesta")
        verbose_name_plural = _("encuestas")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="survey_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.score}"
