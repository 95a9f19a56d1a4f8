"""What the API returns about availability: times in the office's zone, with its UTC offset."""

from __future__ import annotations

import datetime as dt

from ninja import Field

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
