"""Property: no sequence of holds, bookings, confirmations, cancellations, reschedules and expiries
ever exceeds a slot's capacity, lets a CURP hold two active appointments for one procedure, or loses
an appointment the citizen was told is confirmed."""

import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from miconsulado.booking import services
from miconsulado.booking.models import ACTIVE_STATUSES, Applicant, Appointment, AppointmentStatus
from miconsulado.core.channels import Channel
from miconsulado.core.errors import DomainError
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant, make_curp, make_office, make_procedure, make_slot, make_window

CURPS = [make_curp(serial=9000 + i) for i in range(5)]

operation = st.one_of(
    st.tuples(st.just("hold"), st.integers(0, 2), st.integers(1, 3)),
    st.tuples(st.just("book"), st.integers(0, 2), st.lists(st.integers(0, 4), min_size=1, max_size=3)),
    st.tuples(st.just("confirm"), st.integers(0, 9), st.lists(st.integers(0, 4), min_size=1, max_size=3)),
    st.tuples(st.just("cancel"), st.integers(0, 9), st.booleans()),
    st.tuples(st.just("reschedule"), st.integers(0, 9), st.integers(0, 2)),
    st.tuples(st.just("wait"), st.integers(1, 15), st.just(0)),
)


def check_invariants(slots, confirmed):
    for slot in Slot.objects.filter(pk__in=[s.pk for s in slots]):
        active = (
            Appointment.objects.filter(slot=slot, status__in=ACTIVE_STATUSES).aggregate(n=Sum("places"))["n"]
            or 0
        )
        assert 0 <= slot.booked <= slot.capacity
        assert slot.booked == active
    pairs = Counter(Applicant.objects.filter(active=True).values_list("curp", "procedure_id"))
    assert all(n == 1 for n in pairs.values())
    actual = dict(Appointment.objects.filter(status=AppointmentStatus.CONFIRMED).values_list("pk", "slot_id"))
    assert actual == confirmed


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, max_size=25))
def test_no_sequence_oversells_or_loses_an_appointment(db, ops):
    with transaction.atomic():
        office = make_office("invariant-office")
        procedure = make_procedure("invariant-proc", max_persons=3)
        window = make_window(office, [procedure])
        slots = [make_slot(window, capacity=c) for c in (2, 3, 1)]
        now = timezone.now()
        appointments: list[Appointment] = []
        confirmed: dict[int, int] = {}  # what the citizens were told: appointment -> slot

        for name, a, b in ops:
            try:
                if name == "hold":
                    appointments.append(
                        services.hold_slot(
                            slot=slots[a], procedure=procedure, places=b, channel=Channel.WEB, now=now
                        )
                    )
                elif name == "book":
                    people = [applicant(curp=CURPS[i]) for i in dict.fromkeys(b)]
                    done = services.book_appointment(
                        slot=slots[a], procedure=procedure, applicants=people, channel=Channel.API, now=now
                    ).appointment
                    appointments.append(done)
                    confirmed[done.pk] = done.slot_id
                elif name == "confirm" and appointments:
                    target = appointments[a % len(appointments)]
                    people = [applicant(curp=CURPS[i]) for i in dict.fromkeys(b)]
                    done = services.confirm_appointment(
                        contact_proven=True,
                        appointment=target,
                        applicants=people,
                        channel=Channel.WEB,
                        now=now,
                    )
                    confirmed[done.pk] = done.slot_id
                elif name == "cancel" and appointments:
                    target = appointments[a % len(appointments)]
                    services.cancel_appointment(appointment=target, channel=Channel.STAFF, force=b, now=now)
                    confirmed.pop(target.pk, None)
                elif name == "reschedule" and appointments:
                    target = appointments[a % len(appointments)]
                    moved = services.reschedule_appointment(
                        appointment=target, new_slot=slots[b], channel=Channel.PHONE, now=now
                    )
                    if moved.pk in confirmed:
                        confirmed[moved.pk] = moved.slot_id
                elif name == "wait":
                    now += dt.timedelta(minutes=a)
                    services.release_expired_holds(now=now)
            except DomainError:
                pass
            check_invariants(slots, confirmed)
        transaction.set_rollback(True)
