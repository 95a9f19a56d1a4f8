"""The witnesses a procedure needs at the desk (a birth registration: two, with an ID), recorded
with the booking so the office knows who comes.

Every channel hands the service the same `WitnessData`; the service checks here that there are
exactly as many as the procedure requires (none where it needs none: extras are refused, not
dropped) and that each has a name and an ID document, with every problem at once, keyed by field
path (`witnesses.0.full_name`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from miconsulado.booking.applicants import FULL_NAME_MAX, ID_DOCUMENT_MAX, _name, _text
from miconsulado.booking.errors import InvalidWitnesses
from miconsulado.catalog.models import Procedure


@dataclass(frozen=True)
class WitnessData:
    full_name: str
    id_document: str


def clean_witnesses(*, procedure: Procedure, witnesses: Sequence[WitnessData]) -> tuple[WitnessData, ...]:
    """The witnesses as stored (names and documents cleaned, in the order given), or
    InvalidWitnesses with every problem found."""
    required = procedure.witnesses_required
    if not witnesses and not required:
        return ()
    errors: dict[str, list[str | Promise]] = {}
    if len(witnesses) != required:
        message = (
            _("Este trámite no lleva testigos.")
            if not required
            else ngettext_lazy(
                "Este trámite requiere %(n)s testigo.", "Este trámite requiere %(n)s testigos.", "n"
            )
            % {"n": required}
        )
        errors["witnesses"] = [message]
    cleaned = []
    documents: set[str] = set()
    for index, witness in enumerate(witnesses):
        path = f"witnesses.{index}"

        def fail(name: str, message: str | Promise, path: str = path) -> None:
            errors.setdefault(f"{path}.{name}", []).append(message)

        full_name = _name(
            witness.full_name, required=True, fail=partial(fail, "full_name"), limit=FULL_NAME_MAX
        )
        id_document = _text(witness.id_document, fail=partial(fail, "id_document"), limit=ID_DOCUMENT_MAX)
        if f"{path}.id_document" in errors:
            pass
        elif not id_document:
            fail("id_document", _("Indique la identificación oficial del testigo."))
        elif id_document.casefold() in documents:
            fail("id_document", _("El mismo testigo aparece dos veces."))
        else:
            documents.add(id_document.casefold())
        cleaned.append(replace(witness, full_name=full_name, id_document=id_document))
    if errors:
        raise InvalidWitnesses(errors=errors)
    return tuple(cleaned)
