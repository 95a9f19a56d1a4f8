from django.urls import path

from miconsulado.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.offices, name="offices"),
    path("oficinas/<slug:office>/", views.procedures, name="procedures"),
    path("oficinas/<slug:office>/<slug:procedure>/", views.procedure, name="procedure"),
    path("oficinas/<slug:office>/<slug:procedure>/fecha/", views.calendar, name="calendar"),
    path("oficinas/<slug:office>/<slug:procedure>/solicitantes/", views.applicants, name="applicants"),
    # The waitlist's front door: the waitlist's join form will answer at this name.
    path("oficinas/<slug:office>/<slug:procedure>/lista-de-espera/", views.waitlist, name="waitlist"),
]
