"""GET /api/v1/appointments/{code}: the code and a CURP in it, or a staff/agent token."""

import pytest

from miconsulado.accounts.models import Role
from miconsulado.booking.tests.api_support import bearer, book, get
from miconsulado.testing import applicant, make_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(slot, procedure):
    parent, child = applicant(), applicant(given_names="Ana")
    return book(slot, procedure, parent, child), parent, child


def url(code):
    return f"/api/v1/appointments/{code}"


def test_code_and_curp_find_the_appointment(client, family):
    appointment, _, child = family
    response = get(client, url(appointment.code), curp=child.curp)
    assert response.status_code == 200
    data = response.json()
    assert data["code"] == appointment.code
    assert data["status"] == "confirmed"
    assert data["places"] == 2
    # The family's names, but only the CURP the caller sent.
    assert [(a["given_names"], a["curp"]) for a in data["applicants"]] == [
        ("Juan", None),
        ("Ana", child.curp),
    ]


def test_code_and_curp_are_read_as_people_type_them(client, family):
    appointment, parent, _ = family
    code = f"{appointment.code[:4].lower()}-{appointment.code[4:].lower()}"
    curp = f"{parent.curp[:4].lower()} {parent.curp[4:]}"
    assert get(client, url(code), curp=curp).status_code == 200


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", "No encontramos una cita con ese código y esa CURP."),
        ("en", "We found no appointment with that code and that CURP."),
    ],
)
def test_a_wrong_curp_looks_exactly_like_a_wrong_code(client, family, lang, message):
    appointment, _, _ = family
    wrong_curp = get(client, url(appointment.code), lang=lang, curp=applicant().curp)
    wrong_code = get(client, url("AAAAAAAA"), lang=lang, curp=family[1].curp)
    assert wrong_curp.status_code == wrong_code.status_code == 404
    assert (
        wrong_curp.json()
        == wrong_code.json()
        == {
            "code": "appointment_not_found",
            "message": message,
            "errors": {},
        }
    )


def test_anonymous_lookup_needs_the_curp(client, family):
    response = get(client, url(family[0].code), lang="en")
    assert response.status_code == 422
    assert response.json()["errors"] == {"curp": ["This field is required."]}


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.ADMIN])
def test_agents_supervisors_and_admins_may_omit_the_curp(client, family, role):
    response = get(client, url(family[0].code), **bearer(role))
    assert response.status_code == 200
    # Staff see every CURP of the appointment.
    assert [a["curp"] for a in response.json()["applicants"]] == [family[1].curp, family[2].curp]


def test_consular_staff_see_their_own_office_only(client, family, office):
    own = get(client, url(family[0].code), **bearer(Role.CONSULAR_STAFF, offices=(office,)))
    assert own.status_code == 200
    chicago = make_office("chicago", tz="America/Chicago")
    headers = bearer(Role.CONSULAR_STAFF, offices=(chicago,))
    other = get(client, url(family[0].code), **headers)
    assert other.status_code == 404
    assert other.json()["code"] == "appointment_not_found"
    # Knowing the CURP does not open another office's appointment to staff either.
    assert get(client, url(family[0].code), curp=family[1].curp, **headers).status_code == 404


def test_a_staff_token_with_a_wrong_curp_is_404(client, family):
    response = get(client, url(family[0].code), curp=applicant().curp, **bearer(Role.SUPERVISOR))
    assert response.status_code == 404


def test_a_bad_token_is_401(client, family):
    response = get(client, url(family[0].code), curp=family[1].curp, HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401
