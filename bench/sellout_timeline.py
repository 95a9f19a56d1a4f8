"""The sell-out of a paced rush, 100 ms at a time: what sets the p99 at 500 requests/s offered.

    .venv/bin/python bench/sellout_timeline.py [--runs R] [--workers W] [--rate 500] [--places 500]

Serves `miconsulado.wsgi` with granian as `bench/booking_race.py` does (its own PostgreSQL database,
`miconsulado_timeline`, dropped and re-created), warms the workers with a closed-loop race, then
offers R paced runs of 4 s, each on fresh places. For each run it prints the p99, when the places
sold out and how many bookings/s the machine completed until then, and where the two cores went per
successful booking during the sell-out: the app server (processes named granian), PostgreSQL (all
its processes: run it on a quiet machine), the load generator (this process), everything else,
idle, and waiting for the disk (iowait, from /proc/stat). The 100 ms bins of the CPU sampler and of
the answers start within a few milliseconds of each other. With `--bins` it also prints each 100 ms:
requests due, answers, 201s, the worst latency of the requests due then, and the CPU split.

It reads the same figures as booking_race's paced stage, but in time: whether the sell-out was slow
all along (CPU) or stopped for a while (the disk). First, `GET /healthz` closed loop and paced at
the same rate: the app server's CPU per request when its workers are always busy, and when each
request finds them idle (on this shared virtual machine, the second costs about twice as much).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from race.load import booking_requests, http_race, raw_request, run_clients
from race.procstats import all_ticks, machine
from race.report import percentile
from race.seed import PACED_RUNS_MAX, seed
from race.server import create_database, migrate, server_env, setup_django, start_server

BIN_SECONDS = 0.1
HZ = os.sysconf("SC_CLK_TCK")
# /proc/stat's fields for the whole machine, in clock ticks (user nice system idle iowait irq softirq steal)
MACHINE_FIELDS = {"idle": 3, "iowait": 4, "steal": 7}


def ticks() -> Counter[str]:
    """CPU ticks so far: per kind of process (app server, PostgreSQL, this load generator, others)
    and the machine's idle, iowait and steal."""
    with open("/proc/stat") as f:
        fields = f.readline().split()[1:]
    out: Counter[str] = Counter({name: int(fields[index]) for name, index in MACHINE_FIELDS.items()})
    me = os.getpid()
    for pid, (comm, used) in all_ticks().items():
        kind = (
            "load generator"
            if pid == me
            else {"granian": "app", "postgres": "PostgreSQL"}.get(comm, "others")
        )
        out[kind] += used
    return out


class Sampler(threading.Thread):
    """CPU ticks per 100 ms, in a thread of the load generator's process."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, Counter[str]]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        start, previous = time.perf_counter(), ticks()
        while not self.stopping.wait(BIN_SECONDS):
            current = ticks()
            self.samples.append((time.perf_counter() - start, current - previous))
            previous = current


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    p.add_argument("--rate", type=float, default=500)
    p.add_argument("--places", type=int, default=500)
    p.add_argument("--clients", type=int, default=100)
    p.add_argument("--bins", action="store_true", help="print every 100 ms of each sell-out")
    p.add_argument("--database", default="miconsulado_timeline")
    args = p.parse_args(argv)
    runs = max(1, min(args.runs, PACED_RUNS_MAX))

    env = server_env(create_database(args.database))
    migrate(env)
    setup_django(env)
    seeded = seed(args.places)
    server = start_server(env, server="granian", workers=args.workers, threads=1, worker_class="sync")
    print(
        f"{server.label}, {args.clients} clients, {args.rate:g} requests/s offered, {args.places} places; "
        f"Python {machine()['python']}"
    )
    try:
        for rate in (0.0, args.rate):
            # What one request costs the app server before any booking work: with every worker busy
            # (closed loop), and at the offered rate, where each request finds the workers idle.
            raws = [raw_request("GET", "/healthz", server.port)] * (int(rate * 5) if rate else 10_000)
            before = ticks()
            outcomes, elapsed = asyncio.run(
                run_clients(server.port, raws, clients=args.clients, seconds=5, rate=rate)
            )
            spent = ticks() - before
            print(
                f"GET /healthz {'paced at ' + format(rate, 'g') + '/s' if rate else 'closed loop'}: "
                f"{len(outcomes) / elapsed:.0f} requests/s, app CPU {spent['app'] * 1000 / HZ / len(outcomes):.2f} ms "
                "per request"
            )
        warm, _ = http_race(server, seeded.stages["http"], clients=args.clients, total=3000, seconds=20)
        print(f"warm-up (closed loop): {warm['rps']:.0f} requests/s")
        for k in range(1, runs + 1):
            stage = seeded.stages["paced" if k == 1 else f"paced-{k}"]
            raws = booking_requests(stage, server.port, int(args.rate * 4))
            sampler = Sampler()
            sampler.start()
            outcomes, _ = asyncio.run(
                run_clients(server.port, raws, clients=args.clients, seconds=4, rate=args.rate)
            )
            sampler.stopping.set()
            sampler.join()
            created = [o for o in outcomes if o.status == "201"]
            latencies = [o.latency for o in outcomes]
            if not created:
                print(f"run {k}: no booking succeeded: {Counter(o.status for o in outcomes)}")
                continue
            sold_out = max(o.at for o in created)
            during: Counter[str] = Counter()
            for at, delta in sampler.samples:
                if at <= sold_out + BIN_SECONDS / 2:
                    during.update(delta)
            per_booking = {kind: during[kind] * 1000 / HZ / len(created) for kind in during}
            split = ", ".join(
                f"{kind} {per_booking.get(kind, 0):.2f}"
                for kind in ("app", "PostgreSQL", "load generator", "others", "idle", "iowait", "steal")
            )
            print(
                f"run {k}: p99 {percentile(latencies, 99) * 1e3:.0f} ms, sold out {sold_out:.2f} s in, "
                f"{len(created) / sold_out:.0f} bookings/s; CPU ms per booking until then: {split}"
            )
            if args.bins:
                for b in range(int(sold_out / BIN_SECONDS) + 5):
                    lo, hi = b * BIN_SECONDS, (b + 1) * BIN_SECONDS
                    due = [o for o in outcomes if lo <= o.at - o.latency < hi]
                    done = [o for o in outcomes if lo <= o.at < hi]
                    cpu = next((delta for at, delta in sampler.samples if at >= hi), Counter())
                    print(
                        f"  {lo:4.1f} s  due {len(due):3d}  answered {len(done):3d}  "
                        f"201s {sum(o.status == '201' for o in done):3d}  "
                        f"worst of the due {max((o.latency for o in due), default=0) * 1e3:5.0f} ms  "
                        f"ticks: " + " ".join(f"{kind} {n}" for kind, n in cpu.most_common() if n)
                    )
    finally:
        server.stop()
    print(
        f"reproduce: .venv/bin/python bench/sellout_timeline.py --runs {runs} --workers {args.workers} "
        f"--rate {args.rate:g} --places {args.places}" + (" --bins" if args.bins else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
