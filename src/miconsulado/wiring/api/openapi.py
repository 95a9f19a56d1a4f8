"""What the OpenAPI schema adds to each operation's own declarations: the errors the edge gives
any request."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from miconsulado.core.api_schemas import ErrorOut


class JsonErrorsAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI schema also lists, on every operation, the errors that the handlers
    of `errors.install` give any request, whatever the operation itself declares: 400 (a body that is
    not JSON, a NUL in the URL, too many fields), 413 (a body too large) where there is a body, and
    422 where there are query parameters or a body to validate."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for item in schema["paths"].values():
            for operation in item.values():
                statuses = [400]
                if "requestBody" in operation:
                    statuses += [413, 422]
                if any(p["in"] == "query" for p in operation.get("parameters", ())):
                    statuses.append(422)
                for status in statuses:
                    operation["responses"].setdefault(status, _error_response(status))
        return schema


def _error_response(status: int) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{ErrorOut.__name__}"}
    return {"description": HTTPStatus(status).phrase, "content": {"application/json": {"schema": schema}}}
