"""What the API accepts and returns about the waitlist. Limits bound the request's size; the rules
are the services' (the core's applicant checks among them)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field
from pydantic import field_validator

from miconsulado.booking.applicants import NAME_MAX, ApplicantData
from miconsulado.booking.schemas import CODE_MAX, CURP_MAX, _not_a_number
from miconsulado.catalog.schemas import OfficeRef, ProcedureRef
from miconsulado.core.api_schemas import Input, Output


class WaitingApplicantIn(Input):
    curp: str = Field(..., max_length=CURP_MAX, examples=["BOXW310820HNERXN09"])
    given_names: str = Field(..., max_length=NAME_MAX)
    first_surname: str = Field(..., max_length=NAME_MAX)
    second_surname: str | None = Field(None, max_length=NAME_MAX)
    birth_date: dt.date = Field(..., description="AAAA-MM-DD; debe coincidir con la CURP.")
    email: str = Field(..., max_length=254)
    phone: str | None = Field(None, max_length=30)

    _date_as_text = field_validator("birth_date", mode="before")(_not_a_number("date_type"))

    def to_data(self) -> ApplicantData:
        return ApplicantData(
            curp=self.curp,
            given_names=self.given_names,
            first_surname=self.first_surname,
            second_surname=self.second_surname or "",
            birth_date=self.birth_date,
            email=self.email,
            phone=self.phone or "",
        )


class WaitlistIn(Input):
    office: str = Field(..., max_length=CODE_MAX, examples=["losangeles"])
    procedure: str = Field(..., max_length=CODE_MAX, examples=["passport-renewal"])
    date_from: dt.date | None = Field(None, alias="from", description="Fecha local más temprana aceptable.")
    date_to: dt.date | None = Field(None, alias="to", description="Fecha local más tardía aceptable.")
    language: Literal["es", "en"] | None = Field(
        None,
        description="Idioma de los mensajes. Por omisión, el de Accept-Language si es es o en; si no, es.",
    )
    applicant: WaitingApplicantIn

    _dates_as_text = field_validator("date_from", "date_to", mode="before")(_not_a_number("date_type"))


class AnswerIn(Input):
    curp: str | None = Field(None, max_length=CURP_MAX, description="Obligatoria sin token de personal.")
    link: str | None = Field(
        None,
        max_length=1000,
        description="Sin token de personal, para aceptar: el enlace firmado del mensaje de la oferta "
        "(su última parte), que prueba que la persona recibió el correo.",
    )


class OfferOut(Output):
    id: str
    state: str
    start: dt.datetime = Field(..., description="Con el desfase UTC de la oficina.")
    end: dt.datetime
    expires_at: dt.datetime = Field(..., description="Hasta cuándo se guarda el lugar.")
    appointment: str | None = Field(None, description="Código de la cita, si se aceptó.")


class WaitlistOut(Output):
    id: str
    state: str = Field(..., description="waiting, offered, booked, left o expired.")
    position: int | None = Field(None, description="Lugar en la fila (1 = la siguiente), mientras espera.")
    office: OfficeRef
    procedure: ProcedureRef
    date_from: dt.date | None = Field(None, serialization_alias="from")
    date_to: dt.date | None = Field(None, serialization_alias="to")
    language: str
    joined_at: dt.datetime
    offer: OfferOut | None = Field(None, description="La oferta abierta o la última respondida.")
