"""Read back from the database after a stage: oversold places, lost or phantom appointments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from race.seed import Stage


def verify(stage: Stage, codes: Sequence[str] | None = None) -> dict[str, Any]:
    """From the database: places taken beyond capacity, counters that disagree with the rows, and
    (for the HTTP race) answers of 201 without an appointment or appointments nobody was told of."""
    from django.db.models import Count, Q, Sum

    from miconsulado.booking.models import ACTIVE_STATUSES, Applicant, Appointment
    from miconsulado.scheduling.models import Slot

    slots = list(
        Slot.objects.filter(pk__in=stage.slot_ids).annotate(
            places=Sum("appointments__places", filter=Q(appointments__status__in=ACTIVE_STATUSES)),
            confirmed=Sum("appointments__places", filter=Q(appointments__status="confirmed")),
        )
    )
    booked = sum(s.booked for s in slots)
    confirmed = sum(s.confirmed or 0 for s in slots)
    oversold = sum(max(0, s.booked - s.capacity) + max(0, (s.places or 0) - s.capacity) for s in slots)
    mismatched = [s.pk for s in slots if s.booked != (s.places or 0)]
    applicants = Applicant.objects.filter(appointment__slot_id__in=stage.slot_ids, active=True)
    duplicate_curps = applicants.values("curp").annotate(n=Count("id")).filter(n__gt=1).count()
    result: dict[str, Any] = {
        "capacity": sum(s.capacity for s in slots),
        "booked": booked,
        "confirmed_places": confirmed,
        "oversold": oversold,
        "counter_mismatch_slots": mismatched,
        "active_applicants": applicants.count(),
        "duplicate_curps": duplicate_curps,
    }
    if codes is not None:
        stored = set(
            Appointment.objects.filter(slot_id__in=stage.slot_ids, status="confirmed").values_list(
                "code", flat=True
            )
        )
        told = set(codes)
        result["answered_201"] = len(codes)
        result["lost"] = len(told - stored)  # a 201 whose appointment is not there
        result["unannounced"] = len(stored - told)  # an appointment nobody got a 201 for
    result["ok"] = (
        oversold == 0
        and not mismatched
        and duplicate_curps == 0
        and result.get("lost", 0) == 0
        and result.get("unannounced", 0) == 0
    )
    return result
