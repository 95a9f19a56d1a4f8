"""Booking's own receivers of its events (registered by BookingConfig.ready())."""

import logging

from miconsulado.booking.events import AppointmentConfirmed
from miconsulado.core.events import receiver

logger = logging.getLogger("miconsulado.booking.tasks")


@receiver(AppointmentConfirmed)
def log_confirmation(event: AppointmentConfirmed) -> None:
    """Notes the confirmation in the log (idempotent: a line more on a second delivery)."""
    logger.info("appointment confirmed: %s", event.appointment)
