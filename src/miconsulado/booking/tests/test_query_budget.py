"""A booking is on the hot path of every rush: keep its SQL round trips bounded."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from miconsulado.booking import services
from miconsulado.core.channels import Channel
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant


def test_booking_query_budget(slot, procedure):
    fresh = Slot.objects.select_related("office", "window").get(pk=slot.pk)
    person = applicant()
    with CaptureQueriesContext(connection) as queries:
        services.book_appointment(slot=fresh, procedure=procedure, applicants=[person], channel=Channel.API)
    # Checks (offered, policy), guarded UPDATE, code check, appointment, CURP check, applicants,
    # history, plus the savepoint pair of the test's own transaction.
    assert len(queries) <= 10, [q["sql"][:80] for q in queries.captured_queries]
