"""When a time can be booked: scheduling's answers, in the words a person can act on. Booking asks
them before it takes a place; any channel may ask them to explain an empty answer."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miconsulado.catalog.localtime import office_date
from miconsulado.catalog.models import Office, Procedure
from miconsulado.core.errors import DomainError
from miconsulado.scheduling.errors import (
    ClosedThatDay,
    DateOutOfRange,
    OutsideHorizon,
    SlotInPast,
    SlotNotFound,
    TooSoon,
)
from miconsulado.scheduling.holidays import closed_holidays
from miconsulado.scheduling.models import Closure
from miconsulado.scheduling.selectors import available_slots, booking_window

# The local dates anyone may ask about (a day's list, availability). Far wider than any booking
# horizon or history, and narrow enough that a day's bounds in any zone are instants Python holds
# (0001-01-01 east of UTC, 9999-12-31 west of it are not).
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(9998, 12, 31)


def check_date(day: dt.date | None, *, field: str) -> None:
    """DateOutOfRange (blaming `field`) for a date outside [FIRST_DATE, LAST_DATE]."""
    if day is not None and not FIRST_DATE <= day <= LAST_DATE:
        raise DateOutOfRange(field=field)


def timing_refusal(*, office: Office, start: dt.datetime, now: dt.datetime) -> DomainError | None:
    """Why nothing starting at `start` can be booked now, whatever the slot: it is past, inside the
    minimum lead time, or beyond the horizon; None when the time itself is bookable."""
    if start <= now:
        return SlotInPast(field="start")
    window = booking_window(office=office, now=now)
    if start < window.earliest:
        return TooSoon(field="start")
    if start >= window.latest:
        return OutsideHorizon(field="start")
    return None


def why_no_slot(
    *, office: Office, procedure: Procedure, start: dt.datetime, now: dt.datetime | None = None
) -> DomainError:
    """Why nothing can be booked at `start` (an instant no slot of the procedure starts at), in the
    words a person can act on: in the past, too soon, beyond the horizon, a closed day (with the
    holiday or the reason), or simply not a start time of that day."""
    now = now or timezone.now()
    refusal = timing_refusal(office=office, start=start, now=now)
    if refusal is not None:
        return refusal
    day = office_date(start, office)
    if available_slots(
        office=office, procedure=procedure, date_from=day, date_to=day, include_full=True, now=now
    ):
        return SlotNotFound(field="start")
    reason = Closure.objects.filter(office=office, date=day, starts__isnull=True).values_list(
        "reason", flat=True
    ).first() or closed_holidays(office=office, start=day, end=day).get(day)
    if reason:
        return ClosedThatDay(
            _("La oficina está cerrada ese día: %(reason)s.") % {"reason": reason}, field="start"
        )
    return ClosedThatDay(field="start")
