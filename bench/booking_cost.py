"""CPU per booking request, in one process, with the variants of the booking path alternated.

    .venv/bin/python bench/booking_cost.py [--rounds R] [--chunk K] [--database NAME]

`POST /api/v1/appointments` through Django's WSGI handler (no HTTP server, no load generator),
production settings, against its own PostgreSQL database (dropped and re-created). Four variants —
the one-statement booking on or off (`MICONSULADO["ONE_STATEMENT_BOOKING"]`) × prepared statements
on or off (`prepare_threshold` 5 or None) — take turns, K requests at a time, R rounds, so that
this machine's minute-to-minute swings in speed hit every variant alike. For each: the process's
CPU per request (user + system, median over rounds), the CPU of its PostgreSQL backend per request,
and the WAL written per request (the whole server's: run it on a quiet machine). First bookings (a
slot with room for all of them), then refusals (a full slot).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from race.procstats import python_speed
from race.seed import booking_payload, seed
from race.server import create_database, migrate, server_env, setup_django

VARIANTS: dict[str, tuple[bool, int | None]] = {
    "one statement + prepared": (True, 5),
    "one statement": (True, None),
    "general path + prepared": (False, 5),
    "general path": (False, None),
}


def wsgi_caller() -> Callable[[bytes], str]:
    from django.core.handlers.wsgi import WSGIHandler

    app = WSGIHandler()

    def call(body: bytes) -> str:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/v1/appointments",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_ACCEPT_LANGUAGE": "es",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
            "REMOTE_ADDR": "127.0.0.1",
        }
        status: list[str] = []
        for _ in app(environ, lambda s, h, *a: status.append(s)):
            pass
        return status[0][:3]

    return call


def backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wal_position() -> int:
    """Bytes of WAL PostgreSQL has written so far (the whole server's: measure on a quiet machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
        (position,) = cursor.fetchone()
    return int(position)


def use(one_statement: bool, prepare_threshold: int | None) -> None:
    from django.conf import settings
    from django.db import connection

    settings.MICONSULADO["ONE_STATEMENT_BOOKING"] = one_statement
    if connection.settings_dict["OPTIONS"].get("prepare_threshold") != prepare_threshold:
        connection.close()  # the next query connects with the new option
        connection.settings_dict["OPTIONS"]["prepare_threshold"] = prepare_threshold


def measure(
    call: Callable[[bytes], str], bodies: Sequence[bytes], *, expect: str, rounds: int, chunk: int
) -> dict[str, dict[str, float]]:
    app: dict[str, list[float]] = {name: [] for name in VARIANTS}
    db: dict[str, list[float]] = {name: [] for name in VARIANTS}
    wal: dict[str, list[float]] = {name: [] for name in VARIANTS}
    position = 0
    for _ in range(rounds):
        for name, (one_statement, threshold) in VARIANTS.items():
            use(one_statement, threshold)
            for body in bodies[position : position + 10]:  # connect, prepare: not counted
                call(body)
            position += 10
            batch = bodies[position : position + chunk]
            position += chunk
            wal0 = wal_position()
            db0, cpu0 = backend_cpu(), time.process_time()
            for body in batch:
                status = call(body)
                if status != expect:
                    raise SystemExit(f"{name}: got {status}, expected {expect}")
            app[name].append((time.process_time() - cpu0) / len(batch) * 1000)
            db[name].append((backend_cpu() - db0) / len(batch) * 1000)
            wal[name].append((wal_position() - wal0) / len(batch))
    return {
        name: {
            "app_ms": statistics.median(app[name]),
            "postgres_ms": statistics.median(db[name]),
            "wal_bytes": statistics.median(wal[name]),
        }
        for name in VARIANTS
    }


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=8)
    p.add_argument("--chunk", type=int, default=150, help="requests per variant per round")
    p.add_argument("--database", default="miconsulado_cost")
    args = p.parse_args(argv)

    env = server_env(create_database(args.database))
    migrate(env)
    setup_django(env)
    per_stage = args.rounds * len(VARIANTS) * (args.chunk + 10) + 20
    seeded = seed(per_stage)
    call = wsgi_caller()
    results: dict[str, Any] = {"python_speed": python_speed()}
    for kind, stage_name, expect in (("booking", "paced", "201"), ("refusal", "probe", "409")):
        stage = seeded.stages[stage_name]
        if kind == "refusal":
            from miconsulado.scheduling.models import Slot

            Slot.objects.filter(pk__in=stage.slot_ids).update(booked=0, capacity=0)
        bodies = [json.dumps(booking_payload(stage, i)).encode() for i in range(per_stage)]
        for body in bodies[:20]:  # imports, caches
            call(body)
        results[kind] = measure(call, bodies[20:], expect=expect, rounds=args.rounds, chunk=args.chunk)
    print(
        f"CPU per request, in-process, median of {args.rounds} rounds of {args.chunk} "
        f"(sum(range(10**7)) in {results['python_speed']:.2f} s):"
    )
    for kind in ("booking", "refusal"):
        for name, figures in results[kind].items():
            print(
                f"  {kind:8} {name:26} app {figures['app_ms']:.2f} ms   PostgreSQL {figures['postgres_ms']:.2f} ms"
                f"   WAL {figures['wal_bytes']:.0f} bytes"
            )
    print(f"reproduce: .venv/bin/python bench/booking_cost.py --rounds {args.rounds} --chunk {args.chunk}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
