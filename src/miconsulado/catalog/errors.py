"""Catalog's domain errors, defined once. Edges translate them (see core.errors.DomainError.kind)."""

from django.utils.translation import gettext_lazy as _

from miconsulado.core.errors import Invalid


class CatalogDataError(Invalid):
    """The catalog data files are malformed; the message names the file, the row and the field."""

    code = "catalog_data_error"
    default_message = _("Los datos del catálogo no son válidos.")
