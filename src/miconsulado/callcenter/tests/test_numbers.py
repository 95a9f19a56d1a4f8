"""Which number was dialled: retired numbers announce the new one; the Mexico line is tagged."""

from __future__ import annotations

import pytest

from miconsulado.callcenter.models import Call
from miconsulado.callcenter.tests.conftest import MAIN, MEXICO, RETIRED

pytestmark = pytest.mark.django_db

NEW_NUMBER_ES = (
    "Este número ya no está en servicio. El nuevo número de Mi Consulado es el 1, 4 2 4, 3 0 9, 0 0 0 9."
)
NEW_NUMBER_EN = "This number is no longer in service. Mi Consulado's new number is 1, 4 2 4, 3 0 9, 0 0 0 9."


@pytest.mark.parametrize("number", [*RETIRED, "1-877-639-4835", "(977) 639-4835"])
def test_retired_number_hears_the_new_one_twice_then_ends(caller, in_hours, number):
    caller.dial(number)
    assert caller.heard == [NEW_NUMBER_ES, NEW_NUMBER_EN, NEW_NUMBER_ES, NEW_NUMBER_EN]
    assert caller.languages == ["es-MX", "en-US", "es-MX", "en-US"]
    assert caller.ended and caller.queue is None and caller.pending is None
    call = Call.objects.get()
    assert call.origin == "retired" and call.status == "completed" and call.ended_at is not None
    assert [s.kind for s in call.steps.all()] == ["incoming", "retired_notice", "status"]


def test_retired_number_forwarded_to_the_main_line(caller, in_hours):
    caller.dial(MAIN, forwarded_from="+528006394835")
    assert caller.heard[0] == NEW_NUMBER_ES and caller.ended


def test_mexico_line_by_to(caller, in_hours):
    caller.dial(MEXICO, "1")
    assert "Para citas, marque 1." in caller.heard
    assert Call.objects.get().origin == "mexico"


def test_mexico_line_transferred_to_the_main_line(caller, in_hours):
    caller.dial(MAIN, "1", forwarded_from=MEXICO)
    call = Call.objects.get()
    assert call.origin == "mexico" and call.number_called == MAIN
    assert call.steps.first().detail == MEXICO


def test_main_line(caller, in_hours):
    caller.dial(MAIN, "1")
    assert Call.objects.get().origin == "main"


def test_a_number_not_configured_is_answered_as_the_main_line(caller, in_hours):
    caller.dial("+13105559999", "1")
    assert "Para citas, marque 1." in caller.heard
    assert Call.objects.get().origin == "other"


def test_a_retired_number_switched_off_is_answered(caller, in_hours):
    from miconsulado.callcenter.models import PhoneNumber

    PhoneNumber.objects.filter(number=RETIRED[0]).update(active=False)
    caller.dial(RETIRED[0], "1")
    assert "Para citas, marque 1." in caller.heard
