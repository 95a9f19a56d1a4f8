from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "miconsulado.booking"
    label = "booking"

    def ready(self) -> None:
        from miconsulado.booking import receivers  # noqa: F401  # registers them
