from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "miconsulado.notifications"
    label = "notifications"
