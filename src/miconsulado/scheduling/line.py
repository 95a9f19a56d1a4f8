"""Places held for the line: a slot's freed places that people waiting for them will be offered.

A place given back (a cancellation, a lapsed hold, a reschedule away, a hold confirmed for fewer
people) while someone waits for it must not be free to everybody, not even for the second before the
waitlist's task offers it. So the transaction that frees it asks, through the hook the waitlist
registers at start-up (`register_line_demand`), how many people in line could take a place in this
slot, and moves that many of the freed places into the slot's `line_held` instead of giving them
back: they stay in `booked`, so every availability read and every capacity guard (the one-statement
booking included) counts them as taken, with no change to the booking's hot path.

The waitlist then takes a line-held place into a person's hold (`take_line_places`, through
booking's hold with `for_the_line`), or gives back to everybody what nobody in line can take
(`release_line_places`). Booking and scheduling know nothing of the line's shape: the hook answers
one number. Decision 0010.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection

from miconsulado.catalog.models import Office
from miconsulado.scheduling.models import Slot
from miconsulado.scheduling.services import note_availability_changed

# How many people waiting could take a place in `slot` (at `office`) at `now`, counted up to
# `up_to`. Called inside the freeing transaction: one cheap indexed read, no writes.
LineDemand = Callable[..., int]

_demand: LineDemand | None = None


def register_line_demand(demand: LineDemand) -> None:
    """Set the function that says how many people wait for a slot's places (the waitlist's, from its
    AppConfig.ready). One function: registering again replaces it."""
    global _demand
    _demand = demand


def line_demand(*, slot: Slot, office: Office, up_to: int, now: dt.datetime) -> int:
    """How many people in line could take a place in `slot` (0 with no hook registered)."""
    if _demand is None or up_to <= 0:
        return 0
    return max(0, int(_demand(slot=slot, office=office, up_to=up_to, now=now)))


# The places given back go to the line, up to what it wants beyond what it holds here already, and
# the rest to everybody, in one guarded UPDATE (the slot's row is locked by it; a concurrent freeing
# of the same slot re-reads line_held after it). Parameters: places, wanted, wanted, places, wanted,
# slot id, places. `moved` is MIN(places, MAX(0, wanted - line_held)), written with CASE for both
# databases. The guard: the appointment's places are among those not held for the line.
_MOVED = "(CASE WHEN %s - line_held <= 0 THEN 0 WHEN %s - line_held >= %s THEN %s ELSE %s - line_held END)"
_GIVE_BACK_SQL = (
    f"UPDATE {Slot._meta.db_table} SET booked = booked - %s + {_MOVED}, line_held = line_held + {_MOVED}"  # noqa: S608
    " WHERE id = %s AND booked - line_held >= %s"
)
_PLAIN_GIVE_BACK_SQL = (
    f"UPDATE {Slot._meta.db_table} SET booked = booked - %s WHERE id = %s AND booked - line_held >= %s"  # noqa: S608
)


def give_back_places(*, slot: Slot, office: Office, places: int, now: dt.datetime) -> None:
    """Give an appointment's `places` back to `slot`: to the line as far as people wait for them
    (line_demand), the rest to everybody. The caller notes the change of availability, last in its
    transaction, and announces PlacesFreed (the waitlist's task offers the line's places)."""
    # Up to the places plus the slot's capacity: the line can never hold more than that here.
    wanted = line_demand(slot=slot, office=office, up_to=places + slot.capacity, now=now)
    with connection.cursor() as cursor:
        if wanted:
            moved = [wanted, wanted, places, places, wanted]
            cursor.execute(_GIVE_BACK_SQL, [places, *moved, *moved, slot.pk, places])
        else:
            cursor.execute(_PLAIN_GIVE_BACK_SQL, [places, slot.pk, places])
        given = cursor.rowcount
    if not given:  # would mean the counter drifted from the appointments: refuse, roll back
        raise RuntimeError(f"slot {slot.pk} holds fewer than {places} places")


_TAKE_SQL = (
    f"UPDATE {Slot._meta.db_table} SET line_held = line_held - %s"  # noqa: S608
    " WHERE id = %s AND conflict = %s AND withdrawn = %s AND line_held >= %s"
)


def take_line_places(slot: Slot, places: int) -> bool:
    """Turn `places` held for the line into a person's (the caller's hold now counts them; `booked`
    does not change, nor does anybody else's availability). False (nothing written) if the line
    holds fewer here, or the slot is closed."""
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_SQL, [places, slot.pk, False, False, places])
        return bool(cursor.rowcount)


_RELEASE_SQL = (
    f"UPDATE {Slot._meta.db_table} SET line_held = line_held - %s, booked = booked - %s"  # noqa: S608
    " WHERE id = %s AND line_held >= %s"
)


def release_line_places(*, slot: Slot, places: int) -> bool:
    """Give `places` held for the line back to everybody (nobody in line can take them), and note
    the change of availability, so cached answers show them. The caller has the slot's row locked
    and decided how many, in its transaction."""
    with connection.cursor() as cursor:
        cursor.execute(_RELEASE_SQL, [places, places, slot.pk, places])
        released = bool(cursor.rowcount)
    if released:
        note_availability_changed(office_id=slot.office_id)
    return released
