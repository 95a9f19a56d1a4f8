from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "miconsulado.core"
    label = "core"
