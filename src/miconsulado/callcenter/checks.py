from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def twilio_token(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Outside DEBUG the line needs the provider's auth token: without it every webhook is refused."""
    if settings.DEBUG or settings.TWILIO_AUTH_TOKEN:
        return []
    return [
        checks.Warning(
            "TWILIO_AUTH_TOKEN is not set: every /voice/ webhook is refused with 403.",
            hint="Set TWILIO_AUTH_TOKEN to the Twilio account's auth token.",
            id="callcenter.W001",
        )
    ]


@checks.register()
def call_center_zone(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    zone = settings.MICONSULADO["CALL_CENTER_TZ"]
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return [
            checks.Error(f"MICONSULADO_CALL_CENTER_TZ={zone!r} is not an IANA zone.", id="callcenter.E001")
        ]
    return []
