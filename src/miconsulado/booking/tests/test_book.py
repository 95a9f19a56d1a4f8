import pytest

from miconsulado.booking import services
from miconsulado.booking.errors import CurpAlreadyBooked, InvalidApplicants, SlotFull, TooManyApplicants
from miconsulado.booking.models import Applicant, Appointment, AppointmentEvent, AppointmentStatus
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant, make_curp, make_procedure, make_slot, make_window


def book(slot, procedure, *people, **kw):
    return services.book_appointment(
        slot=slot,
        procedure=procedure,
        applicants=list(people) or [applicant()],
        channel=kw.pop("channel", Channel.WEB),
        **kw,
    ).appointment


def test_booking_takes_a_place_and_records_history(slot, procedure):
    appointment = book(slot, procedure)
    slot.refresh_from_db()
    assert slot.booked == 1
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert len(appointment.code) == 8
    event = AppointmentEvent.objects.get(appointment=appointment)
    assert (event.action, event.channel) == ("confirmed", "web")
    assert event.data["start"] == slot.start.isoformat()


def test_phone_is_stored_in_e164(slot, procedure):
    appointment = book(slot, procedure, applicant(phone="(213) 555-0100"))
    assert appointment.applicants.get().phone == "+12135550100"


def test_full_slot_is_refused_and_nothing_is_written(slot, procedure):
    book(slot, procedure)
    book(slot, procedure)
    with pytest.raises(SlotFull):
        book(slot, procedure)
    slot.refresh_from_db()
    assert slot.booked == 2
    assert Appointment.objects.count() == 2


def test_one_active_appointment_per_curp_and_procedure(slot, window, procedure):
    person = applicant()
    book(slot, procedure, person)
    other_slot = make_slot(window)
    with pytest.raises(CurpAlreadyBooked) as info:
        book(other_slot, procedure, person)
    assert "applicants.0.curp" in info.value.errors
    other_slot.refresh_from_db()
    assert other_slot.booked == 0


def test_same_curp_may_book_another_procedure(office, slot, procedure):
    other = make_procedure("voter-id")
    other_slot = make_slot(make_window(office, [other]))
    person = applicant()
    book(slot, procedure, person)
    book(other_slot, other, person)
    assert Applicant.objects.filter(curp=person.curp, active=True).count() == 2


def test_cancelled_appointment_frees_the_curp(slot, window, procedure):
    person = applicant()
    first = book(slot, procedure, person)
    services.cancel_appointment(appointment=first, channel=Channel.WEB)
    again = book(make_slot(window), procedure, person)
    assert again.status == AppointmentStatus.CONFIRMED


def test_family_booking_takes_one_place_each(window, procedure):
    slot = make_slot(window, capacity=3)
    appointment = book(slot, procedure, applicant(), applicant(), applicant())
    slot.refresh_from_db()
    assert slot.booked == appointment.places == 3
    assert appointment.applicants.count() == 3


def test_family_booking_is_all_or_nothing_on_capacity(slot, procedure):
    with pytest.raises(SlotFull):
        book(slot, procedure, applicant(), applicant(), applicant())
    slot.refresh_from_db()
    assert slot.booked == 0
    assert not Appointment.objects.exists()


def test_family_booking_is_all_or_nothing_on_curp(window, procedure):
    taken = applicant()
    book(make_slot(window), procedure, taken)
    slot = make_slot(window, capacity=4)
    with pytest.raises(CurpAlreadyBooked) as info:
        book(slot, procedure, applicant(), taken, applicant())
    assert list(info.value.errors) == ["applicants.1.curp"]
    slot.refresh_from_db()
    assert slot.booked == 0
    assert Applicant.objects.count() == 1


def test_too_many_people_for_the_procedure(window):
    solo = make_procedure("notarial", max_persons=1)
    window.procedures.add(solo)
    from miconsulado.catalog.models import OfficeProcedure

    OfficeProcedure.objects.get_or_create(office=window.office, procedure=solo)
    slot = make_slot(window)
    with pytest.raises(TooManyApplicants):
        book(slot, solo, applicant(), applicant())


def test_bad_input_reports_every_field_and_writes_nothing(slot, procedure):
    slot.capacity = 3  # room for all three: a slot without it is refused first (test_full_slot)
    slot.save(update_fields=["capacity"])
    good = applicant()
    bad = [
        applicant(curp="BOXW310820HNERXN08"),  # wrong check digit
        applicant(email="not-an-email", phone="12"),
    ]
    from dataclasses import replace

    bad.append(
        replace(good, birth_date=good.birth_date.replace(day=good.birth_date.day % 28 + 1), given_names=" ")
    )
    with pytest.raises(InvalidApplicants) as info:
        book(slot, procedure, *bad)
    errors = info.value.errors
    assert "applicants.0.curp" in errors
    assert {"applicants.1.email", "applicants.1.phone"} <= set(errors)
    assert {"applicants.2.birth_date", "applicants.2.given_names"} <= set(errors)
    slot.refresh_from_db()
    assert slot.booked == 0
    assert not Appointment.objects.exists()


def test_duplicate_curp_inside_one_booking_is_refused(slot, procedure):
    person = applicant()
    with pytest.raises(InvalidApplicants) as info:
        book(slot, procedure, person, person)
    assert "applicants.1.curp" in info.value.errors


def test_first_applicant_needs_contact_details(slot, procedure):
    with pytest.raises(InvalidApplicants) as info:
        book(slot, procedure, applicant(email="", phone=""))
    assert {"applicants.0.email", "applicants.0.phone"} <= set(info.value.errors)


def test_family_members_inherit_the_contact(window, procedure):
    slot = make_slot(window, capacity=2)
    appointment = book(slot, procedure, applicant(), applicant(email="", phone=""))
    second = appointment.applicants.get(position=1)
    assert second.email == "juan@example.com"
    assert second.phone == "+12135550100"


def test_sex_x_curp_books(slot, procedure):
    appointment = book(slot, procedure, applicant(curp=make_curp(sex="X")))
    assert appointment.applicants.get().sex == "X"
