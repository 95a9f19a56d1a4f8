from django.urls import path

from miconsulado.waitlist import views

app_name = "waitlist"

urlpatterns = [
    path("offer/accept/<str:token>", views.accept_offer, name="accept"),
    path("offer/decline/<str:token>", views.decline_offer, name="decline"),
    path("leave/<str:token>", views.leave_list, name="leave"),
]
