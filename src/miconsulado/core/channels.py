from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Where a change came from; every history entry records one."""

    WEB = "web", _("Portal web")
    PHONE = "phone", _("Teléfono (agente)")
    IVR = "ivr", _("Respuesta de voz (IVR)")
    STAFF = "staff", _("Personal consular")
    API = "api", _("API")
    SYSTEM = "system", _("Sistema")
