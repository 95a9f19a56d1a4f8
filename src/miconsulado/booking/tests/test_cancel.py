import datetime as dt

import pytest

from miconsulado.booking import services
from miconsulado.booking.errors import CancellationWindowClosed, NotActive
from miconsulado.booking.models import AppointmentStatus
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import OfficeSchedule
from miconsulado.testing import applicant


@pytest.fixture
def appointment(slot, procedure):
    return services.book_appointment(
        slot=slot, procedure=procedure, applicants=[applicant()], channel=Channel.WEB
    ).appointment


def test_cancel_frees_the_place_and_records_who(appointment, slot, admin_user):
    services.cancel_appointment(
        appointment=appointment, channel=Channel.STAFF, actor=admin_user, reason="duplicada"
    )
    slot.refresh_from_db()
    appointment.refresh_from_db()
    assert slot.booked == 0
    assert appointment.status == AppointmentStatus.CANCELLED
    assert not appointment.applicants.filter(active=True).exists()
    event = appointment.events.last()
    assert (event.action, event.channel, event.actor, event.data["reason"]) == (
        "cancelled",
        "staff",
        admin_user,
        "duplicada",
    )


def test_cancel_inside_the_cutoff_is_refused(appointment, slot):
    too_late = slot.start - dt.timedelta(hours=23)
    with pytest.raises(CancellationWindowClosed) as info:
        services.cancel_appointment(appointment=appointment, channel=Channel.WEB, now=too_late)
    assert "24" in str(info.value)
    slot.refresh_from_db()
    assert slot.booked == 1


def test_cutoff_is_configurable_per_office(appointment, slot, office):
    OfficeSchedule.objects.filter(office=office).update(cancellation_cutoff_hours=48)
    with pytest.raises(CancellationWindowClosed) as info:
        services.cancel_appointment(
            appointment=appointment, channel=Channel.WEB, now=slot.start - dt.timedelta(hours=47)
        )
    assert "48" in str(info.value)


def test_staff_may_force_a_late_cancellation(appointment, slot):
    services.cancel_appointment(
        appointment=appointment, channel=Channel.STAFF, force=True, now=slot.start - dt.timedelta(hours=1)
    )
    slot.refresh_from_db()
    assert slot.booked == 0


def test_cancelling_twice_is_refused_and_changes_nothing(appointment, slot):
    services.cancel_appointment(appointment=appointment, channel=Channel.WEB)
    with pytest.raises(NotActive):
        services.cancel_appointment(appointment=appointment, channel=Channel.WEB)
    slot.refresh_from_db()
    assert slot.booked == 0
    assert appointment.events.filter(action="cancelled").count() == 1
