from django.contrib import admin
from django.urls import include, path

from miconsulado.core import views as core_views
from miconsulado.wiring.api.mount import api

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # The citizen portal answers at the root: its start page is the office list.
    path("", include("miconsulado.portal.urls")),
]
