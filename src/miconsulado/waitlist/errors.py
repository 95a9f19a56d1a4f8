"""The waitlist's domain errors; edges translate them by kind (core.errors)."""

from django.utils.translation import gettext_lazy as _

from miconsulado.core.errors import Conflict, NotFound


class AlreadyWaiting(Conflict):
    code = "already_waiting"
    default_message = _("Esta CURP ya está en la lista de espera de este trámite.")


class AlreadyBooked(Conflict):
    code = "curp_already_booked"
    default_message = _("Esta CURP ya tiene una cita activa para este trámite.")


class EntryNotFound(NotFound):
    code = "waitlist_entry_not_found"
    default_message = _("No encontramos ese registro en la lista de espera con esa CURP.")


class OfferNotFound(NotFound):
    code = "waitlist_offer_not_found"
    default_message = _("No encontramos esa oferta.")


class NotWaiting(Conflict):
    code = "not_waiting"
    default_message = _("Este registro ya no está en la lista de espera.")


class OfferClosed(Conflict):
    code = "offer_closed"
    default_message = _("Esta oferta ya fue respondida.")


class OfferExpired(Conflict):
    code = "offer_expired"
    default_message = _("Esta oferta ya venció; el lugar pasó a la siguiente persona de la lista.")
