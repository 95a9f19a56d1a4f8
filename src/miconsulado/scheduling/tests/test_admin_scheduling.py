import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from miconsulado.accounts.models import Role
from miconsulado.accounts.tests.factories import make_user
from miconsulado.scheduling.models import Closure, ExtraSession, OpeningHours, Slot
from miconsulado.testing import make_office, make_procedure, make_slot, make_window

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices():
    la = make_office("losangeles")
    chicago = make_office("chicago", tz="America/Chicago")
    return la, chicago, make_procedure("matricula")


@pytest.fixture
def slots(offices):
    la, chicago, procedure = offices
    return (
        make_slot(make_window(la, [procedure], code="general")),
        make_slot(make_window(chicago, [procedure], code="general")),
    )


@pytest.fixture
def la_staff(offices):
    return make_user(Role.CONSULAR_STAFF, offices=[offices[0]])


def test_staff_list_only_their_offices_slots(client, slots, la_staff):
    la_slot, _ = slots
    client.force_login(la_staff)
    response = client.get(reverse("admin:scheduling_slot_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [la_slot]


def test_staff_cannot_open_another_offices_slot(client, slots, la_staff):
    la_slot, chicago_slot = slots
    client.force_login(la_staff)
    assert client.get(reverse("admin:scheduling_slot_change", args=[la_slot.pk])).status_code == 200
    response = client.get(reverse("admin:scheduling_slot_change", args=[chicago_slot.pk]))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_slots_are_read_only_even_for_admins(client, slots):
    la_slot, _ = slots
    client.force_login(make_user(Role.ADMIN, is_superuser=True))
    url = reverse("admin:scheduling_slot_change", args=[la_slot.pk])
    response = client.get(url)
    assert not response.context["has_change_permission"]
    assert client.post(url, {"booked": 2, "capacity": 9}).status_code == 403
    la_slot.refresh_from_db()
    assert (la_slot.booked, la_slot.capacity) == (0, 2)


def test_slot_list_shows_local_time_and_filters(client, slots):
    la_slot, _ = slots
    client.force_login(make_user(Role.SUPERVISOR))
    response = client.get(
        reverse("admin:scheduling_slot_changelist"), {"office": "losangeles", "conflict__exact": "0"}
    )
    assert list(response.context["cl"].result_list) == [la_slot]
    assert "09:00 P" in response.content.decode()  # 09:00 PST/PDT, not the UTC time


def test_staff_add_closures_only_for_their_offices(client, offices, la_staff):
    la, chicago, _ = offices
    client.force_login(la_staff)
    url = reverse("admin:scheduling_closure_add")
    form = {"date": "2026-12-24", "starts": "", "ends": "", "reason": "Nochebuena"}
    response = client.post(url, {**form, "office": chicago.pk})
    assert response.status_code == 200  # the form again, with an error
    assert "office" in response.context["adminform"].form.errors
    assert not Closure.objects.exists()
    response = client.post(url, {**form, "office": la.pk})
    assert response.status_code == 302
    assert Closure.objects.get().office == la


def test_regenerate_action_builds_the_offices_slots(client, offices, la_staff):
    la, chicago, procedure = offices
    make_window(la, [procedure], code="general")
    make_window(chicago, [procedure], code="general")
    for office in (la, chicago):
        for weekday in range(5):
            OpeningHours.objects.create(office=office, weekday=weekday, opens=dt.time(8), closes=dt.time(10))
    seed = make_slot(la.windows.get(), days_ahead=3)
    chicago_seed = make_slot(chicago.windows.get(), days_ahead=3)
    client.force_login(la_staff)

    response = client.post(
        reverse("admin:scheduling_slot_changelist"),
        {"action": "regenerate_slots", "_selected_action": [seed.pk, chicago_seed.pk]},
    )

    assert response.status_code == 302
    # 90 days of 08:00–10:00 on weekdays: about 64 days x 6 slots; Chicago untouched.
    assert Slot.objects.filter(office=la).count() > 300
    assert Slot.objects.filter(office=chicago).count() == 1
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(m.startswith("losangeles:") for m in messages)
    assert not any("chicago" in m for m in messages)


def test_extra_session_window_must_be_the_offices(client, offices):
    la, chicago, procedure = offices
    chicago_window = make_window(chicago, [procedure], code="general")
    la_window = make_window(la, [procedure], code="general")
    client.force_login(make_user(Role.SUPERVISOR))
    url = reverse("admin:scheduling_extrasession_add")
    form = {"office": la.pk, "date": "2026-12-05", "starts": "09:00", "ends": "13:00"}
    response = client.post(url, {**form, "window": chicago_window.pk, "reason": "x"})
    assert response.status_code == 200
    assert "window" in response.context["adminform"].form.errors
    response = client.post(url, {**form, "window": la_window.pk, "reason": "Sábado extra"})
    assert response.status_code == 302
    assert ExtraSession.objects.get().window == la_window


def test_office_page_offers_only_the_offices_windows_for_extra_sessions(client, offices):
    la, chicago, procedure = offices
    la_window = make_window(la, [procedure], code="general")
    make_window(chicago, [procedure], code="general")
    client.force_login(make_user(Role.ADMIN))
    response = client.get(reverse("admin:catalog_office_change", args=[la.pk]))
    formset = next(
        f.formset for f in response.context["inline_admin_formsets"] if f.opts.model is ExtraSession
    )
    assert list(formset.empty_form.fields["window"].queryset) == [la_window]
