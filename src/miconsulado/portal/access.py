"""Which appointments this browser session may see.

A session proves an appointment either by booking it (step 6) or by giving its confirmation code
with the CURP on the manage page. The proof lives in the session (signed cookie id, server-side
row), so the receipt, the calendar file and the manage page need no CURP in their URLs.
"""

from __future__ import annotations

from django.http import HttpRequest

SESSION_KEY = "portal_appointments"
# A family or a helper at a library may manage a few; more than this is not a person.
REMEMBERED = 10


def remember(request: HttpRequest, *, code: str) -> None:
    """Record that this session proved the appointment `code` (newest last)."""
    codes = [c for c in request.session.get(SESSION_KEY, []) if c != code]
    codes.append(code)
    request.session[SESSION_KEY] = codes[-REMEMBERED:]


def may_see(request: HttpRequest, *, code: str) -> bool:
    return code in request.session.get(SESSION_KEY, [])


def forget(request: HttpRequest, *, code: str) -> None:
    codes = request.session.get(SESSION_KEY, [])
    if code in codes:
        request.session[SESSION_KEY] = [c for c in codes if c != code]
