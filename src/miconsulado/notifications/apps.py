from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "miconsulado.notifications"
    label = "notifications"

    def ready(self) -> None:
        from miconsulado.notifications import receivers  # noqa: F401  # registers them
