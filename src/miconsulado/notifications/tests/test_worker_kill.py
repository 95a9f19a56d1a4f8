"""A real task worker (`db_worker`, another process) killed with SIGKILL in the middle of a batch of
1,000 e-mails to a real SMTP server, then started again: every message arrives, and any that arrives
twice was in flight at the kill (left `sending`) and carries the same Message-ID both times."""

import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from miconsulado.notifications.models import Message, MessageChannel, MessageKind, MessageState
from miconsulado.notifications.services import new_message_id, queue_send
from miconsulado.notifications.tasks import requeue_stale_messages

pytestmark = pytest.mark.django_db(transaction=True)  # the worker must see the rows: commit them

MESSAGES = 1000
DB_TASKS = {"default": {"BACKEND": "miconsulado.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}

# The worker: the test settings on the test database, tasks in the database, e-mail to our server.
WORKER = """
import sys
import miconsulado.test_settings as s
database, port, batch = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "batch"
s.DATABASES["default"]["NAME"] = database
s.TASKS = {"default": {"BACKEND": "miconsulado.core.task_backend.DatabaseBackend", "QUEUES": ["default"]}}
s.EMAIL_BACKEND = "miconsulado.notifications.backends.SMTPBackend"
s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_TIMEOUT = "127.0.0.1", port, 10
s.EMAIL_USE_TLS = s.EMAIL_USE_SSL = False
import django
django.setup()
from django.core.management import call_command
call_command("db_worker", "--interval", "0.05", "--no-startup-delay", *(["--batch"] if batch else []))
"""


def start_worker(port: int, *, batch: bool) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 (our own script, our own interpreter)
        [
            sys.executable,
            "-c",
            WORKER,
            connection.settings_dict["NAME"],
            str(port),
            "batch" if batch else "run",
        ],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "miconsulado.test_settings",
            "MICONSULADO_LOG_LEVEL": "ERROR",
        },
    )


@pytest.fixture
def quiet_smtp_log():
    logger = logging.getLogger("mail.log")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)


@override_settings(TASKS=DB_TASKS)
def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_only_its_message_in_flight(smtp, quiet_smtp_log):
    with transaction.atomic():
        Message.objects.bulk_create(
            Message(
                kind=MessageKind.CONFIRMED,
                channel=MessageChannel.EMAIL,
                recipient=f"person{n}@example.com",
                language="es",
                dedup_key=f"test:{n}",
                message_id=new_message_id(),
                subject=f"Mensaje {n}",
                body_text=f"Mensaje {n}\n",
                body_html=f"<p>Mensaje {n}</p>",
                next_attempt_at=timezone.now(),
            )
            for n in range(MESSAGES)
        )
        for row in Message.objects.only("pk"):  # each with its send task, as a receiver writes them
            queue_send(row)
    port = smtp_port(smtp)

    worker = start_worker(port, batch=False)
    try:
        run_kill_and_restart(worker, smtp, port)
    finally:
        if worker.poll() is None:  # a failed assertion must leave no worker behind
            worker.kill()
            worker.wait()


def run_kill_and_restart(worker: subprocess.Popen[bytes], smtp, port: int) -> None:
    deadline = time.monotonic() + 120
    while len(smtp.received) < MESSAGES // 3:
        assert worker.poll() is None, "the worker stopped by itself"
        assert time.monotonic() < deadline, "the worker sent too slowly"
        time.sleep(0.01)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    assert 0 < len(smtp.received) < MESSAGES, "the kill came mid-batch"
    in_flight = set(Message.objects.filter(state=MessageState.SENDING).values_list("message_id", flat=True))
    assert len(in_flight) <= 1  # one worker sends one message at a time

    # The sweep, once the timeout has passed, then the worker again until the queue is empty.
    later = timezone.now() + dt.timedelta(hours=1)
    requeue_stale_messages.call(later.isoformat())
    again = start_worker(port, batch=True)
    try:
        assert again.wait(timeout=300) == 0
    finally:
        if again.poll() is None:
            again.kill()
            again.wait()

    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}
    arrivals = Counter(m["Message-ID"] for m in smtp.received)
    assert set(arrivals) == set(Message.objects.values_list("message_id", flat=True))  # every one arrived
    repeated = {message_id for message_id, n in arrivals.items() if n > 1}
    assert repeated <= in_flight  # and twice only if in flight at the kill, with its Message-ID
    assert all(n <= 2 for n in arrivals.values())
    print(
        f"arrived {len(smtp.received)} for {MESSAGES} messages; in flight at the kill {len(in_flight)}, twice {len(repeated)}"
    )


def smtp_port(sink) -> int:
    from django.conf import settings  # the smtp fixture's server

    return int(settings.EMAIL_PORT)
