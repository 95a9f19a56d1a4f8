from io import StringIO

import pytest
from django.core.management import call_command

from miconsulado.accounts.models import Role, User
from miconsulado.catalog.models import Office, OfficeProcedure
from miconsulado.scheduling.models import (
    ExtraSession,
    OfficeSchedule,
    OpeningHours,
    ServiceWindow,
    Slot,
)

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_demo_data", "--days", "3", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Office,
            OfficeProcedure,
            OfficeSchedule,
            OpeningHours,
            ServiceWindow,
            ExtraSession,
            Slot,
            User,
        )
    }


def test_runs_twice_cleanly(settings):
    settings.DEBUG = True
    first = run()
    after_first = counts()
    second = run()

    assert counts() == after_first
    assert after_first["Office"] == 59
    assert after_first["OfficeSchedule"] == 59
    assert after_first["ServiceWindow"] == 59 * 4
    assert after_first["Slot"] > 0
    assert "password:" in first
    assert "password:" not in second  # shown once
    assert "0 created, 0 updated" in second


def test_plausible_schedules():
    run("--no-slots")
    la = Office.objects.get(code="losangeles")
    boise = Office.objects.get(code="boise")
    assert la.schedule.slot_minutes == 20
    assert (la.schedule.horizon_days, la.schedule.min_lead_minutes) == (90, 120)
    assert la.schedule.cancellation_cutoff_hours == 24
    # A large office has an afternoon range too; a small one mornings only, Monday to Friday.
    assert la.opening_hours.filter(weekday=0).count() == 2
    assert boise.opening_hours.count() == 5
    assert not boise.opening_hours.filter(weekday__gte=5).exists()
    passports = la.windows.get(code="pasaportes")
    assert set(passports.procedures.values_list("code", flat=True)) == {
        "passport-first",
        "passport-renewal",
        "passport-minor",
    }
    assert passports.desks == 6
    assert boise.windows.get(code="pasaportes").desks == 3
    assert set(la.windows.get(code="notaria").procedures.values_list("code", flat=True)) == {
        "notarial",
        "visa",
    }
    saturday = la.extra_sessions.get()
    assert saturday.date.weekday() == 5
    assert not boise.extra_sessions.exists()


def test_admin_edits_survive_a_rerun():
    run("--no-slots")
    la = Office.objects.get(code="losangeles")
    la.opening_hours.filter(weekday=4).delete()
    ServiceWindow.objects.filter(office=la, code="pasaportes").update(desks=9)
    run("--no-slots")
    assert not la.opening_hours.filter(weekday=4).exists()
    assert la.windows.get(code="pasaportes").desks == 9


def test_demo_users_only_in_development(settings):
    settings.DEBUG = False
    out = run("--no-slots")
    assert not User.objects.exists()
    assert "skipped" in out

    settings.DEBUG = True
    run("--no-slots")
    roles = dict(User.objects.values_list("username", "role"))
    assert roles == {
        "admin": Role.ADMIN,
        "agente": Role.AGENT,
        "consul.la": Role.CONSULAR_STAFF,
        "supervisor": Role.SUPERVISOR,
    }
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="agente").is_staff
    consul = User.objects.get(username="consul.la")
    assert list(consul.offices.values_list("code", flat=True)) == ["losangeles"]


def test_printed_passwords_work_and_can_be_reset(settings):
    settings.DEBUG = True
    out = run("--no-slots")
    password = next(line.split("password: ")[1] for line in out.splitlines() if "consul.la" in line)
    assert User.objects.get(username="consul.la").check_password(password)
    out = run("--no-slots", "--reset-passwords")
    new = next(line.split("password: ")[1] for line in out.splitlines() if "consul.la" in line)
    assert new != password
    assert User.objects.get(username="consul.la").check_password(new)
