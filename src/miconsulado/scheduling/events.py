"""What scheduling announces (core.events): apps above it (notifications) react without scheduling
importing them. Announced inside the change's transaction; delivered after commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from miconsulado.core.events import Event


@dataclass(frozen=True, kw_only=True)
class SlotsInConflict(Event, name="scheduling.slots_in_conflict"):
    """A regenerated schedule no longer offers these booked slots (the office closes that day or
    those hours, a holiday, a window taken out of service, hours shortened): the places are kept,
    but the people in them must choose another time. Only slots newly in conflict (or whose cause
    changed) are announced; a slot whose capacity merely fell below what is booked is not, since
    everybody in it keeps their place.

    `slots`: one dict per slot, {"slot": id, "start": UTC ISO 8601, "cause": one of CAUSES,
    "detail": the closure's reason or the holiday's name (as staff wrote it), or ""}.
    """

    office: str  # its code
    slots: list[dict[str, Any]]


CAUSES = ("closure", "holiday", "window_inactive", "capacity_zero", "out_of_hours")
