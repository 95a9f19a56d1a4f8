"""The waitlist over the API: 201 with an id, 409 and 422 in the booking API's error shape, look-up
by id and CURP (404 for a wrong one), leave, accept and decline; agents add people with their token."""

import pytest
from django.test import Client

from miconsulado.accounts.models import Role
from miconsulado.booking.models import Appointment
from miconsulado.booking.tests.api_support import bearer, person
from miconsulado.waitlist import links, services
from miconsulado.waitlist.models import EntryState, WaitlistEntry
from miconsulado.waitlist.tests.support import book

pytestmark = pytest.mark.django_db

URL = "/api/v1/waitlist"


def body(place, procedure, **over):
    return {"office": place.code, "procedure": procedure.code, "applicant": person(), **over}


def post(data, **headers):
    return Client().post(URL, data, content_type="application/json", **headers)


def test_joining_answers_201_with_an_id_and_position(office, procedure, window):
    first = post(body(office, procedure, **{"from": "2030-01-01", "to": "2030-02-01", "language": "en"}))
    second = post(body(office, procedure))
    assert (first.status_code, second.status_code) == (201, 201)
    data = second.json()
    assert data["state"] == "waiting" and data["position"] == 2 and data["offer"] is None
    assert first.json()["from"] == "2030-01-01" and first.json()["language"] == "en"
    entry = WaitlistEntry.objects.get(public_id=first.json()["id"])
    assert entry.channel == "api" and entry.created_by is None


def test_waiting_twice_is_409_and_bad_input_422_in_the_one_error_shape(office, procedure, window):
    data = body(office, procedure)
    post(data)
    again = post(data)
    assert again.status_code == 409 and again.json()["code"] == "already_waiting"
    bad = post(body(office, procedure, applicant={**person(), "curp": "NOPE", "email": "x"}))
    assert bad.status_code == 422
    assert {"applicant.curp", "applicant.email"} <= set(bad.json()["errors"])
    unknown = post(body(office, procedure, extra=1))
    assert unknown.status_code == 422 and unknown.json()["code"] == "validation_error"
    assert post(body(office, procedure, office="nowhere")).status_code == 422
    assert WaitlistEntry.objects.count() == 1


def test_someone_already_booked_is_409(office, procedure, slot):
    data = body(office, procedure)
    from miconsulado.testing import applicant

    book(slot, procedure, applicant(curp=data["applicant"]["curp"]))
    answer = post(data)
    assert answer.status_code == 409 and answer.json()["code"] == "curp_already_booked"


def test_look_up_needs_the_right_curp_and_a_wrong_one_is_404(office, procedure, window):
    data = body(office, procedure)
    entry_id = post(data).json()["id"]
    ok = Client().get(f"{URL}/{entry_id}", {"curp": data["applicant"]["curp"]})
    assert ok.status_code == 200 and ok.json()["position"] == 1
    wrong = Client().get(f"{URL}/{entry_id}", {"curp": person()["curp"]})
    assert wrong.status_code == 404
    assert Client().get(f"{URL}/not-a-uuid", {"curp": data["applicant"]["curp"]}).status_code == 404
    assert Client().get(f"{URL}/{entry_id}").status_code == 422  # no CURP


def test_delete_leaves_the_list(office, procedure, window):
    data = body(office, procedure)
    entry_id = post(data).json()["id"]
    curp = data["applicant"]["curp"]
    left = Client().delete(f"{URL}/{entry_id}?curp={curp}")
    assert left.status_code == 200 and left.json()["state"] == "left"
    assert Client().delete(f"{URL}/{entry_id}?curp={curp}").status_code == 409


def test_accept_and_decline_by_the_api(office, procedure, slot):
    book(slot, procedure)
    one, two = body(office, procedure), body(office, procedure)
    first, second = post(one).json()["id"], post(two).json()["id"]
    services.offer_freed_places(slot_id=slot.pk)
    looked = Client().get(f"{URL}/{first}", {"curp": one["applicant"]["curp"]}).json()
    assert looked["state"] == "offered" and looked["offer"]["state"] == "offered"
    declined = Client().post(
        f"{URL}/{first}/decline", {"curp": one["applicant"]["curp"]}, content_type="application/json"
    )
    assert declined.status_code == 200 and declined.json()["state"] == "waiting"
    services.offer_freed_places(slot_id=slot.pk)
    # Without the offer's link, nothing proves the caller reads the entry's e-mail: the core refuses.
    unproven = Client().post(
        f"{URL}/{second}/accept", {"curp": two["applicant"]["curp"]}, content_type="application/json"
    )
    assert unproven.status_code == 403 and unproven.json()["code"] == "contact_not_verified"
    offer = WaitlistEntry.objects.get(public_id=second).offers.get(state="offered")
    other = WaitlistEntry.objects.get(public_id=first).offers.first()
    forged = Client().post(
        f"{URL}/{second}/accept",
        {"curp": two["applicant"]["curp"], "link": links.accept_path(other)},  # another offer's link
        content_type="application/json",
    )
    assert forged.status_code == 403
    accepted = Client().post(
        f"{URL}/{second}/accept",
        {"curp": two["applicant"]["curp"], "link": links.accept_path(offer)},
        content_type="application/json",
    )
    assert accepted.status_code == 200
    data = accepted.json()
    assert data["state"] == "booked" and data["offer"]["appointment"]
    assert Appointment.objects.get(code=data["offer"]["appointment"]).status == "confirmed"
    again = Client().post(
        f"{URL}/{second}/accept", {"curp": two["applicant"]["curp"]}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "offer_closed"
    none = Client().post(
        f"{URL}/{second}/accept", {"curp": one["applicant"]["curp"]}, content_type="application/json"
    )
    assert none.status_code == 404


def test_an_agent_adds_people_by_phone_and_looks_them_up_without_curp(office, procedure, window):
    headers = bearer(Role.AGENT)
    answer = post(body(office, procedure), **headers)
    assert answer.status_code == 201
    entry = WaitlistEntry.objects.get(public_id=answer.json()["id"])
    assert entry.channel == "phone" and entry.created_by is not None
    assert entry.events.get().channel == "phone"
    assert Client().get(f"{URL}/{entry.public_id}", **headers).status_code == 200
    assert entry.state == EntryState.WAITING


def test_consular_staff_only_for_their_offices(office, procedure, window):
    from miconsulado.testing import make_office

    elsewhere = bearer(Role.CONSULAR_STAFF, offices=(make_office("wl-elsewhere"),))
    assert post(body(office, procedure), **elsewhere).status_code == 403
    own = bearer(Role.CONSULAR_STAFF, offices=(office,))
    answer = post(body(office, procedure), **own)
    assert answer.status_code == 201
    assert WaitlistEntry.objects.get(public_id=answer.json()["id"]).channel == "staff"
    assert Client().get(f"{URL}/{answer.json()['id']}", **elsewhere).status_code == 404
