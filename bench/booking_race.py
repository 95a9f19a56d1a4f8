#!/usr/bin/env python
"""Booking race: how many bookings the whole stack takes per second, and how close that is to what
PostgreSQL itself can do with the same transaction.

One command, bounded in time and requests, traffic only to 127.0.0.1:

    .venv/bin/python bench/booking_race.py [--places S] [--clients C] [--requests N]
                                           [--workers W] [--threads K] [--seconds T] [--write-doc]

Stages, all in one run, against a private PostgreSQL database (`miconsulado_bench`, dropped and
created afresh; never the test database):

1. seed one office with 90 days of a realistic schedule, plus separate "race" slots holding S
   places for each stage (Saturday/Sunday times the weekly schedule never produces, so the API's
   slot lookup can only land on them);
2. the 90-day availability query, in-process (`available_slots`) and over HTTP;
3. HTTP race: granian (`miconsulado.wsgi`, production settings) and C keep-alive clients posting
   `POST /api/v1/appointments`, each with its own CURP, until N requests or T seconds;
4. service race: the same bookings through `booking.services.book_appointment` in W processes
   without HTTP (where the time goes between SQL and HTTP);
5. pgbench: the booking's SQL transaction alone (guarded UPDATE + three INSERTs) with C clients;
6. read back from the database: oversold places, lost or phantom appointments (must all be 0).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# The stages' parts live in the package bench/race/ (bench/ is first on sys.path when this runs).
from race import ROOT, log
from race.load import availability_http, availability_path, http_floor, http_race
from race.pgbench import pg_connections_free, pgbench
from race.procstats import CpuMeter, loadavg, machine, wait_quiet
from race.report import DOC, TARGET_RPS, command_line, summary, write_doc
from race.seed import PACED_RUNS_MAX, RACE_SLOTS, seed
from race.server import create_database, migrate, server_env, setup_django, start_server, warm_up
from race.service import availability_in_process, queries_per_booking, service_race
from race.verify import verify


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    cpus = os.cpu_count() or 1
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--places", type=int, default=500, help="places open for the race (default 500)")
    p.add_argument("--clients", type=int, default=100, help="concurrent HTTP clients (default 100)")
    p.add_argument("--requests", type=int, default=8000, help="booking requests at most (default 8000)")
    p.add_argument("--seconds", type=int, default=20, help="seconds at most per stage (default 20)")
    p.add_argument(
        "--server", default="granian", choices=["granian", "gunicorn"], help="app server (default granian)"
    )
    p.add_argument(
        "--workers",
        type=int,
        default=cpus + 1,
        help="server workers (default nproc+1, as the figures in docs/performance.md were taken; `make run` starts nproc; gunicorn sync wants 2×nproc+1)",
    )
    p.add_argument(
        "--threads", type=int, default=1, help="Python threads per worker (granian; gunicorn gthread only)"
    )
    p.add_argument("--worker-class", default="sync", choices=["sync", "gthread"], help="gunicorn only")
    p.add_argument(
        "--paced-runs",
        type=int,
        default=3,
        help=f"paced runs, each on fresh places; the one with the median p99 is judged (1-{PACED_RUNS_MAX}, default 3)",
    )
    p.add_argument(
        "--rate",
        type=float,
        default=TARGET_RPS,
        help=f"then offer this many requests/s, paced, to check latency at that load (default {TARGET_RPS}; 0: skip)",
    )
    p.add_argument("--app", default="miconsulado.wsgi", help="WSGI module to serve (to measure a variant)")
    p.add_argument("--database", default="miconsulado_bench", help="bench database (dropped and created)")
    p.add_argument("--availability-runs", type=int, default=200)
    p.add_argument(
        "--wait-quiet",
        type=int,
        default=60,
        help="wait up to this many seconds for other work on the machine to stop before measuring",
    )
    p.add_argument("--no-service", action="store_true", help="skip the in-process service race")
    p.add_argument("--no-pgbench", action="store_true", help="skip pgbench")
    p.add_argument(
        "--write-doc", action="store_true", help="rewrite the measured block of docs/performance.md"
    )
    p.add_argument("--json", type=Path, help="also write every figure as JSON here")
    args = p.parse_args(argv)
    if not args.database.startswith("miconsulado_bench"):
        p.error("--database must start with miconsulado_bench (it is dropped; never the test database)")
    if args.server == "gunicorn" and args.worker_class == "sync":
        args.threads = 1
    for name in ("places", "clients", "requests", "seconds", "workers", "threads"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be at least 1")
    if args.places > 32767 * RACE_SLOTS:
        p.error(f"--places at most {32767 * RACE_SLOTS}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "load_before": loadavg(),
        "command": command_line(args),
        "args": {k: str(v) for k, v in vars(args).items()},
    }
    log(f"load average before: {results['load_before']}")
    results["background_start"] = wait_quiet(args.wait_quiet)
    database_url = create_database(args.database)
    CpuMeter.database = args.database
    env = server_env(database_url)
    migrate(env)
    setup_django(env)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        results["postgres"] = f"PostgreSQL {cursor.fetchone()[0]}"
    seed_data = seed(args.places)
    results["queries_per_booking"] = queries_per_booking(seed_data)
    results["availability"] = {"in_process": availability_in_process(seed_data, args.availability_runs)}
    connection.close()

    server = start_server(
        env,
        server=args.server,
        workers=args.workers,
        threads=args.threads,
        worker_class=args.worker_class,
        app=args.app,
    )
    try:
        log(f"{server.label} on port {server.port}; warming up")
        warm_up(server.port, workers=args.workers, threads=args.threads)
        results["http_floor"] = http_floor(server, clients=args.clients, seconds=min(5, args.seconds))
        results["availability"]["http"] = availability_http(
            server.port, availability_path(seed_data), args.availability_runs
        )
        results["background_race"] = wait_quiet(args.wait_quiet)
        log(f"HTTP race: {args.clients} clients, {args.requests} requests at most, {args.seconds} s at most")
        results["http_race"], codes = http_race(
            server,
            seed_data.stages["http"],
            clients=args.clients,
            total=args.requests,
            seconds=args.seconds,
        )
        results["verify_http"] = verify(seed_data.stages["http"], codes)
        if args.rate:
            runs = []
            for k in range(1, 1 + max(1, min(args.paced_runs, PACED_RUNS_MAX))):
                name = "paced" if k == 1 else f"paced-{k}"
                results[f"background_{name}"] = wait_quiet(args.wait_quiet)
                log(
                    f"paced run {k}: {args.rate:g} requests/s offered by {args.clients} clients "
                    f"for {args.seconds} s"
                )
                run, codes = http_race(
                    server,
                    seed_data.stages[name],
                    clients=args.clients,
                    total=min(args.requests, int(args.rate * args.seconds)),
                    seconds=args.seconds,
                    rate=args.rate,
                )
                run["verify"] = verify(seed_data.stages[name], codes)
                runs.append(run)
            results["paced_runs"] = runs
            # Judged: the run with the median p99 (not the best one).
            results["paced_race"] = sorted(runs, key=lambda run: run["p99"])[(len(runs) - 1) // 2]
            results["verify_paced"] = {
                "ok": all(run["verify"]["ok"] for run in runs),
                **results["paced_race"]["verify"],
            }
    finally:
        server.stop()

    if not args.no_service:
        results["background_service"] = wait_quiet(args.wait_quiet)
        log(f"service race: {args.workers * args.threads} processes, no HTTP")
        results["service_race"] = service_race(
            env,
            seed_data.stages["service"],
            processes=args.workers * args.threads,
            total=args.requests,
            seconds=args.seconds,
        )
        results["verify_service"] = verify(seed_data.stages["service"])

    if not args.no_pgbench:
        results["background_pgbench"] = wait_quiet(args.wait_quiet)
        free = pg_connections_free() - 10  # leave room for everyone else on this server
        pg_clients = max(1, min(args.clients, free))
        if pg_clients < args.clients:
            log(f"pgbench: {pg_clients} clients, not {args.clients}: only {free + 10} connections free")
        results["pgbench"] = pgbench(args.database, seed_data, clients=pg_clients, seconds=args.seconds)
        app_conns = args.workers * args.threads
        if app_conns != pg_clients:
            results["pgbench_app_conns"] = pgbench(
                args.database, seed_data, clients=app_conns, seconds=max(5, args.seconds // 2)
            )
        results["verify_pgbench"] = verify(seed_data.stages["pgbench"])

    results["seconds_total"] = time.monotonic() - started
    text = summary(results, args)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    if args.write_doc:
        write_doc(text, results)
        log(f"wrote {DOC.relative_to(ROOT)}")
    failed = [
        k
        for k in ("verify_http", "verify_paced", "verify_service", "verify_pgbench")
        if k in results and not results[k]["ok"]
    ]
    if failed:
        print(f"INTEGRITY FAILURE in {failed}: " + json.dumps({k: results[k] for k in failed}, default=str))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
