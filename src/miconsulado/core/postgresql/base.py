"""Django's PostgreSQL backend with a health check that costs no round trip.

Django checks a kept connection before each request's first query with `SELECT 1` (when
CONN_HEALTH_CHECKS is on): one more round trip on every request. Here the check asks the socket
instead: an idle connection has nothing to read unless the server has ended it (a restart, a
failover, an administrator's pg_terminate_backend), in which case its farewell is waiting to be
read. Nothing to read: usable. Anything there: closed and reopened before the request's first
query, so a database restart costs no request an error. (A peer that vanished without a word is
not seen by either check: its first query fails as it would with `SELECT 1`.)
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return bool(super().is_usable())  # mid-transaction the socket says nothing: ask the server
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            return not poller.poll(0)
        except (OSError, ValueError):
            return False
