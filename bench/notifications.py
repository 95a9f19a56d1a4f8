#!/usr/bin/env python
"""Notifications throughput: N confirmations through the outbox to a local SMTP sink, with the booking
bench's paced load running at the same time.

    .venv/bin/python bench/notifications.py [--messages N] [--workers W] [--rate R] [--seconds T]
                                            [--pairs P] [--json FILE]

One run, against its own PostgreSQL database (`miconsulado_bench_notifications`, dropped and
created afresh; never the test database), traffic only to 127.0.0.1:

1. seed as bench/booking_race.py does (race.seed), plus one window of N places per pair;
2. an SMTP sink (aiosmtpd, its own process) on loopback that counts what arrives and each
   message's Message-ID;
3. N confirmed bookings through the service layer (race.service.service_race, no worker running):
   each leaves its event's delivery task in the queue, as a booking through the API does;
4. granian serving the app (race.server), the `/healthz` floor (race.load.http_floor);
5. for each pair: the booking bench's paced run (R requests/s for T seconds, 100 clients, fresh
   places) with no task worker running, then W real `db_worker` processes started on the queue of
   N confirmations while the same paced run runs again on fresh places: each event is delivered
   (the e-mail rendered and written to the outbox), each message sent (PDF receipt and .ics built,
   SMTP). The clock runs from the workers' first task to the last e-mail's arrival;
6. pgbench, the booking's SQL transaction (race.pgbench), the floor beside the figures;
7. read back: every message `sent`, every Message-ID arrived, none twice.

E-mails per second per worker = messages / drain time / W (the aim: 200). The paced run's figures
with notifications are compared with the same run without them (the aim: within 10 %).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# The booking bench's parts (bench/ is first on sys.path when this runs).
from race import ROOT, log
from race.load import http_floor, http_race
from race.pgbench import pg_connections_free, pgbench
from race.procstats import QUIET_CORES, CpuMeter, loadavg, machine, process_ticks, wait_quiet
from race.report import ms
from race.seed import PACED_RUNS_MAX, RACE_SLOTS, add_stage, race_saturday, seed
from race.server import (
    BIN,
    create_database,
    free_port,
    migrate,
    server_env,
    setup_django,
    start_server,
    warm_up,
)
from race.service import service_race
from race.verify import verify

TARGET_PER_WORKER = 200  # e-mails/s
TARGET_RATIO = 0.10  # the paced run within 10 % of the same run without notifications
HZ = os.sysconf("SC_CLK_TCK")
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


# -- the SMTP sink, in a process of its own (the workers' SMTP conversations cost it, not us) -------


def _sink(port: int, count: Any, ready: Any, pipe: Any) -> None:
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    arrivals: list[tuple[float, bytes]] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            data = envelope.original_content or b""
            found = _MESSAGE_ID.search(data, 0, data.find(b"\r\n\r\n"))
            arrivals.append((time.time(), found.group(1) if found else b""))
            with count.get_lock():
                count.value += 1
            return f"250 2.0.0 Ok: queued as S{len(arrivals)}"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port, data_size_limit=10 << 20)
    controller.start()
    ready.set()
    pipe.recv()  # "stop"
    controller.stop()
    pipe.send(arrivals)


class Sink:
    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.port = free_port()
        self.count = ctx.Value("q", 0)
        ready = ctx.Event()
        self.pipe, theirs = ctx.Pipe()
        self.process = ctx.Process(target=_sink, args=(self.port, self.count, ready, theirs), daemon=True)
        self.process.start()
        if not ready.wait(30):
            raise SystemExit("the SMTP sink did not start")

    def stop(self) -> list[tuple[float, bytes]]:
        self.pipe.send("stop")
        arrivals: list[tuple[float, bytes]] = self.pipe.recv()
        self.process.join(10)
        return arrivals


# -- the task workers ------------------------------------------------------------------------------


def start_workers(env: dict[str, str], count: int) -> list[subprocess.Popen[bytes]]:
    workers = []
    for k in range(count):
        log_path = Path("/tmp") / f"bench_notifications_worker{k}.log"  # noqa: S108 (a log, ours)
        with open(log_path, "wb") as out:
            workers.append(
                subprocess.Popen(
                    [str(BIN / "miconsulado"), "db_worker", "--interval", "0.05", "--no-startup-delay"],
                    env=env,
                    cwd=ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    return workers


def stop_workers(workers: Sequence[subprocess.Popen[bytes]]) -> None:
    for w in workers:
        if w.poll() is None:
            w.terminate()
    for w in workers:
        try:
            w.wait(timeout=15)
        except subprocess.TimeoutExpired:
            w.kill()
            w.wait()


def queue_busy() -> int:
    """Tasks ready to run now or running (those due later, e.g. a hold's expiry, do not count)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count() + DBTaskResult.objects.running().count()


def wait_drained(
    procs: Sequence[subprocess.Popen[bytes]], sink: Sink, timeout: float, boot: dict[str, float]
) -> None:
    """Until the queue is empty and every sent message arrived (polled by a thread of its own while
    the paced run takes the main one). `boot` gets the workers' CPU seconds when their first task
    began (their start-up: imports, Django's setup), which the CPU per e-mail leaves out."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from miconsulado.notifications.models import Message, MessageState

    deadline = time.monotonic() + timeout
    try:
        while not DBTaskResult.objects.running().exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        boot["cpu_s"] = sum(process_ticks(p.pid) for p in procs) / HZ
        while time.monotonic() < deadline:
            time.sleep(0.5)
            if any(p.poll() is not None for p in procs):
                log("a db_worker stopped by itself: see /tmp/bench_notifications_worker*.log")
                return
            if not queue_busy():
                sent = Message.objects.filter(state=MessageState.SENT).count()
                if sink.count.value >= sent:
                    return
        log(f"drain: not done after {timeout:.0f} s")
    finally:
        connection.close()  # this thread's own


def drain_window(spawned_at: float, arrivals: Sequence[tuple[float, bytes]]) -> dict[str, Any]:
    """When the workers began (their first task) and when the last e-mail arrived."""
    from django_tasks_db.models import DBTaskResult

    first = (
        DBTaskResult.objects.filter(started_at__gte=dt.datetime.fromtimestamp(spawned_at, dt.UTC))
        .order_by("started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    ours = [t for t, _ in arrivals if t >= spawned_at]
    begin = first.timestamp() if first else spawned_at
    return {
        "begin": begin,
        "boot_s": begin - spawned_at,
        "first_email_s": (min(ours) - begin) if ours else float("nan"),
        "end": max(ours, default=begin),
        "emails": len(ours),
    }


# -- the run -------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--messages", type=int, default=10_000, help="confirmations per pair (default 10000)")
    p.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="db_worker processes (default nproc)"
    )
    p.add_argument("--server-workers", type=int, default=(os.cpu_count() or 1) + 1, help="granian workers")
    p.add_argument("--clients", type=int, default=100)
    p.add_argument("--rate", type=float, default=500, help="paced requests/s (default 500)")
    p.add_argument("--places", type=int, default=500, help="places in each paced run (default 500)")
    p.add_argument("--seconds", type=int, default=20, help="paced run and pgbench, seconds (default 20)")
    p.add_argument(
        "--pairs",
        type=int,
        default=1,
        help=f"paced runs without / with notifications, alternated (1-{PACED_RUNS_MAX // 2}, default 1)",
    )
    p.add_argument("--drain-timeout", type=float, default=600)
    p.add_argument("--database", default="miconsulado_bench_notifications")
    p.add_argument("--wait-quiet", type=int, default=60)
    p.add_argument("--no-pgbench", action="store_true")
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    if not args.database.startswith("miconsulado_bench"):
        p.error("--database must start with miconsulado_bench (it is dropped; never the test database)")
    if not 1 <= args.pairs <= PACED_RUNS_MAX // 2:
        p.error(f"--pairs between 1 and {PACED_RUNS_MAX // 2}")
    if args.messages > 32767 * RACE_SLOTS or args.messages < 1:
        p.error(f"--messages between 1 and {32767 * RACE_SLOTS}")
    return args


def command_line(args: argparse.Namespace) -> str:
    parts = [".venv/bin/python", "bench/notifications.py"]
    for name in ("messages", "workers", "server_workers", "clients", "rate", "places", "seconds", "pairs"):
        parts += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    return " ".join(parts)


def paced(server: Any, stage: Any, args: argparse.Namespace) -> dict[str, Any]:
    run, codes = http_race(
        server,
        stage,
        clients=args.clients,
        total=int(args.rate * args.seconds),
        seconds=args.seconds,
        rate=args.rate,
    )
    run["verify"] = verify(stage, codes)
    return run


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "load_before": loadavg(),
        "command": command_line(args),
    }
    wait_quiet(args.wait_quiet)
    database_url = create_database(args.database)
    CpuMeter.database = args.database
    sink = Sink()
    env = server_env(database_url)
    env["MICONSULADO_EMAIL_URL"] = f"smtp://127.0.0.1:{sink.port}"
    env["MICONSULADO_EMAIL_FROM"] = "Mi Consulado <citas@consulado.example>"
    migrate(env)
    setup_django(env)
    from django.db import connection

    from miconsulado.catalog.models import Office, Procedure
    from miconsulado.notifications.models import Message, MessageState

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        results["postgres"] = f"PostgreSQL {cursor.fetchone()[0]}"
    seeded = seed(args.places)
    office = Office.objects.get(pk=seeded.office_id)
    procedure = Procedure.objects.get(pk=seeded.procedure_id)
    saturday = race_saturday(seeded.tz)
    batches = [
        add_stage(
            office,
            procedure,
            f"notify-{k}",
            saturday + dt.timedelta(days=49 + 7 * k),
            args.messages,
            60_000_000 + 1_000_000 * k,
        )
        for k in range(args.pairs)
    ]
    connection.close()

    server = start_server(env, server="granian", workers=args.server_workers, threads=1, worker_class="sync")
    pairs: list[dict[str, Any]] = []
    try:
        warm_up(server.port, workers=args.server_workers, threads=1)
        results["http_floor"] = http_floor(server, clients=args.clients, seconds=5)
        stages = iter(["paced", *(f"paced-{k}" for k in range(2, PACED_RUNS_MAX + 1))])
        for k, batch in enumerate(batches):
            pair: dict[str, Any] = {}
            # The N confirmations, queued by bookings as the API's are (no worker runs meanwhile).
            log(f"pair {k + 1}: booking {args.messages} appointments (service layer, no worker)")
            booked = service_race(env, batch, processes=args.workers + 1, total=args.messages, seconds=600)
            pair["confirmations"] = booked["created"]
            connection.close()

            wait_quiet(args.wait_quiet)
            log(f"pair {k + 1}: paced run without notifications")
            pair["without"] = paced(server, seeded.stages[next(stages)], args)

            wait_quiet(args.wait_quiet)
            queued_before = Message.objects.count()
            log(f"pair {k + 1}: {args.workers} db_worker(s) on the queue, the same paced run meanwhile")
            # Started from the main thread: the CPU meter finds them among its children.
            spawned_at = time.time()
            procs = start_workers(env, args.workers)
            boot: dict[str, float] = {}
            waiter = threading.Thread(target=wait_drained, args=(procs, sink, args.drain_timeout, boot))
            waiter.start()
            try:
                pair["with"] = paced(server, seeded.stages[next(stages)], args)
                waiter.join()
                worker_cpu = sum(process_ticks(p.pid) for p in procs) / HZ
            finally:
                stop_workers(procs)
            pair["drain"] = {
                "spawned_at": spawned_at,
                "worker_cpu_s": worker_cpu - boot.get("cpu_s", 0.0),
                "boot_cpu_s": boot.get("cpu_s", 0.0),
            }
            pair["messages"] = Message.objects.count() - queued_before
            pairs.append(pair)
            connection.close()
    finally:
        server.stop()
        arrivals = sink.stop()

    for pair in pairs:
        window = drain_window(pair["drain"]["spawned_at"], arrivals)
        # Arrivals of this pair's drain only (the next pair's started later).
        pair["window"] = window
    for i, pair in enumerate(pairs):
        end = pairs[i + 1]["drain"]["spawned_at"] if i + 1 < len(pairs) else float("inf")
        ours = [t for t, _ in arrivals if pair["drain"]["spawned_at"] <= t < end]
        w = pair["window"]
        w["emails"], w["end"] = len(ours), max(ours, default=w["begin"])
        seconds = w["end"] - w["begin"]
        pair["emails_per_s"] = w["emails"] / seconds if seconds > 0 else float("nan")
        pair["per_worker"] = pair["emails_per_s"] / args.workers
        send_span = w["end"] - (w["begin"] + w["first_email_s"])
        pair["send_stage_per_s"] = w["emails"] / send_span if send_span > 0 else float("nan")
        pair["worker_cpu_ms_per_email"] = pair["drain"]["worker_cpu_s"] * 1000 / max(1, w["emails"])
        # What one worker could send per second with a core to itself at this CPU cost.
        pair["cpu_bound_per_worker"] = 1000 / pair["worker_cpu_ms_per_email"] if w["emails"] else float("nan")
        during = [t for t in ours if t <= w["begin"] + args.seconds]
        pair["emails_per_s_during_paced"] = len(during) / args.seconds

    if not args.no_pgbench:
        wait_quiet(args.wait_quiet)
        free = pg_connections_free() - 10
        results["pgbench"] = pgbench(
            args.database, seeded, clients=max(1, min(args.clients, free)), seconds=args.seconds
        )

    # Read back: every message sent, each Message-ID arrived, none twice.
    arrived = Counter(mid.decode() for _, mid in arrivals)
    sent_ids = set(Message.objects.filter(state=MessageState.SENT).values_list("message_id", flat=True))
    results["check"] = {
        "messages": Message.objects.count(),
        "by_state": dict(Counter(Message.objects.values_list("state", flat=True))),
        "arrived": len(arrivals),
        "missing": len(sent_ids - set(arrived)),
        "twice": sum(1 for n in arrived.values() if n > 1),
        "unknown": len(set(arrived) - sent_ids),
    }
    c = results["check"]
    results["check"]["ok"] = (
        c["by_state"].keys() == {MessageState.SENT}
        and not c["missing"]
        and not c["twice"]
        and not c["unknown"]
    )
    results["pairs"] = pairs
    results["cpu_speed"] = pairs[0]["with"]["cpu_speed"] if pairs else float("nan")
    text = summary(results, args)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    integrity = all(p[k]["verify"]["ok"] for p in pairs for k in ("without", "with"))
    return 0 if results["check"]["ok"] and integrity else 1


def _ratio(with_: float, without: float) -> str:
    return f"{with_ / without:.2f}" if without else "n/a"


def summary(r: dict[str, Any], args: argparse.Namespace) -> str:
    m = r["machine"]
    f = r["http_floor"]
    lines = [
        "=" * 78,
        "NOTIFICATIONS THROUGHPUT — SUMMARY",
        f"date: {r['date']}   machine: {m['nproc']} CPU ({m['cpu']}), {m['ram']} RAM   "
        f"load before: {r['load_before']}   Python {m['python']}",
        f"PostgreSQL: {r['postgres']}",
        f"HTTP floor, GET /healthz ({f['requests']} requests): {f['rps']:.0f} req/s, p50 {ms(f['p50'])}, "
        f"p99 {ms(f['p99'])}",
        f"  {f['cpu']}",
    ]
    if "pgbench" in r:
        p = r["pgbench"]
        lines += [
            f"pgbench, the booking's transaction, {p['clients']} clients, {p['seconds']} s: {p['tps']:.0f} TPS",
            f"  {p['cpu']}",
        ]
    for k, pair in enumerate(r["pairs"], 1):
        w = pair["window"]
        lines += [
            f"pair {k}: {pair['messages']} messages written by {args.workers} db_worker(s) "
            f"({pair['confirmations']} confirmations queued + the paced run's bookings)",
            f"  e-mails arrived {w['emails']} in {w['end'] - w['begin']:.1f} s from the first task "
            f"(workers booted in {w['boot_s']:.1f} s; first e-mail after {w['first_email_s']:.1f} s)",
            f"  e-mails/s: {pair['emails_per_s']:.0f} in all, **{pair['per_worker']:.0f} per worker** "
            f"(aim ≥ {TARGET_PER_WORKER}); during the paced run {pair['emails_per_s_during_paced']:.0f}/s; "
            f"the sending stage alone {pair['send_stage_per_s']:.0f}/s",
            f"  workers' CPU per e-mail (event delivered, row written, sent; start-up left out): "
            f"{pair['worker_cpu_ms_per_email']:.2f} ms, i.e. at most {pair['cpu_bound_per_worker']:.0f} "
            f"e-mails/s per worker with a core of its own (CPU speed probe: {r['cpu_speed']:.2f} s)",
        ]
        for label in ("without", "with"):
            run = pair[label]
            lines.append(
                f"  paced {label:>7} notifications: achieved {run['rps']:.0f} req/s, bookings/s "
                f"{run['created_per_s']:.0f}, p50 {ms(run['p50'])}, p95 {ms(run['p95'])}, p99 {ms(run['p99'])}, "
                f"after sell-out p99 {ms(run.get('after_sellout', {}).get('p99', float('nan')))}, "
                f"oversold {run['verify']['oversold']}"
            )
            lines.append(f"    {run['cpu']}")
        a, b = pair["with"], pair["without"]
        lines.append(
            f"  ratio with/without: req/s {_ratio(a['rps'], b['rps'])}, bookings/s "
            f"{_ratio(a['created_per_s'], b['created_per_s'])}, p50 {_ratio(a['p50'], b['p50'])}, "
            f"p99 {_ratio(a['p99'], b['p99'])}"
        )
    busy = {
        name: run["others_cores"]
        for name, run in [("floor", f), ("pgbench", r.get("pgbench", {}))]
        + [
            (f"pair {k} {label}", pair[label])
            for k, pair in enumerate(r["pairs"], 1)
            for label in ("without", "with")
        ]
        if run.get("others_cores", 0.0) > QUIET_CORES
    }
    if busy:
        lines.append(
            "WARNING: other people's processes used the CPU ("
            + ", ".join(f"{k} {v:.2f}" for k, v in busy.items())
            + " cores): these figures are low"
        )
    c = r["check"]
    lines += [
        f"read back: {c['messages']} messages {c['by_state']}; arrived {c['arrived']}, missing {c['missing']}, "
        f"twice {c['twice']}, unknown {c['unknown']}: {'OK' if c['ok'] else 'FAULT'}",
        f"reproduce: {r['command']}",
        "=" * 78,
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
