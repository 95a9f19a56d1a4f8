from django.urls import path

from miconsulado.callcenter import views

app_name = "callcenter"

urlpatterns = [
    path("incoming", views.incoming, name="incoming"),
    path("status", views.status, name="status"),
    path("language", views.language, name="language"),
    path("menu", views.menu, name="menu"),
    path("menu/choice", views.menu_choice, name="menu_choice"),
    path("emergency/done", views.emergency_done, name="emergency_done"),
    path("queue/wait", views.queue_wait, name="queue_wait"),
    path("queue/key", views.queue_key, name="queue_key"),
    path("queue/connect", views.queue_connect, name="queue_connect"),
    path("queue/after", views.queue_after, name="queue_after"),
    path("survey", views.survey, name="survey"),
    path("callback/answer", views.callback_answer, name="callback_answer"),
    path("callback/status", views.callback_status, name="callback_status"),
    path("self-service", views.self_service, name="self_service"),
    path("self-service/choice", views.self_service_choice, name="self_service_choice"),
    path("appointment/code", views.code, name="code"),
    path("appointment/code/entered", views.code_entered, name="code_entered"),
    path("appointment/proof", views.proof, name="proof"),
    path("appointment", views.appointment, name="appointment"),
    path("appointment/choice", views.appointment_choice, name="appointment_choice"),
    path("appointment/cancel", views.cancel, name="cancel"),
    path("procedures", views.procedures, name="procedures"),
    path("procedures/choice", views.procedure_choice, name="procedure_choice"),
]
