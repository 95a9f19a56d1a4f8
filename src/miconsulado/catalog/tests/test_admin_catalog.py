import pytest
from django.urls import reverse

from miconsulado.accounts.models import Role
from miconsulado.accounts.tests.factories import make_user
from miconsulado.catalog.models import Office
from miconsulado.scheduling.models import OfficeSchedule
from miconsulado.testing import make_office, make_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def la():
    return make_office("losangeles")


@pytest.fixture
def chicago():
    return make_office("chicago", tz="America/Chicago")


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_consular_staff_list_only_their_offices(client, la, chicago):
    client.force_login(make_user(Role.CONSULAR_STAFF, offices=[la]))
    response = client.get(reverse("admin:catalog_office_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [la]


def test_consular_staff_cannot_open_another_office(client, la, chicago):
    client.force_login(make_user(Role.CONSULAR_STAFF, offices=[la]))
    assert client.get(change_url(la)).status_code == 200
    response = client.get(change_url(chicago))
    assert response.status_code == 302  # "does not exist", back to the admin index
    assert response.url == reverse("admin:index")


def test_consular_staff_keep_their_address_and_phone_up_to_date(client, la):
    OfficeSchedule.objects.filter(office=la).delete()  # no inline rows to post back
    client.force_login(make_user(Role.CONSULAR_STAFF, offices=[la]))
    response = client.get(change_url(la))
    assert response.context["has_change_permission"]
    assert not response.context["has_add_permission"]
    assert not response.context["has_delete_permission"]
    assert set(response.context["adminform"].form.fields) == {"address", "phone"}
    form = {"address": "2401 W 6th St", "phone": "+1 213 351 6800"}
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        form.update({management.add_prefix(k): v for k, v in management.initial.items()})
        form[management.add_prefix("TOTAL_FORMS")] = 0
    response = client.post(change_url(la), form)
    assert response.status_code == 302, response.context["errors"]
    la.refresh_from_db()
    assert (la.address, la.phone, la.active) == ("2401 W 6th St", "+1 213 351 6800", True)


def test_consular_staff_read_procedures_without_changing_them(client, la):
    procedure = make_procedure("matricula")
    client.force_login(make_user(Role.CONSULAR_STAFF, offices=[la]))
    response = client.get(change_url(procedure))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    response = client.post(change_url(procedure), {"code": "matricula", "name_es": "Otro"})
    assert response.status_code == 403


def test_supervisors_see_every_office(client, la, chicago):
    client.force_login(make_user(Role.SUPERVISOR))
    response = client.get(reverse("admin:catalog_office_changelist"))
    assert set(response.context["cl"].result_list) == {la, chicago}
    assert client.get(change_url(chicago)).status_code == 200


def test_agents_have_no_admin(client, la):
    client.force_login(make_user(Role.AGENT))
    response = client.get(reverse("admin:catalog_office_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url
    # Even if someone ticks "staff" for an agent, the admin shows nothing.
    client.force_login(make_user(Role.AGENT, is_staff=True))
    assert client.get(reverse("admin:index")).context["app_list"] == []
    assert client.get(change_url(la)).status_code == 403


def test_office_page_shows_the_schedule_inlines(client, la):
    client.force_login(make_user(Role.ADMIN))
    response = client.get(change_url(la))
    names = {formset.opts.model.__name__ for formset in response.context["inline_admin_formsets"]}
    assert {"OfficeProcedure", "OfficeSchedule", "OpeningHours", "ServiceWindow"} <= names
    assert {"Closure", "ExtraSession"} <= names


def test_office_list_search(client, la, chicago):
    client.force_login(make_user(Role.ADMIN))
    response = client.get(reverse("admin:catalog_office_changelist"), {"q": "chicago"})
    assert list(response.context["cl"].result_list) == [Office.objects.get(code="chicago")]
