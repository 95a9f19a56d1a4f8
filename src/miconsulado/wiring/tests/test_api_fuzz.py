"""Whatever a client sends that the OpenAPI schema allows, or nearly allows, the API answers with
one of the answers the schema documents (status, content type, body shape), never a 500; and a
request the schema forbids is refused. Schemathesis generates the requests from our own schema and
calls the WSGI application in process."""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from miconsulado.booking.tests.api_support import bearer
from miconsulado.testing import make_office, make_procedure, make_slot, make_window
from miconsulado.wiring.api.mount import api

pytestmark = pytest.mark.django_db

# A request the schema allows may still break a booking rule (a start in the past, a CURP whose
# check digit is wrong, no applicant): the schema gives the shapes, the services the rules, so 422
# is an acceptable answer to valid-looking data too; 400 (not the shape the schema says) is not.
# The NUL character is refused anywhere in a request by design (PostgreSQL cannot store it), which
# the schema does not spell out on every string; test_api_odd_input covers it.
config = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}
        },
        "generation": {"allow-x00": False},
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=config)
schema.app = WSGIHandler()


@pytest.fixture
def connections_kept() -> Iterator[None]:
    """The test's database connection holds its transaction across requests, so the handler must not
    close it at the end of each one (as Django's test client arranges too)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def staff_headers(db, connections_kept):
    """A real office with slots, so that some generated requests reach the services; and a
    supervisor's token, so that the staff-only operation is exercised past its authentication."""
    office = make_office("losangeles", tz="America/Los_Angeles")
    procedure = make_procedure("matricula", max_persons=4)
    make_slot(make_window(office, [procedure], desks=2), capacity=2)
    return {"Authorization": bearer("supervisor")["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(case, staff_headers):
    case.call_and_validate(headers=staff_headers)
