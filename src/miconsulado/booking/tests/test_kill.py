"""A booking process killed (SIGKILL, no clean-up of any kind) after its last write and before
COMMIT: the database keeps nothing of it, and the place can be booked at once."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from miconsulado.booking import services
from miconsulado.booking.models import Applicant, Appointment, AppointmentEvent
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant

pytestmark = pytest.mark.django_db(transaction=True)  # the child must see the rows: commit them

# The child books through the real service on the test database, and hangs once every row of the
# booking is written inside its open transaction, for the parent to kill it there.
CHILD = """
import sys, time
import django
django.setup()
from django.db import connections
marker, slot_id, database = sys.argv[1], int(sys.argv[2]), sys.argv[3]
connections["default"].settings_dict["NAME"] = database
from miconsulado.booking import services
from miconsulado.catalog.models import Procedure
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant

take_places = services._take_places

def take_then_hang(slot, places):
    take_places(slot, places)
    open(marker, "w").close()
    time.sleep(120)

services._take_places = take_then_hang
slot = Slot.objects.select_related("office").get(pk=slot_id)
procedure = Procedure.objects.get(code="matricula")
services.book_appointment(slot=slot, procedure=procedure, applicants=[applicant()], channel=Channel.WEB)
"""


def test_a_killed_booking_leaves_nothing(slot, procedure, tmp_path):
    marker = tmp_path / "all-written"
    child = subprocess.Popen(  # noqa: S603 (our own script, our own interpreter)
        [sys.executable, "-c", CHILD, str(marker), str(slot.pk), connection.settings_dict["NAME"]],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "miconsulado.test_settings"},
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the booking process ended before its last write"
            assert time.monotonic() < deadline, "the booking process never got to its last write"
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL

    slot.refresh_from_db()
    assert slot.booked == 0
    assert not Appointment.objects.exists()
    assert not Applicant.objects.exists()
    assert not AppointmentEvent.objects.exists()
    # Nothing left locked either: the place goes to the next person.
    services.book_appointment(slot=slot, procedure=procedure, applicants=[applicant()], channel=Channel.WEB)
    slot.refresh_from_db()
    assert slot.booked == 1
