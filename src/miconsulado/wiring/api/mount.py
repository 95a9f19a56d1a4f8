"""The JSON API under /api/v1/: one NinjaAPI that mounts each app's router.

Schema at /api/v1/openapi.json; interactive docs at /api/v1/docs, served from our own static files
(django-ninja does so because "ninja" is an installed app: no CDN).
"""

from django.http import Http404, HttpRequest
from django.urls import register_converter
from ninja import Router

from miconsulado.booking.api import router as booking_router
from miconsulado.catalog.api import router as catalog_router
from miconsulado.notifications.api import router as notifications_router
from miconsulado.scheduling.api import router as scheduling_router
from miconsulado.waitlist.api import router as waitlist_router
from miconsulado.wiring.api import errors
from miconsulado.wiring.api.openapi import JsonErrorsAPI
from miconsulado.wiring.api.parsing import JsonParser

api = JsonErrorsAPI(
    title="Mi Consulado API",
    version="1.0.0",
    description=(
        "Citas en los consulados de México en Estados Unidos y Canadá. Los errores son JSON "
        '`{"code", "message", "errors": {"campo": ["mensaje"]}}` en español o inglés según '
        "`Accept-Language`. El personal y los agentes usan `Authorization: Bearer <token>`."
    ),
    urls_namespace="api-v1",
    parser=JsonParser(),
)
errors.install(api)

# Routers carry full paths: availability and an office's appointments live under /offices/{code}
# but belong to scheduling and booking.
api.add_router("", catalog_router)
api.add_router("", scheduling_router)
api.add_router("", booking_router)
api.add_router("", notifications_router)
api.add_router("", waitlist_router)

# Mounted last: a URL under /api/v1/ that matches no operation gets the JSON 404, not Django's page.
fallback = Router()


class AnyPath:
    """Any non-empty rest of a path. Django's `path` converter (`.+`) does not match a line break:
    /api/v1/x%0Ay would fall through to Django's HTML 404."""

    regex = r"[\s\S]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(AnyPath, "anypath")


@fallback.get("/", include_in_schema=False, auth=None)
def index(request: HttpRequest) -> dict[str, str]:
    """Where the docs are (ninja's own root answers 404)."""
    return {"docs": request.build_absolute_uri("docs"), "openapi": request.build_absolute_uri("openapi.json")}


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{anypath:rest}", include_in_schema=False, auth=None
)
def unknown_path(request: HttpRequest, rest: str) -> None:
    raise Http404(rest)


api.add_router("", fallback)
