"""rows.insert writes what Model.save() would: same columns, defaults, timestamps, keys and JSON."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from miconsulado.booking.models import Applicant, Appointment, AppointmentEvent, AppointmentStatus
from miconsulado.core import rows
from miconsulado.core.channels import Channel
from miconsulado.testing import make_office, make_procedure, make_slot, make_window

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot():
    office = make_office("losangeles", tz="America/Los_Angeles")
    return make_slot(make_window(office, [make_procedure("matricula", max_persons=4)]), capacity=4)


def appointment(slot, code, **kw):
    return Appointment(
        code=code,
        office=slot.office,
        procedure=slot.window.procedures.get(),
        slot=slot,
        channel=Channel.WEB,
        status=AppointmentStatus.CONFIRMED,
        confirmed_at=dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC),
        **kw,
    )


def stored(obj):
    fresh = type(obj).objects.get(pk=obj.pk)
    return {
        k: v for k, v in model_to_dict(fresh).items() if k not in {"id", "code", "created_at", "updated_at"}
    }


def test_a_row_is_the_same_as_from_save(slot):
    by_orm = appointment(slot, "AAAA2222")
    by_orm.save()
    by_insert = appointment(slot, "BBBB3333")
    rows.insert(by_insert)
    assert by_insert.pk is not None and by_insert.pk != by_orm.pk
    assert not by_insert._state.adding
    assert stored(by_insert) == stored(by_orm)
    # Defaults and auto_now(_add) as save() sets them.
    fresh = Appointment.objects.get(pk=by_insert.pk)
    assert fresh.places == 1 and fresh.request_fingerprint == "" and fresh.idempotency_key is None
    assert abs(fresh.created_at - by_orm.created_at) < dt.timedelta(minutes=1)
    assert fresh.created_at == by_insert.created_at and fresh.updated_at == by_insert.updated_at


def test_a_value_for_a_column_with_a_database_default_is_written(slot):
    # Appointment.language has a default in the database too (db_default): the value given is
    # still the one written, not the database's.
    a = appointment(slot, "DDDD5555", language="en")
    rows.insert(a)
    assert Appointment.objects.get(pk=a.pk).language == "en"


def test_json_and_foreign_keys_round_trip(slot):
    a = appointment(slot, "CCCC4444")
    rows.insert(a)
    data = {"start": "2026-03-10T09:00:00-07:00", "curps": ["X", "Y"], "n": 2, "ok": True, "none": None}
    event = AppointmentEvent(appointment=a, action="confirmed", channel=Channel.PHONE, data=data)
    rows.insert(event)
    fresh = AppointmentEvent.objects.get(pk=event.pk)
    assert fresh.data == data
    assert fresh.appointment_id == a.pk and fresh.actor_id is None and fresh.at is not None


def test_several_rows_get_their_own_keys_in_order(slot):
    a = appointment(slot, "DDDD5555", places=3)
    rows.insert(a)
    people = [
        Applicant(
            appointment=a,
            procedure=a.procedure,
            curp=curp,
            given_names=name,
            first_surname="Pérez",
            birth_date=dt.date(1985, 4, 12),
            sex="H",
            position=i,
        )
        for i, (curp, name) in enumerate([("A" * 18, "Ana"), ("B" * 18, "Beto"), ("C" * 18, "Carla")])
    ]
    rows.insert(*people)
    assert len({p.pk for p in people}) == 3
    for person in people:
        fresh = Applicant.objects.get(pk=person.pk)
        assert (fresh.curp, fresh.given_names, fresh.position, fresh.active) == (
            person.curp,
            person.given_names,
            person.position,
            True,
        )


def test_a_constraint_refuses_as_save_does_and_nothing_stays(slot):
    rows.insert(appointment(slot, "EEEE6666"))
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert(appointment(slot, "EEEE6666"))  # code is unique
    assert Appointment.objects.filter(code="EEEE6666").count() == 1


def test_nothing_to_insert_is_no_statement(slot, django_assert_num_queries):
    with django_assert_num_queries(0):
        rows.insert()


def test_signals_are_sent_as_by_save(slot):
    from django.db.models.signals import post_save, pre_save

    seen = []

    def pre(sender, instance, **kw):
        seen.append(("pre", instance.pk, kw["raw"], kw["using"]))
        instance.request_fingerprint = "set-by-a-receiver"  # what pre_save receivers may do

    def post(sender, instance, created, **kw):
        seen.append(("post", instance.pk is not None, created))

    pre_save.connect(pre, sender=Appointment)
    post_save.connect(post, sender=Appointment)
    try:
        a = appointment(slot, "FFFF7777")
        rows.insert(a)
    finally:
        pre_save.disconnect(pre, sender=Appointment)
        post_save.disconnect(post, sender=Appointment)
    assert seen == [("pre", None, False, "default"), ("post", True, True)]
    assert Appointment.objects.get(pk=a.pk).request_fingerprint == "set-by-a-receiver"


def test_without_returning_rows_each_is_saved(slot, monkeypatch):
    from django.db import connection

    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    a = appointment(slot, "GGGG8888")
    rows.insert(a)
    assert Appointment.objects.get(pk=a.pk).code == "GGGG8888"
