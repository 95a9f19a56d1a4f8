from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "miconsulado.scheduling"
    label = "scheduling"
