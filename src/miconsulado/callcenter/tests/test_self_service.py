"""Key 1: hear an appointment by its code typed on the keypad and the CURP's birth date, cancel it
(channel ivr, the core's cut-off), hear a procedure's documents and fee."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tasks import default_task_backend

from miconsulado.booking import services as booking
from miconsulado.booking.models import Appointment, AppointmentEvent
from miconsulado.callcenter.keypad import keypad_digits
from miconsulado.callcenter.models import Call
from miconsulado.callcenter.tests.conftest import LA, MAIN
from miconsulado.core import events
from miconsulado.core.channels import Channel
from miconsulado.notifications.models import Message
from miconsulado.testing import applicant, make_slot

pytestmark = pytest.mark.django_db

PROOF = "19850412"
NOT_FOUND = "No encontramos una cita con esos datos."


@pytest.fixture(autouse=True)
def _clear_tasks():
    default_task_backend.clear()


def to_code(caller):
    """From the language menu to the code prompt: Spanish, appointments, hear or cancel."""
    caller.dial(MAIN, "1", "1", "1")
    assert "código de confirmación" in caller.last_heard


def test_hear_an_appointment(caller, in_hours, appointment):
    to_code(caller)
    caller.press(keypad_digits(appointment.code), PROOF)
    heard = caller.all_heard
    assert (
        "Su cita para Renovación de pasaporte en Consulado en Los Ángeles es el miércoles 16 de diciembre "
        "de 2026 a las 9:00, hora local. Estado: Confirmada." in heard
    )
    assert caller.last_heard == "Para volver al menú principal, marque 2."
    kinds = [s.kind for s in Call.objects.get().steps.all()]
    assert kinds[-3:] == ["code_entered", "proof_ok", "appointment_heard"]


def test_hear_an_appointment_in_english(caller, in_hours, appointment):
    caller.dial(MAIN, "2", "1", "1", keypad_digits(appointment.code), PROOF)
    assert (
        "Your appointment for Passport renewal at Consulate in Los Angeles is on Wednesday, December 16, "
        "2026 at 9:00, local time. Status: Confirmed." in caller.all_heard
    )


def test_cancel_an_appointment(caller, in_hours, appointment, django_capture_on_commit_callbacks):
    to_code(caller)
    with django_capture_on_commit_callbacks(execute=True):
        caller.press(keypad_digits(appointment.code), PROOF, "1", "1")
    assert "Su cita fue cancelada." in caller.all_heard
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    event = AppointmentEvent.objects.filter(appointment=appointment).last()
    assert event.action == "cancelled" and event.channel == Channel.IVR and event.actor is None
    # The confirmation goes out through booking's event, which notifications receives.
    delivered = [r for r in default_task_backend.results if r.task.name == "deliver_event"]
    assert [r.args[0] for r in delivered] == ["booking.appointment_cancelled", "booking.places_freed"]
    for result in delivered:
        events.deliver(*result.args[:2])
    message = Message.objects.get(appointment=appointment)
    assert message.kind == "cancelled" and message.recipient == "juan@example.com"
    assert Call.objects.get().steps.filter(kind="cancelled", detail=appointment.code).exists()


def test_declining_the_cancellation_keeps_the_appointment(caller, in_hours, appointment):
    to_code(caller)
    caller.press(keypad_digits(appointment.code), PROOF, "1", "2")
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"
    assert caller.heard.count("Para cancelar esta cita, marque 1.") == 2


def test_cancel_inside_the_cut_off_is_refused_aloud(caller, at, appointment):
    at(dt.datetime(2026, 12, 16, 8, 0))  # an hour before the appointment
    to_code(caller)
    caller.press(keypad_digits(appointment.code), PROOF, "1", "1")
    assert "sólo pueden cancelarse o reprogramarse hasta 24 horas antes" in caller.all_heard
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"
    assert Call.objects.get().steps.filter(kind="cancel_refused").exists()


def test_a_cancelled_appointment_is_heard_without_the_cancel_option(caller, in_hours, appointment):
    booking.cancel_appointment(appointment=appointment, channel=Channel.WEB)
    to_code(caller)
    caller.press(keypad_digits(appointment.code), PROOF)
    assert "Estado: Cancelada." in caller.all_heard
    assert "Para cancelar esta cita, marque 1." not in caller.heard


def test_wrong_proof_three_times_ends_the_call(caller, in_hours, appointment):
    to_code(caller)
    digits = keypad_digits(appointment.code)
    caller.press(digits, "19850413", digits, "19850413", digits, "20000101")
    assert caller.heard.count(NOT_FOUND) == 3
    assert caller.ended and "Hasta luego" in caller.last_heard
    assert Call.objects.get().state["proof_failures"] == 3
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"


def test_the_right_proof_after_two_wrong_ones(caller, in_hours, appointment):
    to_code(caller)
    digits = keypad_digits(appointment.code)
    caller.press(digits, "19850413", "22222222", PROOF, digits, PROOF)
    assert caller.heard.count(NOT_FOUND) == 2
    assert "Estado: Confirmada." in caller.all_heard


def test_exhausted_tries_are_not_reset_by_going_back_to_the_menu(caller, in_hours, appointment):
    to_code(caller)
    caller.press("22222222", "19000101", "22222222", "19000101")
    digits = keypad_digits(appointment.code)
    caller.press(digits, "1")  # third failure: the date is wrong
    assert caller.ended
    # A new webhook on the same call (the provider replaying the prompt) still refuses.
    from miconsulado.callcenter.tests.caller import post_signed

    post_signed(caller.client, "/voice/appointment/proof", {**caller.params(), "Digits": PROOF})
    assert Call.objects.get().state["proof_failures"] == 3
    assert not Call.objects.get().state.get("appointment_id")


def test_unknown_code_and_wrong_date_sound_the_same(client, line, in_hours, appointment):
    from miconsulado.callcenter.tests.caller import TestCaller

    wrong_code = TestCaller(client).dial(MAIN, "1", "1", "1", "22222222", PROOF)
    wrong_date = TestCaller(client).dial(MAIN, "1", "1", "1", keypad_digits(appointment.code), "19850413")
    assert wrong_code.heard == wrong_date.heard
    assert wrong_code.last_heard == wrong_date.last_heard
    nothing = TestCaller(client).dial(MAIN, "1", "1", "1", None, None)
    assert NOT_FOUND in nothing.heard


def test_two_codes_that_type_the_same_digits(client, line, in_hours, appointment):
    """A and C are both key 2: the birth date tells the two appointments apart; when it cannot,
    neither is told."""
    from miconsulado.callcenter.tests.caller import TestCaller

    Appointment.objects.filter(pk=appointment.pk).update(code="ACDEFHJK")
    slot = make_slot(
        appointment.slot.window, start=dt.datetime(2026, 12, 17, 9, 0, tzinfo=LA).astimezone(dt.UTC)
    )
    other = booking.book_appointment(
        slot=slot,
        procedure=appointment.procedure,
        applicants=[applicant(birth=dt.date(1990, 1, 2))],
        channel=Channel.API,
        now=slot.start - dt.timedelta(days=7),
    ).appointment
    Appointment.objects.filter(pk=other.pk).update(code="CADEFHJK")
    assert keypad_digits("ACDEFHJK") == keypad_digits("CADEFHJK") == "22333455"

    first = TestCaller(client).dial(MAIN, "1", "1", "1", "22333455", PROOF)
    assert "miércoles 16 de diciembre" in first.all_heard
    second = TestCaller(client).dial(MAIN, "1", "1", "1", "22333455", "19900102")
    assert "jueves 17 de diciembre" in second.all_heard

    # Same digits and the same birth date: ambiguous, sent to the portal or an agent.
    third_slot = make_slot(
        appointment.slot.window, start=dt.datetime(2026, 12, 18, 9, 0, tzinfo=LA).astimezone(dt.UTC)
    )
    twin = booking.book_appointment(
        slot=third_slot,
        procedure=appointment.procedure,
        applicants=[applicant(birth=dt.date(1990, 1, 2))],
        channel=Channel.API,
        now=third_slot.start - dt.timedelta(days=7),
    ).appointment
    Appointment.objects.filter(pk=twin.pk).update(code="ACDFEHJK")  # E and F are both key 3
    third = TestCaller(client).dial(MAIN, "1", "1", "1", "22333455", "19900102")
    assert "No podemos identificar esa cita por teléfono." in third.all_heard
    assert "diciembre" not in third.all_heard
    assert not Call.objects.get(call_sid=third.sid).state.get("appointment_id")


def test_procedure_documents_and_fee(caller, in_hours, appointment):
    caller.dial(MAIN, "1", "1", "2")
    assert "Para Renovación de pasaporte, marque 1." in caller.heard
    caller.press("1")
    heard = caller.all_heard
    assert "Documentos que debe llevar: Pasaporte anterior. Identificación oficial." in heard
    assert "Pasaporte de 6 años: 138.50 dólares." in heard
    assert Call.objects.get().steps.filter(kind="procedure_info", detail="passport-renewal").exists()


def test_procedure_in_english(caller, in_hours, appointment):
    caller.dial(MAIN, "2", "1", "2", "1#")
    assert "Documents to bring: Previous passport. Official ID." in caller.all_heard
    assert "6-year passport: 138.50 dollars." in caller.all_heard


def test_unknown_procedure_number(caller, in_hours, appointment):
    caller.dial(MAIN, "1", "1", "2", "77", "99")
    assert caller.ended


def test_cut_off_refusal_in_english(caller, at, appointment):
    at(dt.datetime(2026, 12, 15, 12, 0))  # 21 hours before
    caller.dial(MAIN, "2", "1", "1", keypad_digits(appointment.code), PROOF, "1", "1")
    assert "24 hours" in caller.all_heard
    assert "Your appointment was cancelled." not in caller.all_heard
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"
