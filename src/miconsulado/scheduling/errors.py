"""Scheduling's domain errors, defined once: what the calendar answers about a time or a range of
dates. Edges translate them (see core.errors.DomainError.kind)."""

from django.utils.translation import gettext_lazy as _

from miconsulado.core.errors import Invalid, NotFound


class InvalidDateRange(Invalid):
    code = "invalid_date_range"
    default_message = _("La fecha final no puede ser anterior a la inicial.")


class DateOutOfRange(Invalid):
    code = "date_out_of_range"
    default_message = _("Fecha fuera del calendario de citas: use una fecha entre 1900-01-01 y 9998-12-31.")


class ProcedureNotOffered(Invalid):
    code = "procedure_not_offered"
    default_message = _("Esta oficina no ofrece ese trámite en ese horario.")


class SlotNotFound(NotFound):
    code = "slot_not_found"
    default_message = _("No existe un horario para esa oficina, trámite y hora.")


class ClosedThatDay(Invalid):
    code = "closed_that_day"
    default_message = _("La oficina no atiende ese trámite ese día; consulte los horarios disponibles.")


class SlotInPast(Invalid):
    code = "slot_in_past"
    default_message = _("Ese horario ya pasó.")


class TooSoon(Invalid):
    code = "too_soon"
    default_message = _("Ese horario está demasiado próximo; elija uno posterior.")


class OutsideHorizon(Invalid):
    code = "outside_horizon"
    default_message = _("Ese horario está fuera del periodo de reserva abierto.")
