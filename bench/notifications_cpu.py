#!/usr/bin/env python
"""The workers' CPU per e-mail alone: N confirmations through the outbox to the SMTP sink, with no
HTTP server and no paced run beside them. The figure to compare two versions of the code back to
back on a shared machine (bench/notifications.py measures the same thing beside the booking load).

    .venv/bin/python bench/notifications_cpu.py [--messages N] [--workers W] [--profile FILE]

Seeds as bench/notifications.py does (its own database, `miconsulado_bench_notifcpu`, dropped and
created afresh), books N appointments through the service layer with no worker running, then starts
W `db_worker` processes (`--profile`: one, under cProfile, its stats written to FILE) and counts
their CPU from their first task until every message has arrived. Reads back: every message sent,
every Message-ID arrived once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from notifications import HZ, Sink, start_workers, stop_workers, wait_drained
from race import ROOT, log
from race.procstats import loadavg, machine, process_ticks
from race.seed import add_stage, race_saturday, seed
from race.server import BIN, create_database, migrate, server_env, setup_django
from race.service import service_race

PROFILED = """
import cProfile, runpy, sys, time
out, script = sys.argv[1], sys.argv[2]
sys.argv = sys.argv[2:]
profile = cProfile.Profile(time.process_time)
profile.enable()
try:
    runpy.run_path(script, run_name="__main__")
except SystemExit:
    pass
finally:
    profile.disable()
    profile.dump_stats(out)
"""


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--messages", type=int, default=1000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--profile", type=Path, help="run one worker under cProfile, stats to this file")
    p.add_argument("--database", default="miconsulado_bench_notifcpu")
    args = p.parse_args(argv)
    if not args.database.startswith("miconsulado_bench"):
        p.error("--database must start with miconsulado_bench (it is dropped; never the test database)")

    load_before = loadavg()
    database_url = create_database(args.database)
    sink = Sink()
    env = server_env(database_url)
    env["MICONSULADO_EMAIL_URL"] = f"smtp://127.0.0.1:{sink.port}"
    env["MICONSULADO_EMAIL_FROM"] = "Mi Consulado <citas@consulado.example>"
    migrate(env)
    setup_django(env)
    from django.db import connection

    from miconsulado.catalog.models import Office, Procedure
    from miconsulado.notifications.models import Message, MessageKind, MessageState

    seeded = seed(10)
    office = Office.objects.get(pk=seeded.office_id)
    procedure = Procedure.objects.get(pk=seeded.procedure_id)
    stage = add_stage(
        office,
        procedure,
        "notify-cpu",
        race_saturday(seeded.tz) + dt.timedelta(days=49),
        args.messages,
        60_000_000,
    )
    connection.close()
    log(f"booking {args.messages} appointments (service layer, no worker)")
    booked = service_race(env, stage, processes=2, total=args.messages, seconds=600)
    connection.close()

    log(
        f"{args.workers} db_worker(s) on the queue"
        + (f", profiled to {args.profile}" if args.profile else "")
    )
    if args.profile:
        # CPU time, not wall time: the waits for PostgreSQL and the sink are left out.
        command = [sys.executable, "-c", PROFILED, str(args.profile), str(BIN / "miconsulado")]
        with open("/tmp/bench_notifications_worker0.log", "wb") as out:  # noqa: S108 (a log, ours)
            procs = [
                subprocess.Popen(
                    [*command, "db_worker", "--interval", "0.05", "--no-startup-delay"],
                    env=env,
                    cwd=ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            ]
    else:
        procs = start_workers(env, args.workers)
    boot: dict[str, float] = {}
    started = time.monotonic()
    try:
        wait_drained(procs, sink, 1800, boot)
        worker_cpu = sum(process_ticks(p.pid) for p in procs) / HZ - boot.get("cpu_s", 0.0)
    finally:
        stop_workers(procs)
    elapsed = time.monotonic() - started
    arrivals = sink.stop()

    arrived = Counter(mid.decode() for _, mid in arrivals)
    sent_ids = set(Message.objects.filter(state=MessageState.SENT).values_list("message_id", flat=True))
    states = dict(Counter(Message.objects.values_list("kind", "state")))
    missing = len(sent_ids - set(arrived))
    twice = sum(1 for n in arrived.values() if n > 1)
    emails = len(arrivals)
    m = machine()
    # Reminders stay queued: they are due days before the appointments, weeks away.
    ok = all(state == MessageState.SENT for kind, state in states if kind != MessageKind.REMINDER)
    ok = ok and emails == len(sent_ids) and not missing and not twice
    print(
        "\n".join(
            [
                f"machine: {m['nproc']} CPU ({m['cpu']}); load before {load_before}, after {loadavg()}",
                f"booked {booked['created']}; messages {states}; arrived {emails}, missing {missing}, "
                f"twice {twice}: {'OK' if ok else 'FAULT'}",
                f"drained in {elapsed:.1f} s wall by {args.workers} worker(s)",
                f"workers' CPU per e-mail: {worker_cpu * 1000 / max(1, emails):.2f} ms "
                f"(at most {emails / worker_cpu if worker_cpu else float('nan'):.0f} e-mails/s per worker "
                "with a core of its own)",
            ]
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
