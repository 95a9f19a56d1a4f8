"""Who an appointment is for: the data a channel collects, and its validation.

Every channel (portal form, API, agent desktop, IVR) hands the service the same `ApplicantData`; the
service validates it here and reports every problem at once, keyed by field path
(`applicants.0.curp`), so a form can show each message beside its field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from miconsulado.booking import curp as curp_rules
from miconsulado.booking.errors import InvalidApplicants, TooManyApplicants
from miconsulado.booking.models import ParentRole, Sex
from miconsulado.booking.text import TextError, clean_name, clean_text, has_invisible
from miconsulado.catalog.models import Procedure

# An absent parent's remote OP-7 is valid for 90 days (docs/domain.md).
REMOTE_CONSENT_VALID_DAYS = 90
NAME_MAX = 100  # Applicant's name fields
FULL_NAME_MAX = 200  # Parent.full_name
ID_DOCUMENT_MAX = 100  # Parent.id_document


@dataclass(frozen=True)
class ParentData:
    role: str
    full_name: str
    curp: str = ""
    id_document: str = ""
    present: bool = True
    remote_consent_signed_on: dt.date | None = None


@dataclass(frozen=True)
class ApplicantData:
    curp: str
    given_names: str
    first_surname: str
    birth_date: dt.date
    second_surname: str = ""
    email: str = ""
    phone: str = ""
    parents: tuple[ParentData, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CleanApplicant:
    curp: str
    given_names: str
    first_surname: str
    second_surname: str
    birth_date: dt.date
    sex: str
    email: str
    phone: str
    parents: tuple[ParentData, ...]


def normalize_phone(raw: str, *, region: str = "US") -> str:
    """E.164, or ValueError. Numbers without a country code are read as North American."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(str(exc)) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("invalid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _is_email(value: str) -> bool:
    # Invisible characters first: the domain's IDNA encoding drops some (U+200B) without a word.
    if has_invisible(value):
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def ensure_applicant_count(*, procedure: Procedure, count: int, field: str = "applicants") -> None:
    """At least one applicant, and no more than the procedure admits per appointment: the people
    of a booking, or the places of a hold (`field` names what the caller sent)."""
    if count < 1:
        raise InvalidApplicants(
            _("Indique al menos un solicitante."), errors={field: [_("Indique al menos un solicitante.")]}
        )
    if count > procedure.max_persons:
        raise TooManyApplicants(
            _("Este trámite admite como máximo %(n)s personas por cita.") % {"n": procedure.max_persons},
            field=field,
        )


# A name field that disagrees with the CURP, and the CURP itself (docs/domain.md, "CURP and names").
NAME_MISMATCH = _("No coincide con la CURP: escríbalo como en su acta de nacimiento.")
CURP_NAME_MISMATCH = _(
    "La CURP no corresponde al nombre y los apellidos escritos: revise ambos (como en su acta de nacimiento)."
)


def clean_applicants(
    *,
    procedure: Procedure,
    applicants: Sequence[ApplicantData],
    appointment_date: dt.date,
    check_names: bool = True,
) -> list[CleanApplicant]:
    """Validate everything that needs no database: formats, CURP vs birth date and names, age and
    parent rules of the procedure. Raises InvalidApplicants with every problem found.

    `check_names=False` skips the CURP-and-names check: a reschedule re-checks the dates of people
    booked before, whose names are already on the appointment."""
    ensure_applicant_count(procedure=procedure, count=len(applicants))
    errors: dict[str, list[str | Promise]] = {}
    cleaned: list[CleanApplicant] = []
    seen: set[str] = set()
    for index, data in enumerate(applicants):
        prefix = f"applicants.{index}"

        def fail(name: str, message: str | Promise, prefix: str = prefix) -> None:
            errors.setdefault(f"{prefix}.{name}", []).append(message)

        curp = curp_rules.compact(data.curp)
        try:
            curp_rules.validate(curp)
        except curp_rules.CurpError:
            fail("curp", _("La CURP no es válida: revise las 18 posiciones y el dígito verificador."))
            curp_ok = False
        else:
            curp_ok = True
            if curp in seen:
                fail("curp", _("Esta CURP aparece dos veces en la misma cita."))
            seen.add(curp)
            if curp_rules.birth_date(curp) != data.birth_date:
                fail("birth_date", _("La fecha de nacimiento no coincide con la CURP."))

        names: dict[str, str] = {}
        for name, raw, required in (
            ("given_names", data.given_names, True),
            ("first_surname", data.first_surname, True),
            ("second_surname", data.second_surname or "", False),
        ):
            names[name] = _name(raw, required=required, fail=partial(fail, name))
        # Only when every name part was read: an unreadable one already has its own message.
        names_read = not any(f"{prefix}.{name}" in errors for name in names)
        if check_names and curp_ok and names_read:
            disagree = curp_rules.names_disagree(curp, **names)
            if disagree:
                fail("curp", CURP_NAME_MISMATCH)
                for name in disagree:
                    if name != "curp":
                        fail(name, NAME_MISMATCH)

        # The first applicant is the contact; the others may share it.
        email = (data.email or "").strip()
        if email:
            if not _is_email(email):
                fail("email", _("El correo electrónico no es válido."))
        elif index == 0:
            fail("email", _("El correo electrónico es obligatorio."))
        phone = ""
        if data.phone and data.phone.strip():
            try:
                phone = normalize_phone(data.phone)
            except ValueError:
                fail("phone", _("El número de teléfono no es válido."))
        elif index == 0:
            fail("phone", _("El teléfono es obligatorio."))

        if data.birth_date > appointment_date:
            fail("birth_date", _("La fecha de nacimiento no puede estar en el futuro."))
        age = age_on(data.birth_date, appointment_date)
        if procedure.min_age is not None and age < procedure.min_age:
            fail(
                "birth_date", _("Este trámite requiere tener al menos %(n)s años.") % {"n": procedure.min_age}
            )
        if procedure.max_age is not None and age > procedure.max_age:
            fail(
                "birth_date",
                _("Este trámite es sólo para menores de %(n)s años.") % {"n": procedure.max_age + 1},
            )

        parents = _check_parents(procedure, data, age, appointment_date, prefix, errors)

        if curp_ok:
            cleaned.append(
                CleanApplicant(
                    curp=curp,
                    sex=curp[10],
                    email=email,
                    phone=phone,
                    birth_date=data.birth_date,
                    parents=parents,
                    **names,
                )
            )
    if errors:
        raise InvalidApplicants(errors=errors)
    # The others inherit the contact of the first applicant.
    first = cleaned[0]
    return [
        c
        if (c.email and c.phone)
        else _with_contact(c, email=c.email or first.email, phone=c.phone or first.phone)
        for c in cleaned
    ]


def _name(value: str, *, required: bool, fail: Callable[[str | Promise], None], limit: int = NAME_MAX) -> str:
    """The name as stored, or "" after telling `fail` what is wrong with it."""
    try:
        value = clean_name(value)
    except TextError as exc:
        fail(exc.message)
        return ""
    if required and not value:
        fail(_("Este campo es obligatorio."))
    elif len(value) > limit:
        fail(_("Máximo %(n)s caracteres.") % {"n": limit})
    return value


def _text(value: str, *, fail: Callable[[str | Promise], None], limit: int) -> str:
    """One line of text as stored (an ID document), or "" after telling `fail` what is wrong."""
    try:
        value = clean_text(value)
    except TextError as exc:
        fail(exc.message)
        return ""
    if len(value) > limit:
        fail(_("Máximo %(n)s caracteres.") % {"n": limit})
    return value


def _with_contact(applicant: CleanApplicant, *, email: str, phone: str) -> CleanApplicant:
    return replace(applicant, email=email, phone=phone)


def _check_parents(
    procedure: Procedure,
    data: ApplicantData,
    age: int,
    appointment_date: dt.date,
    prefix: str,
    errors: dict[str, list[str | Promise]],
) -> tuple[ParentData, ...]:
    """A minor's passport records both parents: each present, or with a remote OP-7 signed within
    90 days before the appointment. The parents as stored (names and documents cleaned)."""
    if procedure.requires_both_parents and age < 18:
        roles = {p.role for p in data.parents}
        if len(data.parents) < 2 or len(roles) < 2:
            errors.setdefault(f"{prefix}.parents", []).append(
                _("Indique a ambos padres (o tutores): presentes o con OP-7 remoto vigente.")
            )
    return _clean_parent_rows(data.parents, appointment_date, prefix, errors)


def _clean_parent_rows(
    parents: Sequence[ParentData],
    appointment_date: dt.date,
    prefix: str,
    errors: dict[str, list[str | Promise]],
) -> tuple[ParentData, ...]:
    if not parents:  # most people: no roles to list
        return ()
    valid_roles = set(ParentRole.values)
    cleaned = []
    for j, parent in enumerate(parents):
        path = f"{prefix}.parents.{j}"

        def fail(name: str, message: str | Promise, path: str = path) -> None:
            errors.setdefault(f"{path}.{name}", []).append(message)

        if parent.role not in valid_roles:
            fail("role", _("Parentesco no válido."))
        full_name = _name(
            parent.full_name, required=True, fail=partial(fail, "full_name"), limit=FULL_NAME_MAX
        )
        id_document = _text(parent.id_document, fail=partial(fail, "id_document"), limit=ID_DOCUMENT_MAX)
        if parent.curp and not curp_rules.is_valid(parent.curp):
            fail("curp", _("La CURP no es válida."))
        if not parent.present:
            signed = parent.remote_consent_signed_on
            if signed is None:
                fail("remote_consent_signed_on", _("Un padre ausente necesita un OP-7 remoto firmado."))
            elif signed > appointment_date or (appointment_date - signed).days > REMOTE_CONSENT_VALID_DAYS:
                fail(
                    "remote_consent_signed_on",
                    _("El OP-7 remoto debe estar firmado dentro de los 90 días previos a la cita."),
                )
        cleaned.append(replace(parent, full_name=full_name, id_document=id_document))
    return tuple(cleaned)


__all__ = [
    "ApplicantData",
    "CleanApplicant",
    "ParentData",
    "Sex",
    "clean_applicants",
    "normalize_phone",
]
