"""For the PostgreSQL tests that make transactions cross on real connections."""

from django.db import connection

WAIT = 20  # seconds; PostgreSQL finds a deadlock after its deadlock_timeout (1 s by default)


def waiting_on_locks() -> int:
    """How many other sessions of this database wait for a lock now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]
