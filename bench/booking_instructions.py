"""Instructions per booking request, counted by valgrind's callgrind: a figure that stays the same
whatever else this shared machine is doing (its speed swings 2x from minute to minute; see
docs/performance.md), so that two versions of the code can be compared on one run.

    .venv/bin/python bench/booking_instructions.py [--requests N] [--src DIR ...]

`POST /api/v1/appointments` through Django's WSGI handler (no HTTP server, no load generator),
production settings, PostgreSQL, against its own database (`miconsulado_instructions`, dropped and
re-created). Two kinds of request: a booking that succeeds, and a refusal of a full slot (what most
of a rush is). For each kind and each source tree (`--src`, default this checkout's `src/`; e.g. a
`git worktree` of an older commit, with the same migrations), the request path runs under callgrind
twice, with the same 30 warm-up requests and then 0 or N counted ones; the difference divided by N is
the figure. The CPU's own cost per instruction is not counted: a ratio between versions is what
this measures, not seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from race import ROOT, log
from race.seed import booking_payload, seed
from race.server import create_database, migrate, server_env, setup_django

WARM_UP = 30
KINDS = {"booking": ("http", "201"), "refusal": ("probe", "409")}


def child(seed_file: str, kind: str, requests: int, offset: int) -> None:
    """Runs under callgrind: the warm-up, then `requests` counted requests."""
    import booking_cost

    with open(seed_file, "rb") as f:
        env, seeded = pickle.load(f)  # noqa: S301 - the file this run wrote a moment ago
    os.environ.update(env)
    import django

    django.setup()  # from the tree first on sys.path (PYTHONPATH), not necessarily this checkout
    stage_name, expect = KINDS[kind]
    stage = seeded.stages[stage_name]
    call = booking_cost.wsgi_caller()
    for i in range(WARM_UP + requests):
        status = call(json.dumps(booking_payload(stage, offset + i)).encode())
        if status != expect:
            raise SystemExit(f"{kind}: got {status}, expected {expect}")


def counted(seed_file: str, src: Path, kind: str, requests: int, offset: int) -> int:
    """Instructions of one child run."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        env = {**os.environ, "PYTHONPATH": str(src), "PYTHONHASHSEED": "0"}
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                "--child",
                seed_file,
                kind,
                str(requests),
                str(offset),
            ],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for line in out.read_text().splitlines():
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise SystemExit("callgrind wrote no totals")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=200, help="counted requests per kind and tree")
    p.add_argument("--src", action="append", type=Path, help="source trees to compare (default: ./src)")
    p.add_argument("--database", default="miconsulado_instructions")
    p.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        seed_file, kind, requests, offset = args.child
        child(seed_file, kind, int(requests), int(offset))
        return 0

    trees = [path.resolve() for path in args.src or [ROOT / "src"]]
    env = server_env(create_database(args.database))
    # Nothing on a clock during the counted requests: under callgrind a request takes some 50 times
    # longer, so the catalog snapshot's reload (every 30 s) and the connection's renewal (60 s)
    # would fall in some runs and not others, by how fast this shared machine went (+0.1 M or so).
    env.update(MICONSULADO_CATALOG_CACHE_SECONDS=str(10**9), MICONSULADO_CONN_MAX_AGE=str(10**9))
    migrate(env)
    setup_django(env)
    per_run = WARM_UP + args.requests
    seeded = seed(2 * per_run * len(trees) + 10)
    from miconsulado.scheduling.models import Slot

    Slot.objects.filter(pk__in=seeded.stages["probe"].slot_ids).update(booked=0, capacity=0)
    env.pop("PYTHONPATH", None)  # each run puts its own tree first
    with tempfile.NamedTemporaryFile(suffix=".pickle", delete=False) as f:
        pickle.dump((env, seeded), f)
    jobs: list[tuple[Path, str, int, int]] = []
    offset = 0
    for src in trees:
        for kind in KINDS:
            for requests in (0, args.requests):
                jobs.append((src, kind, requests, offset))
                offset += per_run  # fresh CURPs (and places) for every run
    log(f"{len(jobs)} runs under callgrind, {os.cpu_count()} at a time (a few minutes each)")
    try:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            totals = list(pool.map(lambda job: counted(f.name, *job), jobs))
    finally:
        os.unlink(f.name)
    results: dict[tuple[str, str], float] = {}
    for (src, kind, requests, _), total in zip(jobs, totals, strict=True):
        results.setdefault((str(src), kind), 0.0)
        results[(str(src), kind)] += total if requests else -total
    print(f"Instructions per request (callgrind, {args.requests} counted after {WARM_UP} warm-up):")
    first: dict[str, float] = {}
    for (src, kind), total in results.items():
        per_request = total / args.requests
        first.setdefault(kind, per_request)
        print(f"  {kind:8} {per_request / 1e6:6.2f} M   x{per_request / first[kind]:.2f}   {src}")
    sources = " ".join(f"--src {src}" for src in args.src or [])
    print(
        f"reproduce: .venv/bin/python bench/booking_instructions.py --requests {args.requests} {sources}".rstrip()
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
