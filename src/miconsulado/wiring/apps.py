from django.apps import AppConfig


class WiringConfig(AppConfig):
    """The project's top layer: what puts the apps together (the API edge and its mount, the demo
    data, the scheduler, the warm-up). Nothing imports it but the settings' URLs and the WSGI module."""

    name = "miconsulado.wiring"
    label = "wiring"
