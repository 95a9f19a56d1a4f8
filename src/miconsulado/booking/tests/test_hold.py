import datetime as dt

import pytest
from django.utils import timezone
from django_tasks import default_task_backend

from miconsulado.booking import services
from miconsulado.booking.errors import (
    HoldExpired,
    InvalidApplicants,
    NotConfirmable,
    SlotFull,
    TooManyApplicants,
)
from miconsulado.booking.models import AppointmentStatus
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant


@pytest.fixture(autouse=True)
def clear_tasks():
    default_task_backend.clear()


def hold(slot, procedure, places=1, **kw):
    return services.hold_slot(slot=slot, procedure=procedure, places=places, channel=Channel.WEB, **kw)


def test_hold_takes_places_and_expires_after_the_ttl(slot, procedure):
    appointment = hold(slot, procedure, places=2)
    slot.refresh_from_db()
    assert slot.booked == 2
    assert appointment.status == AppointmentStatus.HELD
    assert appointment.hold_expires_at - timezone.now() == pytest.approx(
        dt.timedelta(minutes=10), abs=dt.timedelta(seconds=5)
    )
    # Not yet lapsed: nothing to release.
    assert services.release_expired_holds() == 0
    assert services.release_expired_holds(now=appointment.hold_expires_at + dt.timedelta(seconds=1)) == 1
    slot.refresh_from_db()
    appointment.refresh_from_db()
    assert slot.booked == 0
    assert appointment.status == AppointmentStatus.EXPIRED
    assert list(appointment.events.values_list("action", flat=True)) == ["held", "expired"]


def test_hold_enqueues_its_own_expiry(slot, procedure, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = hold(slot, procedure)
    [result] = default_task_backend.results
    assert result.task.name == "expire_hold"
    assert result.args == [appointment.pk]
    assert result.task.run_after == appointment.hold_expires_at


def test_expire_hold_leaves_a_confirmed_appointment_alone(slot, procedure):
    appointment = hold(slot, procedure)
    services.confirm_appointment(
        contact_proven=True, appointment=appointment, applicants=[applicant()], channel=Channel.WEB
    )
    later = timezone.now() + dt.timedelta(hours=1)
    assert services.expire_hold(appointment_id=appointment.pk, now=later) is False
    slot.refresh_from_db()
    assert slot.booked == 1


def test_confirm_after_expiry_is_refused(slot, procedure):
    appointment = hold(slot, procedure, ttl=dt.timedelta(seconds=1))
    with pytest.raises(HoldExpired):
        services.confirm_appointment(
            contact_proven=True,
            appointment=appointment,
            applicants=[applicant()],
            channel=Channel.WEB,
            now=timezone.now() + dt.timedelta(seconds=2),
        )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.HELD  # the sweeper, not the refusal, releases it


def test_confirming_fewer_people_gives_back_the_spare_places(slot, procedure):
    appointment = hold(slot, procedure, places=2)
    confirmed = services.confirm_appointment(
        contact_proven=True, appointment=appointment, applicants=[applicant()], channel=Channel.WEB
    )
    slot.refresh_from_db()
    assert (confirmed.places, slot.booked) == (1, 1)


def test_confirming_more_people_than_held_is_refused(slot, procedure):
    appointment = hold(slot, procedure, places=1)
    with pytest.raises(TooManyApplicants):
        services.confirm_appointment(
            contact_proven=True,
            appointment=appointment,
            applicants=[applicant(), applicant()],
            channel=Channel.WEB,
        )
    slot.refresh_from_db()
    assert slot.booked == 1


def test_confirm_twice_is_refused(slot, procedure):
    appointment = hold(slot, procedure)
    services.confirm_appointment(
        contact_proven=True, appointment=appointment, applicants=[applicant()], channel=Channel.WEB
    )
    with pytest.raises(NotConfirmable):
        services.confirm_appointment(
            contact_proven=True, appointment=appointment, applicants=[applicant()], channel=Channel.WEB
        )


def test_holds_count_against_capacity(slot, procedure):
    hold(slot, procedure, places=2)
    with pytest.raises(SlotFull):
        hold(slot, procedure)


def test_a_lapsed_hold_never_blocks_a_booking(slot, procedure):
    hold(slot, procedure, places=2, now=timezone.now() - dt.timedelta(minutes=11))
    # No sweeper has run; the booking releases the lapsed hold itself.
    appointment = services.book_appointment(
        slot=slot, procedure=procedure, applicants=[applicant()], channel=Channel.API
    ).appointment
    slot.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert slot.booked == 1


@pytest.mark.parametrize(
    ("places", "error", "message"),
    [
        (0, InvalidApplicants, "Indique al menos un solicitante."),
        (5, TooManyApplicants, "Este trámite admite como máximo 4 personas por cita."),
    ],
)
def test_a_hold_for_no_places_or_more_than_the_procedure_admits_is_refused(
    slot, procedure, places, error, message
):
    """The same rule as a booking's number of people, told about `places`."""
    with pytest.raises(error) as refused:
        hold(slot, procedure, places=places)
    assert {k: [str(m) for m in v] for k, v in refused.value.errors.items()} == {"places": [message]}
    slot.refresh_from_db()
    assert slot.booked == 0
