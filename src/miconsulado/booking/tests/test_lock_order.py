"""One lock order in every change (the appointment, then slots, then availability versions in office
order), so bookings, cancellations, reschedules crossing between two offices and hold expiries, all
at once, each end booked or cleanly refused: never `deadlock detected`. With one version row per
office (no shards), the harshest case: every change of an office waits for the same row."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from miconsulado.booking import services
from miconsulado.booking.errors import SlotFull
from miconsulado.booking.models import ACTIVE_STATUSES, Appointment
from miconsulado.core.channels import Channel
from miconsulado.scheduling import services as scheduling
from miconsulado.scheduling.models import Slot
from miconsulado.scheduling.selectors import availability_version
from miconsulado.testing import applicant, make_office, make_procedure, make_slot, make_window

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 40


def fresh(slot: Slot) -> Slot:
    return Slot.objects.select_related("office", "window").get(pk=slot.pk)


def test_bookings_cancellations_reschedules_and_expiries_crossing(monkeypatch):
    monkeypatch.setattr(scheduling, "AVAILABILITY_SHARDS", 1)
    procedure = make_procedure("lock-proc", max_persons=2)
    offices = [make_office("lock-a"), make_office("lock-b", tz="America/Chicago")]
    slots = [
        [make_slot(make_window(office, [procedure], desks=40), capacity=40) for _ in range(3)]
        for office in offices
    ]
    booked = [
        services.book_appointment(
            slot=slots[i % 2][i % 3], procedure=procedure, applicants=[applicant()], channel=Channel.WEB
        ).appointment
        for i in range(24)
    ]
    now = timezone.now()
    for i in range(6):
        services.hold_slot(
            slot=fresh(slots[i % 2][i % 3]),
            procedure=procedure,
            places=2,
            channel=Channel.WEB,
            ttl=dt.timedelta(seconds=1),
            now=now - dt.timedelta(minutes=1),
        )
    versions = [availability_version(office.pk) for office in offices]

    def change(i: int) -> object:
        kind, n = i % 4, i // 4
        if kind == 0:  # a new booking, in either office
            return services.book_appointment(
                slot=fresh(slots[n % 2][n % 3]),
                procedure=procedure,
                applicants=[applicant()],
                channel=Channel.API,
            ).appointment
        # Each appointment changed once: the first ten cancelled, the next ten moved.
        appointment = Appointment.objects.get(pk=booked[n if kind == 1 else 10 + n].pk)
        if kind == 1:
            return services.cancel_appointment(appointment=appointment, channel=Channel.WEB)
        if kind == 2:  # to the other office: A to B and B to A cross
            other = slots[(n + 1) % 2][(n + 1) % 3]
            return services.reschedule_appointment(
                appointment=appointment, new_slot=fresh(other), channel=Channel.PHONE
            )
        return services.release_expired_holds()

    gate = threading.Barrier(THREADS)

    def run(i: int) -> str:
        try:
            gate.wait(timeout=10)
            return type(change(i)).__name__
        except SlotFull as exc:  # anything else (a deadlock) fails the test
            return type(exc).__name__
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(run, range(THREADS)))
    close_old_connections()

    assert set(outcomes) <= {"Appointment", "int", "SlotFull"}, outcomes
    assert outcomes.count("Appointment") == 3 * THREADS // 4
    # Every slot's count is its active appointments' places; every office's version moved.
    for slot in Slot.objects.filter(office__in=offices):
        taken = Appointment.objects.filter(slot=slot, status__in=ACTIVE_STATUSES)
        assert slot.booked == sum(a.places for a in taken), slot
    assert all(availability_version(o.pk) > v for o, v in zip(offices, versions, strict=True))
