"""Language first, then the main menu: in hours, after hours, weekends, holidays, closures."""

from __future__ import annotations

import datetime as dt

import pytest

from miconsulado.callcenter.models import Call, LineClosure, LineSettings, QueueEntry
from miconsulado.callcenter.tests.conftest import MAIN

pytestmark = pytest.mark.django_db


def queued(caller) -> str | None:
    """The language of the queue the caller waits in (None: not waiting)."""
    entry = QueueEntry.objects.filter(call__call_sid=caller.sid).first()
    return entry.language if entry is not None and caller.waiting else None


def test_in_hours_in_spanish(caller, in_hours):
    caller.dial(MAIN)
    assert caller.heard[:2] == ["Para español, marque 1.", "For English, press 2."]
    assert caller.languages[:2] == ["es-MX", "en-US"]
    caller.press("1")
    assert "Para hablar con un agente, marque 2." in caller.heard
    caller.press("2")
    assert queued(caller) == "es"
    assert "Su lugar en la fila es el 1." in caller.all_heard
    call = Call.objects.get()
    assert call.language == "es" and call.origin == "main" and call.caller == "+13105550100"
    assert [s.kind for s in call.steps.all()] == ["incoming", "language", "menu", "menu_choice", "enqueued"]


def test_in_hours_in_english(caller, in_hours):
    caller.dial(MAIN, "2", "2")
    assert "To talk to an agent, press 2." in caller.all_heard
    assert queued(caller) == "en"
    assert "You are number 1 in line." in caller.all_heard
    assert set(caller.languages[2:]) == {"en-US"}
    assert Call.objects.get().language == "en"


def test_no_input_is_spanish(caller, in_hours):
    caller.dial(MAIN, None)
    assert "Para citas, marque 1." in caller.all_heard
    assert Call.objects.get().language == "es"


def test_after_hours_no_key_2(caller, at):
    at(dt.datetime(2026, 12, 2, 21, 30))  # Wednesday, after 21:00
    caller.dial(MAIN, "1")
    heard = caller.all_heard
    assert "no están disponibles" in heard and "miconsulado.gob.mx" in heard
    assert "de lunes a viernes de 8 de la mañana a 9 de la noche" in heard
    assert "marque 2" not in " ".join(h for h in caller.heard if h.startswith("Para hablar"))
    assert not any(h.startswith("Para hablar con un agente") for h in caller.heard)
    caller.press("2")  # not offered: invalid, the menu again
    assert not caller.waiting and not QueueEntry.objects.exists()
    assert "Opción no válida." in caller.heard


def test_weekend_hours(caller, at):
    at(dt.datetime(2026, 12, 5, 8, 30))  # Saturday 08:30: weekend opens at 9
    caller.dial(MAIN, "2")
    assert "Our agents are not available at this time." in caller.all_heard
    caller2 = type(caller)(caller.client)
    at(dt.datetime(2026, 12, 5, 9, 30))
    caller2.dial(MAIN, "2", "2")
    assert queued(caller2) == "en"


def test_holiday_hours(caller, at):
    at(dt.datetime(2026, 12, 25, 8, 30))  # Christmas (both countries), a Friday: weekend hours
    caller.dial(MAIN, "1")
    assert "no están disponibles" in caller.all_heard
    other = type(caller)(caller.client)
    at(dt.datetime(2026, 12, 25, 10, 0))
    other.dial(MAIN, "1", "2")
    assert queued(other) == "es"


def test_mexican_holiday_switch(client, line, at):
    from miconsulado.callcenter.tests.caller import TestCaller

    at(dt.datetime(2026, 9, 16, 8, 30))  # Independence Day (Mexico), a Wednesday
    first = TestCaller(client).dial(MAIN, "1")
    assert "no están disponibles" in first.all_heard
    LineSettings.objects.filter(pk=1).update(mexican_holidays=False)
    second = TestCaller(client).dial(MAIN, "1")
    assert "no están disponibles" not in second.all_heard


def test_one_off_closure(client, line, at):
    from miconsulado.callcenter.tests.caller import TestCaller

    LineClosure.objects.create(date=dt.date(2026, 12, 3), reason="Capacitación")
    at(dt.datetime(2026, 12, 3, 8, 30))
    assert "no están disponibles" in TestCaller(client).dial(MAIN, "1").all_heard


def test_key_3_hours_and_portal_then_menu(caller, in_hours):
    caller.dial(MAIN, "1", "3")
    assert "miconsulado.gob.mx" in caller.all_heard
    assert caller.pending is not None and caller.last_heard == "Para repetir este menú, marque 0."


def test_key_0_repeats(caller, in_hours):
    caller.dial(MAIN, "1", "0")
    assert caller.heard.count("Para citas, marque 1.") == 2
    assert not caller.ended


def test_invalid_twice_then_goodbye(caller, in_hours):
    caller.dial(MAIN, "1", "7", None)
    assert "Opción no válida." in caller.heard
    assert caller.heard.count("Para citas, marque 1.") == 2
    assert caller.ended and "Hasta luego" in caller.last_heard
    assert Call.objects.get().status == "completed"
