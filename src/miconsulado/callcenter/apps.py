from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallcenterConfig(AppConfig):
    name = "miconsulado.callcenter"
    label = "callcenter"
    verbose_name = _("Línea telefónica")

    def ready(self) -> None:
        from miconsulado.callcenter import checks  # noqa: F401  # registers them
