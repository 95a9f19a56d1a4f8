"""A regenerated schedule that no longer offers a booked slot: scheduling announces SlotsInConflict
with the regeneration; each confirmed appointment in it gets one apology, with the reason in its
language and a link to choose another time; the same conflict found again writes nothing more."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from miconsulado.booking import services
from miconsulado.booking.models import AppointmentStatus
from miconsulado.catalog.localtime import office_date
from miconsulado.core import events
from miconsulado.core.channels import Channel
from miconsulado.core.signed_links import read_link
from miconsulado.notifications.links import CANCEL
from miconsulado.notifications.models import Message, MessageKind
from miconsulado.notifications.tasks import email_for
from miconsulado.notifications.tests.conftest import deliver_announced, tasks_named
from miconsulado.scheduling.models import Closure, OfficeSchedule, OpeningHours, Slot
from miconsulado.scheduling.services import generate_slots
from miconsulado.testing import applicant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def day(office, window):
    """A local date ten days ahead, open 08:00–12:00, its slots generated."""
    day = office_date(timezone.now(), office) + dt.timedelta(days=10)
    OpeningHours.objects.create(office=office, weekday=day.weekday(), opens=dt.time(8), closes=dt.time(12))
    generate_slots(office=office, start=day, end=day)
    return day


def slot_at(office, day, hour):
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(office.tz)).astimezone(dt.UTC)
    return Slot.objects.get(office=office, start=start)


def book(slot, procedure, email, language="es"):
    return services.book_appointment(
        slot=Slot.objects.select_related("office").get(pk=slot.pk),
        procedure=procedure,
        applicants=[applicant(email=email)],
        channel=Channel.WEB,
        language=language,
    ).appointment


def regenerate(office, day):
    office.refresh_from_db()  # its schedule as changed by the test, not as cached on the instance
    return generate_slots(office=office, start=day, end=day)


def conflict_events():
    return [r for r in tasks_named("deliver_event") if r.args[0] == "scheduling.slots_in_conflict"]


def apologies():
    return list(Message.objects.filter(kind=MessageKind.SLOT_CONFLICT).order_by("recipient"))


def test_a_closure_sends_each_confirmed_appointment_an_apology(office, procedure, day):
    nine, ten = slot_at(office, day, 9), slot_at(office, day, 10)
    ana = book(nine, procedure, "ana@example.com")
    luis = book(ten, procedure, "luis@example.com", language="en")
    held = services.hold_slot(slot=Slot.objects.get(pk=nine.pk), procedure=procedure, channel=Channel.WEB)
    deliver_announced()
    Closure.objects.create(office=office, date=day, reason="Visita oficial")

    report = regenerate(office, day)

    assert {v["slot"] for v in report.vanished} == {nine.pk, ten.pk}
    (event,) = conflict_events()
    assert event.args[1]["office"] == office.code
    assert {(s["slot"], s["cause"], s["detail"]) for s in event.args[1]["slots"]} == {
        (nine.pk, "closure", "Visita oficial"),
        (ten.pk, "closure", "Visita oficial"),
    }
    deliver_announced()
    es, en = apologies()
    assert (es.appointment, es.recipient, es.language) == (ana, "ana@example.com", "es")
    assert (en.appointment, en.recipient, en.language) == (luis, "luis@example.com", "en")
    assert held.status == AppointmentStatus.HELD and not Message.objects.filter(appointment=held).exists()
    assert "la oficina estará cerrada a esa hora (Visita oficial)" in es.body_text
    assert "the office will be closed at that time (Visita oficial)" in en.body_text
    assert ana.code in es.subject
    link = next(line for line in es.body_text.splitlines() if "/cita/cancelar/" in line)
    claims = read_link(link.rstrip("/").rsplit("/", 1)[1], purpose=CANCEL)
    assert claims.subject == f"{ana.code}:{nine.pk}"
    assert claims.expires_at == nine.start  # past the cut-off: the office's change lifts it
    assert email_for(es).attachments == []  # no receipt or calendar entry for a time that is gone


def test_the_same_conflict_found_again_writes_nothing_more(office, procedure, day):
    book(slot_at(office, day, 9), procedure, "ana@example.com")
    deliver_announced()
    Closure.objects.create(office=office, date=day, reason="Visita oficial")
    regenerate(office, day)
    (event,) = conflict_events()
    deliver_announced()
    events.deliver(*event.args[:2])  # delivered twice
    regenerate(office, day)  # and the schedule regenerated again: nothing new to announce
    assert conflict_events() == []
    assert len(apologies()) == 1


def test_a_new_cause_is_told_again(office, procedure, day):
    book(slot_at(office, day, 9), procedure, "ana@example.com")
    deliver_announced()
    closure = Closure.objects.create(office=office, date=day, reason="Visita oficial")
    regenerate(office, day)
    deliver_announced()
    closure.delete()
    OpeningHours.objects.filter(office=office).delete()
    regenerate(office, day)
    deliver_announced()
    first, second = Message.objects.filter(kind=MessageKind.SLOT_CONFLICT).order_by("pk")
    assert "Visita oficial" in first.body_text
    assert "el horario de atención de la oficina cambió" in second.body_text


def test_reduced_capacity_keeps_the_places_and_sends_nothing(office, procedure, day):
    nine = slot_at(office, day, 9)
    book(nine, procedure, "ana@example.com")
    book(nine, procedure, "luis@example.com")
    deliver_announced()
    OfficeSchedule.objects.filter(office=office).update(capacity_percent=1)  # one place per slot
    regenerate(office, day)
    nine.refresh_from_db()
    assert nine.conflict  # flagged for staff, but everybody keeps their place
    assert conflict_events() == []


def test_a_cancelled_appointment_in_the_slot_gets_nothing(office, procedure, day):
    nine = slot_at(office, day, 9)
    gone = book(nine, procedure, "ana@example.com")
    book(nine, procedure, "luis@example.com")
    services.cancel_appointment(appointment=gone, channel=Channel.WEB)
    deliver_announced()
    Closure.objects.create(office=office, date=day, reason="Obras")
    regenerate(office, day)
    deliver_announced()
    assert [m.recipient for m in apologies()] == ["luis@example.com"]


def test_the_announcement_rolls_back_with_the_regeneration(office, procedure, day, monkeypatch):
    book(slot_at(office, day, 9), procedure, "ana@example.com")
    deliver_announced()
    Closure.objects.create(office=office, date=day, reason="Obras")
    from miconsulado.scheduling import services as scheduling

    def broken(*, office_id):
        raise RuntimeError("the regeneration fails at its end")

    monkeypatch.setattr(scheduling, "note_availability_changed", broken)
    with pytest.raises(RuntimeError):
        regenerate(office, day)
    assert conflict_events() == []
    assert not Slot.objects.filter(office=office, conflict=True).exists()
