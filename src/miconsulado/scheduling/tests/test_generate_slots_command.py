"""The `generate_slots` management command."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from miconsulado.catalog.models import Office
from miconsulado.scheduling.models import OpeningHours, Slot

from .conftest import at, book


def run(*args: str) -> str:
    out = StringIO()
    call_command("generate_slots", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def office(make_office):
    office = make_office("losangeles")
    Office.objects.exclude(pk=office.pk).update(active=False)
    return office


def test_one_office_from_a_date(office):
    output = run("--office", "losangeles", "--from", "2099-03-09", "--days", "4")
    # Monday to Friday of a far-future week: five days of twelve slots.
    assert "losangeles 2099-03-09→2099-03-13: 60 creados" in output
    assert "Total: 1 oficinas, 60 creados" in output
    assert Slot.objects.filter(office=office).count() == 60
    # Idempotent from the command too.
    assert "0 creados, 0 actualizados, 0 eliminados" in run(
        "--office", "losangeles", "--from", "2099-03-09", "--days", "4"
    )


def test_all_offices_from_today_lists_conflicts(office):
    today = timezone.now().astimezone(dt.UTC).date()
    run("--days", "14")
    assert Slot.objects.filter(office=office).exists()
    # A booked slot the new hours no longer cover is listed as a conflict.
    slot = Slot.objects.filter(office=office, start__gt=timezone.now() + dt.timedelta(days=2)).first()
    book(slot)
    OpeningHours.objects.filter(office=office).delete()

    output = run("--days", "14")

    assert "1 en conflicto" in output
    assert "CONFLICTO losangeles" in output
    assert "Fuera del horario" in output
    assert f"(id {slot.pk})" in output
    assert Slot.objects.filter(office=office).count() == 1
    assert today  # the run used each office's own today


def test_unknown_office_is_a_clear_error(office):
    with pytest.raises(CommandError, match="No existe la oficina «nowhere»"):
        run("--office", "nowhere")
    assert not Slot.objects.exists()


def test_inactive_office_is_refused(office):
    Office.objects.filter(pk=office.pk).update(active=False)
    with pytest.raises(CommandError, match="inactiva"):
        run("--office", "losangeles")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-02-30"), "Fecha no válida"),
        (("--from", "mañana"), "Fecha no válida"),
        (("--days", "-3"), "Número de días no válido"),
        (("--days", "diez"), "Número de días no válido"),
        (("--days", "5000"), "máximo"),
    ],
)
def test_bad_arguments(office, args, message):
    with pytest.raises(CommandError, match=message):
        run("--office", "losangeles", *args)
    assert not Slot.objects.exists()


def test_slot_times_from_the_command_are_local(office):
    run("--office", "losangeles", "--from", "2099-07-06", "--days", "0")
    assert Slot.objects.filter(office=office, start=at(office, "2099-07-06 08:00")).exists()
