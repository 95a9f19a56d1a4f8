"""The waitlist's receivers of booking's events (registered by WaitlistConfig.ready())."""

from miconsulado.booking.events import PlacesFreed
from miconsulado.core.events import receiver
from miconsulado.waitlist import services


@receiver(PlacesFreed)
def offer_to_the_line(event: PlacesFreed) -> None:
    """Places went back to a slot: offer them to the people waiting. Runs in the event's delivery
    task on the worker, never in the request that freed them. Idempotent: a second delivery finds
    the places held already (or nobody waiting) and makes no offer."""
    services.offer_freed_places(slot_id=event.slot)
