"""What the API returns about offices and procedures (names and texts in the request's language)."""

from __future__ import annotations

from ninja import Field

from miconsulado.core.api_schemas import Output


class OfficeOut(Output):
    code: str
    name: str
    city: str
    region: str
    country: str
    tz: str = Field(..., description="Zona horaria IANA; las horas de la oficina se dan en ella.")
    address: str
    phone: str


class OfficeRef(Output):
    code: str
    name: str
    tz: str


class ProcedureRef(Output):
    code: str
    name: str


class FeeOut(Output):
    variant: str
    name: str
    amount_cents: int
    currency: str


class ProcedureRulesOut(Output):
    max_persons: int = Field(..., description="Solicitantes de una familia que cubre una sola cita.")
    requires_both_parents: bool
    min_age: int | None
    max_age: int | None = Field(..., description="Inclusive.")
    witnesses_required: int


class ProcedureOut(Output):
    code: str
    name: str
    description: str
    duration_minutes: int
    documents: list[str]
    rules: ProcedureRulesOut
    fees: list[FeeOut] = Field(..., description="Vigentes hoy; importes en centavos.")
