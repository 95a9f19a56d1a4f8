from django.contrib import admin
from django.urls import include, path

from miconsulado.core import views as core_views
from miconsulado.notifications import views as notifications_views
from miconsulado.wiring.api.mount import api

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("miconsulado.notifications.sms_urls")),
    # The page behind the cancel link of messages (reminders, confirmations, apologies).
    path("cita/cancelar/<str:token>/", notifications_views.cancel_page, name="cancel_appointment_link"),
]
