"""The line in the admin: supervisors and admins set its numbers, settings and closures; consular
staff and agents do not see it; numbers are stored as E.164 and checked."""

from __future__ import annotations

import pytest

from miconsulado.accounts.models import Role
from miconsulado.accounts.tests.factories import make_user
from miconsulado.callcenter.models import LineSettings, PhoneNumber
from miconsulado.testing import make_office

pytestmark = pytest.mark.django_db


def test_supervisor_adds_a_number_normalized(client, line):
    client.force_login(make_user(Role.SUPERVISOR))
    response = client.post(
        "/admin/callcenter/phonenumber/add/",
        {"number": "1 (800) 555-0100", "role": "retired", "label": "old", "active": "on"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert PhoneNumber.objects.filter(number="+18005550100", role="retired").exists()


def test_a_number_that_is_not_one_is_refused(client, line):
    client.force_login(make_user(Role.ADMIN))
    response = client.post("/admin/callcenter/phonenumber/add/", {"number": "call me", "role": "retired"})
    assert response.status_code == 200
    assert "No es un número telefónico." in response.content.decode()
    assert PhoneNumber.objects.count() == 5


def test_a_second_active_main_line_is_refused(client, line):
    client.force_login(make_user(Role.ADMIN))
    response = client.post(
        "/admin/callcenter/phonenumber/add/", {"number": "+1 213 555 0100", "role": "main", "active": "on"}
    )
    assert response.status_code == 200
    assert PhoneNumber.objects.filter(role="main").count() == 1


def test_supervisor_sets_the_emergency_number(client, line):
    client.force_login(make_user(Role.SUPERVISOR))
    response = client.post(
        "/admin/callcenter/linesettings/1/change/",
        {
            "emergency_number": "(520) 555-0111",
            "portal_address": "citas.sre.gob.mx",
            "mexican_holidays": "on",
        },
    )
    assert response.status_code == 302
    saved = LineSettings.objects.get()
    assert saved.emergency_number == "+15205550111" and not saved.us_holidays


@pytest.mark.parametrize("role", [Role.CONSULAR_STAFF, Role.AGENT])
def test_staff_and_agents_do_not_see_the_line(client, line, role):
    user = (
        make_user(role, offices=[make_office("losangeles")])
        if role == Role.CONSULAR_STAFF
        else make_user(role)
    )
    user.is_staff = True
    user.save()
    client.force_login(user)
    for path in ("phonenumber", "linesettings/1/change", "call", "lineclosure"):
        assert client.get(f"/admin/callcenter/{path}/").status_code in (302, 403)
