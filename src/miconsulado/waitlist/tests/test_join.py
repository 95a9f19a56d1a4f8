"""Joining the line: the core's applicant checks, one open entry per CURP and procedure (a database
fact), and nobody who already holds an appointment for the procedure."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from miconsulado.booking.errors import InvalidApplicants
from miconsulado.core.errors import Invalid
from miconsulado.scheduling.errors import ProcedureNotOffered
from miconsulado.testing import applicant, make_procedure
from miconsulado.waitlist import services
from miconsulado.waitlist.errors import AlreadyBooked, AlreadyWaiting
from miconsulado.waitlist.models import EntryState, WaitlistAction, WaitlistEntry
from miconsulado.waitlist.tests.support import book, join

pytestmark = pytest.mark.django_db


def test_joining_keeps_the_person_as_the_core_cleans_them(office, procedure, window):
    person = applicant(phone="(213) 555-0100")
    entry = join(office, procedure, person, language="en", date_from=dt.date(2030, 1, 1))
    entry.refresh_from_db()
    assert entry.state == EntryState.WAITING
    assert (entry.curp, entry.phone, entry.language) == (person.curp, "+12135550100", "en")
    assert list(entry.events.values_list("action", flat=True)) == [WaitlistAction.JOINED]


def test_bad_applicant_data_is_refused_field_by_field_and_nothing_is_written(office, procedure, window):
    person = applicant(email="not-an-email")
    with pytest.raises(InvalidApplicants) as caught:
        join(office, procedure, person.__class__(**{**person.__dict__, "curp": "XXXX"}))
    assert "applicant.curp" in caught.value.errors
    assert "applicant.email" in caught.value.errors
    assert not WaitlistEntry.objects.exists()


def test_the_same_curp_waits_once_per_procedure(office, procedure, window):
    person = applicant()
    join(office, procedure, person)
    with pytest.raises(AlreadyWaiting):
        join(office, procedure, person)
    assert WaitlistEntry.objects.count() == 1


def test_the_database_refuses_a_second_open_entry_even_past_the_service(office, procedure, window):
    first = join(office, procedure)
    twin = WaitlistEntry.objects.get(pk=first.pk)
    twin.pk = None
    twin.public_id = None
    import uuid

    twin.public_id = uuid.uuid4()
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save(force_insert=True)


def test_after_leaving_the_same_curp_may_join_again(office, procedure, window):
    person = applicant()
    entry = join(office, procedure, person)
    services.leave(entry=entry, channel="api")
    assert join(office, procedure, person).state == EntryState.WAITING


def test_someone_with_an_active_appointment_for_it_is_refused(office, procedure, slot):
    person = applicant()
    book(slot, procedure, person)
    with pytest.raises(AlreadyBooked):
        join(office, procedure, person)


def test_dates_in_the_wrong_order_or_past_are_refused(office, procedure, window):
    with pytest.raises(Invalid) as caught:
        join(office, procedure, date_from=dt.date(2030, 2, 1), date_to=dt.date(2030, 1, 1))
    assert "to" in caught.value.errors
    with pytest.raises(Invalid):
        join(office, procedure, date_to=dt.date(2000, 1, 1))
    assert not WaitlistEntry.objects.exists()


def test_a_procedure_the_office_does_not_offer_is_refused(office, window):
    with pytest.raises(ProcedureNotOffered):
        join(office, make_procedure("not-here"))
