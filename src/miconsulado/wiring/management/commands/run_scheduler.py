"""Enqueue the periodic work; the `db_worker` runs it.

django-tasks has no periodic scheduler, so this small loop is one. Every task it enqueues is
idempotent, so two schedulers running by mistake do no harm, only duplicate work.
"""

from __future__ import annotations

import datetime as dt
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from miconsulado.booking.tasks import release_expired_holds
from miconsulado.callcenter.tasks import queue_tick
from miconsulado.core.tasks import requeue_stalled_deliveries
from miconsulado.notifications.tasks import requeue_stale_messages
from miconsulado.scheduling.tasks import generate_slots_task
from miconsulado.waitlist.tasks import offer_freed_places


class Command(BaseCommand):
    help = (
        "Enqueue periodic tasks: the expired-hold, stalled-delivery, stale-message and waitlist sweeps every minute, "
        "slot generation once a day."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=int, default=60, help="Seconds between sweeps (default 60).")
        parser.add_argument("--once", action="store_true", help="Enqueue each task once and exit.")

    def handle(self, *args: Any, interval: int, once: bool, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        generated_on: dt.date | None = None
        while not stopping:
            release_expired_holds.enqueue()
            requeue_stalled_deliveries.enqueue()  # event deliveries whose worker died (core.events)
            requeue_stale_messages.enqueue()  # messages whose worker died (notifications.tasks)
            # Places no event announced (extra capacity, a regenerated schedule), lost offer expiries.
            offer_freed_places.enqueue()
            # The call queue's heartbeat when no caller is on the line to drive it (lapsed offers,
            # wrap-ups over, callbacks due).
            queue_tick.enqueue()
            today = timezone.now().date()
            if generated_on != today:
                # Extends every office's horizon by the day that has just opened.
                generate_slots_task.enqueue()
                generated_on = today
                self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} slot generation enqueued")
            if once:
                return
            for _ in range(interval):
                if stopping:
                    break
                time.sleep(1)
