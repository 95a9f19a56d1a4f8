"""What a server process would otherwise do on its first booking, done as it starts.

Django compiles the e-mail validator's domain pattern on first use (~50 ms here), `phonenumbers`
loads a region's metadata on first use, and so on: after a deploy or a worker restart, the first
booking each worker served took ~100 ms instead of ~8. Called by the WSGI module only, so that
management commands and tests do not pay for it. No database access: a worker may be forked after.
"""

from __future__ import annotations

from django.core.validators import validate_email


def warm_up() -> None:
    from miconsulado.booking import curp
    from miconsulado.booking.applicants import normalize_phone

    validate_email("warm-up@example.com")
    for number in ("+1 213 555 0100", "+52 55 1234 5678", "+1 416 555 0100"):
        normalize_phone(number)
    curp.is_valid("PERJ850412HDFRRN09")
