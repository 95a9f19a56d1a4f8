"""What the API returns about availability (times in the office's zone, with its UTC offset) and
about an office with its opening hours and booking policy."""

from __future__ import annotations

import datetime as dt

from ninja import Field

from miconsulado.catalog.schemas import OfficeOut, ProcedureRef
from miconsulado.core.api_schemas import Output


class SlotOut(Output):
    id: int
    start: dt.datetime = Field(..., description="ISO 8601 con el desfase UTC de la oficina.")
    end: dt.datetime
    remaining: int = Field(..., description="Lugares libres.")


class AvailabilityOut(Output):
    office: str
    procedure: str
    tz: str = Field(..., description="Zona horaria IANA de la oficina.")
    date_from: dt.date = Field(..., alias="from")
    date_to: dt.date = Field(..., alias="to")
    slots: list[SlotOut]


class OpeningRangeOut(Output):
    weekday: int = Field(..., description="0 = lunes … 6 = domingo")
    day: str
    opens: str = Field(..., description="HH:MM, hora local")
    closes: str = Field(..., description="HH:MM, hora local")


class BookingPolicyOut(Output):
    slot_minutes: int
    horizon_days: int
    min_lead_minutes: int
    cancellation_cutoff_hours: int


class OfficeDetailOut(OfficeOut):
    procedures: list[ProcedureRef]
    opening_hours: list[OpeningRangeOut]
    booking: BookingPolicyOut
