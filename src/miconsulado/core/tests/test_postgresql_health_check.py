"""A kept PostgreSQL connection that the server ended (restart, failover, pg_terminate_backend) is
replaced before the next request's first query: no request fails, and a live connection is checked
without a round trip."""

import select

import psycopg
import pytest
from django.db import connection

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
    pytest.mark.django_db(transaction=True),
]


def end_from_outside(pid: int) -> None:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def farewell_arrived(timeout: float = 10.0) -> None:
    """pg_terminate_backend only signals the backend; its farewell reaches our socket when the backend
    has run, which on a busy machine can take longer than any fixed pause."""
    readable, _, _ = select.select([connection.connection.fileno()], [], [], timeout)
    assert readable, "the server's farewell never reached the socket"


def next_request() -> None:
    """What Django does when a request starts: the kept connection is checked before its first query."""
    connection.close_if_unusable_or_obsolete()


def test_a_connection_the_server_ended_is_replaced_without_an_error():
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    end_from_outside(pid)
    farewell_arrived()
    next_request()
    with connection.cursor() as cursor:  # no OperationalError: a new connection
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_live_connection_is_kept_and_checked_without_a_query(monkeypatch):
    from django.db.backends.postgresql import base as django_postgresql

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]

    def select_1(self):
        raise AssertionError("the health check sent SELECT 1")

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "is_usable", select_1)
    next_request()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == pid  # the same connection, kept
    assert connection.health_check_done
