import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from miconsulado.accounts.models import Role
from miconsulado.accounts.tests.factories import make_user
from miconsulado.booking.models import AppointmentAction, AppointmentEvent, AppointmentStatus
from miconsulado.booking.services import book_appointment, cancel_appointment
from miconsulado.core.channels import Channel
from miconsulado.testing import applicant, make_office, make_slot, make_window

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:booking_appointment_changelist"


def book(slot, procedure, **person):
    return book_appointment(
        slot=slot, procedure=procedure, applicants=[applicant(**person)], channel=Channel.WEB
    ).appointment


@pytest.fixture
def chicago_appointment(procedure):
    chicago = make_office("chicago", tz="America/Chicago")
    return book(make_slot(make_window(chicago, [procedure])), procedure)


@pytest.fixture
def appointment(slot, procedure):
    return book(slot, procedure)


@pytest.fixture
def la_staff(office):
    return make_user(Role.CONSULAR_STAFF, offices=[office])


def listed(client, **params):
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_staff_see_only_their_offices_appointments(client, appointment, chicago_appointment, la_staff):
    client.force_login(la_staff)
    assert listed(client) == [appointment]
    assert listed(client, q=chicago_appointment.code) == []


def test_staff_cannot_open_another_offices_appointment(client, appointment, chicago_appointment, la_staff):
    client.force_login(la_staff)
    own = client.get(reverse("admin:booking_appointment_change", args=[appointment.pk]))
    assert own.status_code == 200
    other = client.get(reverse("admin:booking_appointment_change", args=[chicago_appointment.pk]))
    assert other.status_code == 302
    assert other.url == reverse("admin:index")


def test_search_by_code_or_curp(client, appointment, slot, procedure, la_staff):
    other = book(slot, procedure)
    curp = appointment.applicants.get().curp
    client.force_login(la_staff)
    assert listed(client, q=curp) == [appointment]
    assert listed(client, q=curp.lower()) == [appointment]
    assert listed(client, q=f"  {curp[:16]} ") == [appointment]
    assert listed(client, q=appointment.code) == [appointment]
    assert listed(client, q=other.code) == [other]
    assert listed(client, q="ZZZZ000000HNEXXX00") == []


def test_supervisors_see_every_office_and_filter(client, appointment, chicago_appointment):
    client.force_login(make_user(Role.SUPERVISOR))
    assert set(listed(client)) == {appointment, chicago_appointment}
    assert listed(client, office="chicago") == [chicago_appointment]
    assert listed(client, status__exact="cancelled") == []


def test_appointment_is_read_only(client, appointment, la_staff):
    client.force_login(la_staff)
    url = reverse("admin:booking_appointment_change", args=[appointment.pk])
    response = client.get(url)
    assert not response.context["has_change_permission"]
    assert client.post(url, {"status": "cancelled", "places": 3}).status_code == 403
    appointment.refresh_from_db()
    assert (appointment.status, appointment.places) == (AppointmentStatus.CONFIRMED, 1)
    assert client.get(reverse("admin:booking_appointment_add")).status_code == 403
    delete = reverse("admin:booking_appointment_delete", args=[appointment.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_cancel_action_goes_through_the_service(client, appointment, la_staff):
    client.force_login(la_staff)
    response = client.post(reverse(CHANGELIST), {"action": "cancel", "_selected_action": [appointment.pk]})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.slot.booked == 0
    assert not appointment.applicants.get().active
    event = appointment.events.get(action=AppointmentAction.CANCELLED)
    assert (event.channel, event.actor) == (Channel.STAFF, la_staff)
    assert event.data["forced"] is True


def test_cancel_action_reports_domain_errors(client, appointment, la_staff):
    cancel_appointment(appointment=appointment, channel=Channel.WEB)
    client.force_login(la_staff)
    response = client.post(reverse(CHANGELIST), {"action": "cancel", "_selected_action": [appointment.pk]})
    messages = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert messages == [("error", f"{appointment.code}: La cita ya no está activa.")]
    assert (
        AppointmentEvent.objects.filter(appointment=appointment, action=AppointmentAction.CANCELLED).count()
        == 1
    )


def test_cancel_action_never_reaches_another_office(client, appointment, chicago_appointment, la_staff):
    client.force_login(la_staff)
    client.post(
        reverse(CHANGELIST),
        {"action": "cancel", "_selected_action": [appointment.pk, chicago_appointment.pk]},
    )
    chicago_appointment.refresh_from_db()
    assert chicago_appointment.status == AppointmentStatus.CONFIRMED
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_history_and_applicants_show_under_the_appointment(client, appointment, la_staff):
    client.force_login(la_staff)
    response = client.get(reverse("admin:booking_appointment_change", args=[appointment.pk]))
    body = response.content.decode()
    assert appointment.applicants.get().curp in body
    inlines = {f.opts.model.__name__: f for f in response.context["inline_admin_formsets"]}
    assert set(inlines) == {"Applicant", "AppointmentEvent"}
    assert not inlines["Applicant"].has_change_permission
    assert not inlines["AppointmentEvent"].has_add_permission
