"""The SMS channel's URLs: Twilio's delivery reports, and the short link every SMS carries."""

from django.urls import path

from miconsulado.notifications import sms_views

app_name = "sms"

urlpatterns = [
    path("notifications/sms/status", sms_views.status_callback, name="status"),
    path("c/<str:code>", sms_views.appointment_link, name="appointment-link"),
]
