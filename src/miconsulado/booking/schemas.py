"""What the API accepts and returns about appointments.

The shapes only: limits here bound the size of what a client can send; the rules (CURP, birth date,
parents, capacity) are the booking service's, so every channel gets the same answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from ninja import Field
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from miconsulado.booking.applicants import (
    FULL_NAME_MAX,
    ID_DOCUMENT_MAX,
    NAME_MAX,
    ApplicantData,
    ParentData,
)
from miconsulado.booking.witnesses import WitnessData
from miconsulado.catalog.schemas import OfficeRef, ProcedureRef
from miconsulado.core.api_schemas import Input, Output

CURP_MAX = 30  # 18 characters, with room for the spaces or dashes people type
CODE_MAX = 40
# A bound on the request, not the rule: each procedure says how many people one booking covers.
APPLICANTS_MAX = 20
PARENTS_MAX = 4
WITNESSES_MAX = 4


def _not_a_number(error_type: str) -> Callable[[Any], Any]:
    """Dates and times come as ISO 8601 text; a bare number is not read as a Unix timestamp."""

    def check(value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise PydanticCustomError(error_type, "Input should be an ISO 8601 string")
        return value

    return check


class ParentIn(Input):
    role: str = Field(..., max_length=20, description="mother, father o guardian")
    full_name: str = Field(..., max_length=FULL_NAME_MAX)
    curp: str | None = Field(None, max_length=CURP_MAX)
    id_document: str | None = Field(None, max_length=ID_DOCUMENT_MAX)
    present: bool = Field(True, description="Presente en la cita; si no, OP-7 remoto firmado.")
    remote_consent_signed_on: dt.date | None = None

    def to_data(self) -> ParentData:
        return ParentData(
            role=self.role,
            full_name=self.full_name,
            curp=self.curp or "",
            id_document=self.id_document or "",
            present=self.present,
            remote_consent_signed_on=self.remote_consent_signed_on,
        )


class ApplicantIn(Input):
    curp: str = Field(
        ...,
        max_length=CURP_MAX,
        examples=["PEXA310820MNERXN01"],
        description="Sus letras deben corresponder a los nombres y apellidos (reglas de RENAPO).",
    )
    given_names: str = Field(..., max_length=NAME_MAX, examples=["Ana"])
    first_surname: str = Field(..., max_length=NAME_MAX, examples=["Pérez"])
    second_surname: str | None = Field(None, max_length=NAME_MAX)
    birth_date: dt.date = Field(..., description="AAAA-MM-DD; debe coincidir con la CURP.")
    email: str | None = Field(None, max_length=254, description="Obligatorio para el primer solicitante.")
    phone: str | None = Field(None, max_length=30, description="Obligatorio para el primer solicitante.")
    parents: list[ParentIn] = Field(default_factory=list, max_length=PARENTS_MAX)

    _date_as_text = field_validator("birth_date", mode="before")(_not_a_number("date_type"))

    def to_data(self) -> ApplicantData:
        return ApplicantData(
            curp=self.curp,
            given_names=self.given_names,
            first_surname=self.first_surname,
            second_surname=self.second_surname or "",
            birth_date=self.birth_date,
            email=self.email or "",
            phone=self.phone or "",
            parents=tuple(p.to_data() for p in self.parents),
        )


class WitnessIn(Input):
    full_name: str = Field(..., max_length=FULL_NAME_MAX)
    id_document: str = Field(..., max_length=ID_DOCUMENT_MAX, description="Identificación oficial.")

    def to_data(self) -> WitnessData:
        return WitnessData(full_name=self.full_name, id_document=self.id_document)


class AppointmentIn(Input):
    office: str = Field(..., max_length=CODE_MAX, examples=["losangeles"])
    procedure: str = Field(..., max_length=CODE_MAX, examples=["passport-renewal"])
    start: dt.datetime = Field(
        ...,
        description=(
            "ISO 8601. Con desfase (2026-03-09T08:00:00-07:00) es ese instante; sin desfase "
            "(2026-03-09T08:00) es la hora local de la oficina."
        ),
    )
    applicants: list[ApplicantIn] = Field(..., max_length=APPLICANTS_MAX)
    witnesses: list[WitnessIn] = Field(
        default_factory=list,
        max_length=WITNESSES_MAX,
        description="Exactamente los que pide el trámite (witnesses_required del catálogo); ninguno si no pide.",
    )
    language: Literal["es", "en"] | None = Field(
        None,
        description=(
            "Idioma de los mensajes de la cita. Por omisión, el de Accept-Language si es es o en; si no, es."
        ),
    )

    _start_as_text = field_validator("start", mode="before")(_not_a_number("datetime_type"))


class CancelIn(Input):
    curp: str | None = Field(None, max_length=CURP_MAX, description="Obligatoria sin token de personal.")
    reason: str = Field("", max_length=500)


class RescheduleIn(Input):
    curp: str | None = Field(None, max_length=CURP_MAX, description="Obligatoria sin token de personal.")
    start: dt.datetime = Field(..., description="ISO 8601, como al crear la cita.")
    office: str | None = Field(None, max_length=CODE_MAX, description="Por omisión, la misma oficina.")

    _start_as_text = field_validator("start", mode="before")(_not_a_number("datetime_type"))


class ApplicantOut(Output):
    given_names: str
    first_surname: str
    second_surname: str
    curp: str | None = Field(
        None, description="Sólo las CURP que envió quien consulta (todas, para el personal)."
    )


class WitnessOut(Output):
    full_name: str
    id_document: str | None = Field(None, description="Sólo para el personal.")


class AppointmentOut(Output):
    code: str
    status: str
    office: OfficeRef
    procedure: ProcedureRef
    start: dt.datetime = Field(..., description="Con el desfase UTC de la oficina.")
    end: dt.datetime
    places: int
    language: str = Field(..., description="es o en: el idioma de los mensajes de la cita.")
    applicants: list[ApplicantOut]
    witnesses: list[WitnessOut]


class DayAppointmentsOut(Output):
    office: OfficeRef
    date: dt.date
    appointments: list[AppointmentOut]


class HoldIn(Input):
    office: str = Field(..., max_length=CODE_MAX, examples=["losangeles"])
    procedure: str = Field(..., max_length=CODE_MAX, examples=["passport-renewal"])
    start: dt.datetime = Field(..., description="ISO 8601, como al crear la cita.")
    places: int = Field(1, ge=1, le=APPLICANTS_MAX, description="Cuántas personas irán a la cita.")
    language: Literal["es", "en"] | None = Field(
        None,
        description="Idioma de los mensajes. Por omisión, el de Accept-Language si es es o en; si no, es.",
    )

    _start_as_text = field_validator("start", mode="before")(_not_a_number("datetime_type"))


class HoldOut(Output):
    code: str = Field(..., description="Nombra el apartado para pedir el código y confirmar.")
    status: str
    office: OfficeRef
    procedure: ProcedureRef
    start: dt.datetime = Field(..., description="Con el desfase UTC de la oficina.")
    end: dt.datetime
    places: int
    language: str
    expires_at: dt.datetime = Field(..., description="Cuándo se libera el apartado si no se confirma (UTC).")


class VerificationIn(Input):
    email: str = Field(
        ...,
        max_length=254,
        description="El correo del primer solicitante: el código llega ahí, y la cita se confirma con él.",
    )
    language: Literal["es", "en"] | None = Field(None, description="Por omisión, el del apartado.")


class VerificationOut(Output):
    channel: str = Field(..., description="email")
    expires_at: dt.datetime = Field(..., description="Cuándo vence el código (UTC).")
    resend_after: dt.datetime = Field(..., description="Desde cuándo se puede pedir otro código (UTC).")
    sends_left: int = Field(..., description="Cuántos códigos más se pueden pedir para este apartado.")


class ConfirmIn(Input):
    applicants: list[ApplicantIn] = Field(..., max_length=APPLICANTS_MAX)
    witnesses: list[WitnessIn] = Field(default_factory=list, max_length=WITNESSES_MAX)
    language: Literal["es", "en"] | None = Field(None, description="Por omisión, el del apartado.")
    verification_code: str | None = Field(
        None,
        max_length=20,
        description=(
            "Los 6 dígitos enviados al correo del primer solicitante (POST …/verification). "
            "Obligatorio sin token; 5 intentos por código."
        ),
    )
