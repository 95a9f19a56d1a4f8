from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "miconsulado.booking"
    label = "booking"
