"""What a channel asks, resolved from plain values (booking.requests): every channel gets the same
answers and refusals, whoever asks."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from miconsulado.accounts.callers import Caller, caller_for
from miconsulado.accounts.models import Role
from miconsulado.accounts.tests.factories import make_user
from miconsulado.booking import requests
from miconsulado.booking.errors import (
    AppointmentNotFound,
    CancellationWindowClosed,
    CurpRequired,
)
from miconsulado.booking.models import AppointmentStatus
from miconsulado.catalog.errors import OfficeNotFound, UnknownOffice, UnknownProcedure
from miconsulado.core.channels import Channel
from miconsulado.core.errors import Forbidden
from miconsulado.scheduling.errors import ProcedureNotOffered, SlotInPast, SlotNotFound
from miconsulado.scheduling.models import OfficeSchedule
from miconsulado.testing import (
    applicant,
    assert_nothing_booked,
    make_office,
    make_procedure,
    make_slot,
    make_window,
)

pytestmark = pytest.mark.django_db

CITIZEN = Caller(None)


def local(slot):
    """The slot's start as a person at the office says it: local time, no offset."""
    return slot.start.astimezone(ZoneInfo(slot.office.tz)).replace(tzinfo=None)


def book(slot, *, caller=CITIZEN, office=None, procedure="matricula", start=None, person=None):
    return requests.book(
        caller=caller,
        office=office or slot.office.code,
        procedure=procedure,
        start=slot.start if start is None else start,
        applicants=[person or applicant()],
    )


def staff_of(*offices):
    return caller_for(make_user(Role.CONSULAR_STAFF, offices=offices))


# --- Booking ----------------------------------------------------------------------------------


def test_a_citizen_books_on_the_channel_they_use(slot):
    booked = book(slot, caller=Caller(None, Channel.WEB))
    assert booked.replayed is False
    assert booked.appointment.slot_id == slot.pk
    assert booked.appointment.channel == Channel.WEB
    assert booked.appointment.created_by is None
    slot.refresh_from_db()
    assert slot.booked == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"office": "atlantis"}, UnknownOffice, "office"),
        ({"procedure": "no-such-procedure"}, UnknownProcedure, "procedure"),
    ],
)
def test_an_unknown_code_is_refused_on_its_field(slot, kwargs, error, field):
    with pytest.raises(error) as refused:
        book(slot, **kwargs)
    assert list(refused.value.errors) == [field]
    assert_nothing_booked(slot)


def test_an_inactive_office_is_unknown(slot, office):
    office.active = False
    office.save(update_fields=["active"])
    with pytest.raises(UnknownOffice):
        book(slot)


def test_a_procedure_the_office_does_not_offer_is_blamed_on_the_procedure(slot):
    make_procedure("pasaporte")
    with pytest.raises(ProcedureNotOffered) as refused:
        book(slot, procedure="pasaporte")
    assert list(refused.value.errors) == ["procedure"]
    assert_nothing_booked(slot)


def test_consular_staff_book_only_at_their_own_offices(slot, office):
    chicago = make_office("chicago", tz="America/Chicago")
    with pytest.raises(Forbidden):
        book(slot, caller=staff_of(chicago))
    assert_nothing_booked(slot)
    booked = book(slot, caller=staff_of(office))
    assert booked.appointment.channel == Channel.STAFF


def test_an_agent_books_anywhere_by_phone(slot):
    agent = caller_for(make_user(Role.AGENT))
    booked = book(slot, caller=agent)
    assert (booked.appointment.channel, booked.appointment.created_by) == (Channel.PHONE, agent.user)


def test_a_start_without_offset_is_the_offices_local_time(slot):
    chicago_time = slot.start.astimezone(ZoneInfo("America/Chicago"))
    assert book(slot, start=local(slot)).appointment.slot_id == slot.pk
    assert book(slot, start=chicago_time).appointment.slot_id == slot.pk  # an instant is an instant
    with pytest.raises(SlotNotFound):
        # The same wall-clock time read in Chicago is two hours off the office's.
        book(slot, start=chicago_time.replace(tzinfo=None))


def next_change_of_offset(zone: ZoneInfo) -> dt.date:
    """The first local date, from tomorrow on, whose noon has another UTC offset than the day before."""
    day = timezone.now().astimezone(zone).date() + dt.timedelta(days=1)
    noon = dt.time(12)
    while (
        dt.datetime.combine(day, noon, zone).utcoffset()
        == dt.datetime.combine(day + dt.timedelta(days=1), noon, zone).utcoffset()
    ):
        day += dt.timedelta(days=1)
    return day + dt.timedelta(days=1)


def test_a_local_start_follows_the_offices_clock_across_a_change_of_time(window, office):
    """09:00 at the office is 17:00 UTC in winter and 16:00 in summer (Los Angeles): a naive start
    is read with the offset of its own date, on both sides of the change."""
    zone = ZoneInfo(office.tz)
    changed = next_change_of_offset(zone)
    OfficeSchedule.objects.filter(office=office).update(horizon_days=(changed - dt.date.today()).days + 30)
    office.refresh_from_db()
    slots = {}
    for day in (changed - dt.timedelta(days=1), changed):
        start = dt.datetime.combine(day, dt.time(9), zone).astimezone(dt.UTC)
        slots[day] = make_slot(window, start=start)
    before, after = slots.values()
    assert before.start.time() != after.start.time()  # the same local hour, another UTC hour
    for slot in (before, after):
        booked = book(slot, start=local(slot))
        assert booked.appointment.slot_id == slot.pk
        assert booked.appointment.slot.start.astimezone(zone).time() == dt.time(9)


@pytest.mark.parametrize(
    ("start", "error"),
    [(dt.datetime(9999, 12, 31, 23, 59), SlotNotFound), (dt.datetime(1, 1, 1, 0, 0), SlotInPast)],
)
def test_a_local_start_at_the_ends_of_time_is_refused(slot, start, error):
    """Read in the office's zone, 9999-12-31 23:59 is past the last instant there is."""
    with pytest.raises(error) as refused:
        book(slot, start=start)
    assert list(refused.value.errors) == ["start"]
    assert_nothing_booked(slot)


def test_a_start_that_is_no_slot_says_so_on_start(slot):
    with pytest.raises(SlotNotFound) as refused:
        book(slot, start=slot.start + dt.timedelta(minutes=7))
    assert list(refused.value.errors) == ["start"]


def test_a_retry_under_the_same_key_is_the_same_booking(slot):
    person = applicant()
    first, again = (
        requests.book(
            caller=CITIZEN,
            office=slot.office.code,
            procedure="matricula",
            start=slot.start,
            applicants=[person],
            idempotency_key="retry-1",
            fingerprint="same",
        )
        for _ in range(2)
    )
    assert (first.replayed, again.replayed) == (False, True)
    assert first.appointment.pk == again.appointment.pk


# --- Looking up and changing an appointment ---------------------------------------------------


@pytest.fixture
def person():
    return applicant()


@pytest.fixture
def appointment(slot, person):
    return book(slot, person=person).appointment


def test_a_citizen_needs_the_code_and_a_curp_in_it(appointment, person):
    with pytest.raises(CurpRequired) as refused:
        requests.look_up(caller=CITIZEN, code=appointment.code)
    assert (refused.value.code, list(refused.value.errors)) == ("validation_error", ["curp"])
    with pytest.raises(AppointmentNotFound):
        requests.look_up(caller=CITIZEN, code=appointment.code, curp=applicant().curp)
    with pytest.raises(AppointmentNotFound):
        requests.look_up(caller=CITIZEN, code="ZZZZZZZZ", curp=person.curp)
    found = requests.look_up(caller=CITIZEN, code=appointment.code.lower(), curp=person.curp)
    assert found.pk == appointment.pk


def test_staff_look_up_by_code_alone_within_their_offices(appointment, office, person):
    chicago = make_office("chicago", tz="America/Chicago")
    with pytest.raises(AppointmentNotFound):
        requests.look_up(caller=staff_of(chicago), code=appointment.code)
    assert requests.look_up(caller=staff_of(office), code=appointment.code).pk == appointment.pk
    agent = caller_for(make_user(Role.AGENT))
    assert requests.look_up(caller=agent, code=appointment.code).pk == appointment.pk
    with pytest.raises(AppointmentNotFound):  # a CURP given must match, for staff too
        requests.look_up(caller=agent, code=appointment.code, curp=applicant().curp)


def test_only_staff_cancel_after_the_cut_off(window, office):
    soon = make_slot(window, start=timezone.now() + dt.timedelta(hours=5))
    person = applicant()
    appointment = book(soon, person=person).appointment
    with pytest.raises(CancellationWindowClosed):
        requests.cancel(caller=CITIZEN, code=appointment.code, curp=person.curp)
    agent = caller_for(make_user(Role.AGENT))
    with pytest.raises(CancellationWindowClosed):
        requests.cancel(caller=agent, code=appointment.code)
    cancelled = requests.cancel(caller=staff_of(office), code=appointment.code, reason="  closed  ")
    assert cancelled.status == AppointmentStatus.CANCELLED
    assert cancelled.events.get(action="cancelled").data["reason"] == "closed"


def test_a_citizen_cancels_with_code_and_curp(appointment, person, slot):
    cancelled = requests.cancel(caller=CITIZEN, code=appointment.code, curp=person.curp)
    assert cancelled.status == AppointmentStatus.CANCELLED
    slot.refresh_from_db()
    assert slot.booked == 0


def test_reschedule_to_another_office_at_its_local_time(appointment, person, procedure):
    chicago = make_office("chicago", tz="America/Chicago")
    there = make_slot(make_window(chicago, [procedure]))
    with pytest.raises(UnknownOffice):
        requests.reschedule(
            caller=CITIZEN, code=appointment.code, curp=person.curp, start=local(there), office="atlantis"
        )
    with pytest.raises(Forbidden):
        requests.reschedule(
            caller=staff_of(appointment.office), code=appointment.code, start=local(there), office="chicago"
        )
    moved = requests.reschedule(
        caller=CITIZEN, code=appointment.code, curp=person.curp, start=local(there), office="chicago"
    )
    assert (moved.slot_id, moved.office_id) == (there.pk, chicago.pk)


def test_reschedule_within_the_office_by_default(appointment, person, window):
    later = make_slot(window)
    moved = requests.reschedule(caller=CITIZEN, code=appointment.code, curp=person.curp, start=local(later))
    assert moved.slot_id == later.pk


# --- The office's day -------------------------------------------------------------------------


def test_the_offices_day_for_staff_of_that_office(appointment, office):
    day = appointment.slot.start.astimezone(ZoneInfo(office.tz)).date()
    listed = requests.office_day(caller=staff_of(office), office=office.code, day=day)
    assert (listed.office, listed.day, [a.pk for a in listed.appointments]) == (office, day, [appointment.pk])
    today = requests.office_day(caller=staff_of(office), office=office.code)
    assert today.day == timezone.now().astimezone(ZoneInfo(office.tz)).date()
    assert today.appointments == []
    with pytest.raises(Forbidden):
        requests.office_day(caller=staff_of(make_office("chicago", tz="America/Chicago")), office=office.code)
    with pytest.raises(OfficeNotFound):
        requests.office_day(caller=staff_of(office), office="atlantis")


def test_an_inactive_offices_day_can_still_be_seen(appointment, office):
    office.active = False
    office.save(update_fields=["active"])
    day = appointment.slot.start.astimezone(ZoneInfo(office.tz)).date()
    assert requests.office_day(caller=staff_of(office), office=office.code, day=day).appointments


def test_citizens_see_only_the_curps_they_gave():
    assert requests.visible_curps(CITIZEN, "perj850412hnebcb01", None) == {"PERJ850412HNEBCB01"}
    assert requests.visible_curps(caller_for(make_user(Role.AGENT)), "X") is None
