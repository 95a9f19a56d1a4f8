"""Catalog's domain errors, defined once. Edges translate them (see core.errors.DomainError.kind)."""

from django.utils.translation import gettext_lazy as _

from miconsulado.core.errors import Invalid, NotFound


class CatalogDataError(Invalid):
    """The catalog data files are malformed; the message names the file, the row and the field."""

    code = "catalog_data_error"
    default_message = _("Los datos del catálogo no son válidos.")


class OfficeNotFound(NotFound):
    """No office with the code in the URL."""

    code = "office_not_found"
    default_message = _("No existe una oficina consular con ese código.")


class UnknownOffice(Invalid):
    """No office with the code in the request's body or query."""

    code = "unknown_office"
    default_message = _("No existe una oficina consular con ese código.")


class UnknownProcedure(Invalid):
    code = "unknown_procedure"
    default_message = _("No existe un trámite con ese código.")
