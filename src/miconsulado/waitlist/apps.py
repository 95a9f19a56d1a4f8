from django.apps import AppConfig


class WaitlistConfig(AppConfig):
    name = "miconsulado.waitlist"
    label = "waitlist"

    def ready(self) -> None:
        from miconsulado.waitlist import receivers  # noqa: F401  # registers them
