"""The JSON API under /api/v1/: one NinjaAPI that mounts each app's router."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Mi Consulado API",
    version="1.0.0",
    description="Citas en los consulados de México en Estados Unidos y Canadá.",
    urls_namespace="api-v1",
)
