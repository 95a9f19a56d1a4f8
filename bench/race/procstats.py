"""Process statistics from /proc: the machine's facts and speed, CPU ticks per process, the CPU
meter that splits a stage's CPU between the app, the load generator, PostgreSQL and everyone else,
and waiting until the machine is quiet."""

from __future__ import annotations

import contextlib
import math
import os
import platform
import sys
import time
from collections.abc import Callable

from race import PG_ADMIN, log


def machine() -> dict[str, str]:
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": str(os.cpu_count()),
        "ram": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "cpu": model or platform.processor(),
        # The interpreter's build matters as much as its version (docs/decisions/0006), and the
        # CPU-speed probe (python_speed) runs on it: name the binary the virtualenv points to.
        "python": f"{platform.python_version()} ({os.path.realpath(sys.executable)})",
        "os": platform.platform(terse=True),
    }


def python_speed() -> float:
    """Seconds CPython takes for sum(range(10**7)) here, now (best of five fifths). The machine is a
    shared virtual one whose speed swings by up to 2x from minute to minute: every stage reports it
    beside its figures, so that runs can be compared."""
    best = math.inf
    for _ in range(5):
        t0 = time.perf_counter()
        sum(range(2 * 10**6))
        best = min(best, time.perf_counter() - t0)
    return best * 5


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cpu_jiffies() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def process_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return int(parts[11]) + int(parts[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def all_ticks() -> dict[int, tuple[str, int]]:
    """{pid: (command name, utime + stime)} for every process on the machine."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    raw = f.read()
                name = raw[raw.index("(") + 1 : raw.rindex(")")]
                parts = raw.rsplit(")", 1)[1].split()
                out[int(entry)] = (name, int(parts[11]) + int(parts[12]))
            except (OSError, ValueError, IndexError):
                continue
    return out


def postgres_pids(database: str) -> tuple[set[int], set[int]]:
    """(ours, foreign): PostgreSQL processes serving the bench database or the server as a whole
    (WAL writer, checkpointer...), and backends serving other databases (other people's tests)."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid, datname FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
        ).fetchall()
    ours = {int(pid) for pid, name in rows if name is None or name == database}
    return ours, {int(pid) for pid, name in rows if name is not None and name != database}


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for child in children(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


class CpuMeter:
    """Machine CPU use over a stretch, split into this process (the load generator), the app
    (server or service processes) and the rest (PostgreSQL, and anything else on the machine)."""

    database = ""  # set once the bench database exists: its backends are ours, others' are not

    def __init__(self, app_pids: Callable[[], list[int]] | None = None) -> None:
        self.app_pids = app_pids
        self.tick = os.sysconf("SC_CLK_TCK")

    def _app(self) -> dict[int, int]:
        return {p: process_ticks(p) for p in (self.app_pids() if self.app_pids else [])}

    def __enter__(self) -> CpuMeter:
        self.speed0 = python_speed()
        self.t0 = time.perf_counter()
        self.machine0 = cpu_jiffies()
        self.self0 = os.times()
        self.app0 = self._app()
        self.all0 = all_ticks()
        return self

    def __exit__(self, *exc: object) -> None:
        wall = time.perf_counter() - self.t0
        busy1, total1 = cpu_jiffies()
        self1 = os.times()
        app1 = self._app()
        all1 = all_ticks()
        ours = {os.getpid(), *descendants(os.getpid()), *app1}
        pg, foreign = postgres_pids(self.database) if self.database else (set(), set())

        def delta(pid: int, name: str, ticks: int) -> int:
            # Processes that started meanwhile count whole; those that ended meanwhile are missed
            # (pgbench's backends, short-lived commands of other people): they end up unattributed.
            return ticks - self.all0.get(pid, (name, 0))[1]

        others = sum(
            delta(pid, name, ticks)
            for pid, (name, ticks) in all1.items()
            if pid not in ours and (name not in {"postgres", "pgbench"} or pid in foreign)
        )
        postgres = sum(delta(pid, name, ticks) for pid, (name, ticks) in all1.items() if pid in pg)
        self.others_cores = others / self.tick / wall
        self.postgres_cores = postgres / self.tick / wall
        ncpu = os.cpu_count() or 1
        total = max(1, total1 - self.machine0[1])
        self.machine_cores = (busy1 - self.machine0[0]) / total * ncpu
        own = (self1.user + self1.system) - (self.self0.user + self.self0.system)
        # Children reaped meanwhile (pgbench) count as load generator.
        own += (self1.children_user + self1.children_system) - (
            self.self0.children_user + self.self0.children_system
        )
        self.client_cores = own / wall
        self.server_cores = sum(t - self.app0.get(p, 0) for p, t in app1.items()) / self.tick / wall
        self.rest_cores = max(
            0.0,
            self.machine_cores
            - self.client_cores
            - self.server_cores
            - self.others_cores
            - self.postgres_cores,
        )
        self.speed = (self.speed0 + python_speed()) / 2

    def line(self) -> str:
        return (
            f"CPU (cores of {os.cpu_count()}): machine {self.machine_cores:.2f}, app "
            f"{self.server_cores:.2f}, load generator {self.client_cores:.2f}, PostgreSQL "
            f"{self.postgres_cores:.2f}, kernel/unattributed {self.rest_cores:.2f}, "
            f"other people's processes {self.others_cores:.2f}; "
            f"CPU speed: sum(range(10**7)) in {self.speed:.2f} s"
        )


def background_cores(seconds: float = 1.0) -> float:
    """CPU the rest of the machine uses while this benchmark waits: other work skews the figures."""
    with CpuMeter() as cpu:
        time.sleep(seconds)
    return cpu.machine_cores


QUIET_CORES = 0.15


def wait_quiet(limit: float) -> float:
    """Wait (at most `limit` seconds) until the machine is idle; returns the last background load."""
    deadline = time.monotonic() + limit
    load = background_cores()
    while load > QUIET_CORES and time.monotonic() < deadline:
        log(f"machine busy with other work ({load:.2f} cores); waiting")
        load = background_cores(2.0)
    return load
