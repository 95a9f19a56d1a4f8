#!/usr/bin/env python
"""Slow clients: do a dozen slow request bodies and slow headers stall the server?

Bounded in time, traffic only to 127.0.0.1:

    .venv/bin/python bench/slow_clients.py [--against prod,granian] [--port P] [--slow-bodies 12]
                                           [--slow-headers 12] [--seconds 12] [--check]
    .venv/bin/python bench/slow_clients.py --url http://127.0.0.1:8000   # a server already running

For each stack (started here on a free port, stopped at the end):

* `prod`: `make run-prod` (nginx in front of granian, the task worker and the scheduler);
* `granian`: granian alone, as `make run` starts it (WORKERS workers, one Python thread each), on
  the same database and production settings: the contrast, where the slow clients hold the threads.

Against each: first the `/healthz` floor (closed loop, 8 keep-alive clients, 3 s, nothing slow),
then S slow-body connections (`POST` with `Content-Length: 100000`, a few bytes, then silence) and
H slow-header connections (a request line and one header, then silence) are kept open (one the
server drops is opened again), and meanwhile a few clients send normal requests (`GET /healthz`, `GET /api/v1/offices`, a booking)
one after another, each with a 5 s timeout. Printed: how many were answered, their worst and p99
latency, and when the server dropped the slow connections. `--check` stops `prod` with SIGINT as
Ctrl-C does, requires every process of the stack to be gone, and fails (exit 1) unless every
normal request was answered within 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
VAR = ROOT / "var"
LOGS = VAR / "slow_clients"
OFFICE = "phoenix"
PROCEDURE = "matricula"
REQUEST_TIMEOUT = 5.0
CHECK_WORST = 2.0  # --check: every normal request answered within this many seconds


# --- The normal requests -------------------------------------------------------------------


def raw(method: str, path: str, host: str, body: bytes = b"", extra: str = "") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n{extra}"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


async def exchange(host: str, port: int, request: bytes, timeout: float) -> tuple[int, bytes]:
    """One request on a connection of its own: (status, body); raises on timeout or a closed socket."""

    async def go() -> tuple[int, bytes]:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            headers = {
                k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:] if ":" in x)
            }
            if "content-length" in headers:
                body = await reader.readexactly(int(headers["content-length"]))
            elif headers.get("transfer-encoding", "").lower() == "chunked":
                body = b""
                while True:
                    size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                    chunk = await reader.readexactly(size + 2)
                    if size == 0:
                        break
                    body += chunk[:-2]
            else:
                body = await reader.read()
            return status, body
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    return await asyncio.wait_for(go(), timeout)


# The names of the normal traffic's bookings and the letters booking.curp.curp_for takes from them
# (tests/test_bench_curps.py keeps them in step; written out for runs against older trees).
NAMES = {"given_names": "Ana", "first_surname": "López"}
LETTERS, CONSONANTS = "LOXA", "PXN"


def curp(index: int) -> tuple[str, dt.date]:
    """A valid CURP per index that agrees with NAMES, in a range of birth dates no other bench uses."""
    from miconsulado.booking import curp as curp_rules

    states = sorted(curp_rules.STATES)

    serial = index % 330
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=(index // 330) % 9000)
    body = f"{LETTERS}{birth:%y%m%d}M{states[serial % 33]}{CONSONANTS}{serial // 33}"
    return body + curp_rules.check_digit(body), birth


@dataclass
class Normal:
    """The normal traffic: what it asks, and what came back."""

    host: str
    port: int
    starts: list[str]
    run_id: int = field(default_factory=lambda: int(time.time()) % 100_000)
    sent: int = 0
    latencies: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)

    def request(self, n: int) -> tuple[str, bytes, set[int]]:
        hostport = f"{self.host}:{self.port}"
        kind = ("healthz", "offices", "booking")[n % 3]
        if kind == "healthz":
            return kind, raw("GET", "/healthz", hostport), {200}
        if kind == "offices":
            return kind, raw("GET", "/api/v1/offices", hostport), {200}
        person, birth = curp(self.run_id * 1000 + n)
        payload = {
            "office": OFFICE,
            "procedure": PROCEDURE,
            "start": self.starts[n % len(self.starts)],
            "applicants": [
                {
                    "curp": person,
                    **NAMES,
                    "birth_date": birth.isoformat(),
                    "email": f"lenta{n}@example.com",
                    "phone": "602 555 0147",
                }
            ],
        }
        # 201 booked, 409 full: either way the server answered the booking.
        return kind, raw("POST", "/api/v1/appointments", hostport, json.dumps(payload).encode()), {201, 409}

    async def client(self, first: int, step: int, until: float, pause: float) -> None:
        n = first
        while time.monotonic() < until:
            kind, request, expected = self.request(n)
            n += step
            self.sent += 1
            t0 = time.monotonic()
            try:
                status, _ = await exchange(self.host, self.port, request, REQUEST_TIMEOUT)
                outcome = f"{kind} {status}" if status in expected else f"{kind} unexpected {status}"
            except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
                outcome = f"{kind} {'timeout' if isinstance(exc, TimeoutError) else 'failed'}"
            self.latencies.append(time.monotonic() - t0)
            self.outcomes[outcome] += 1
            await asyncio.sleep(pause)

    @property
    def answered(self) -> int:
        return sum(c for o, c in self.outcomes.items() if o.split()[-1].isdigit() and "unexpected" not in o)


def bookable_starts(host: str, port: int) -> list[str]:
    path = f"/api/v1/offices/{OFFICE}/availability?procedure={PROCEDURE}"
    status, body = asyncio.run(exchange(host, port, raw("GET", path, f"{host}:{port}"), 30))
    if status != 200:
        raise SystemExit(f"GET {path}: {status} {body[:200]!r}")
    starts = [s["start"] for s in json.loads(body)["slots"] if s["remaining"] > 0][:50]
    if not starts:
        raise SystemExit(f"no free slot at {OFFICE} for {PROCEDURE}")
    return starts


# --- The slow clients ----------------------------------------------------------------------


@dataclass
class Slow:
    """One slow client: how many connections it opened, and after how long the server dropped each."""

    kind: str
    opened: int = 0
    dropped_after: list[float] = field(default_factory=list)


async def slow_client(host: str, port: int, kind: str, until: float) -> Slow:
    """Keeps one connection open until `until` that sends the start of a request, then nothing; when
    the server drops it, opens the next one, so that the slow connections stay as many throughout."""
    slow = Slow(kind)
    while time.monotonic() < until:
        opened = time.monotonic()
        reader, writer = await asyncio.open_connection(host, port)
        slow.opened += 1
        if kind == "body":
            writer.write(
                f"POST /api/v1/appointments HTTP/1.1\r\nHost: {host}:{port}\r\n"
                'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"of'.encode()
            )
        else:
            writer.write(f"GET /api/v1/offices HTTP/1.1\r\nHost: {host}:{port}\r\n".encode())
        try:
            await writer.drain()
            # Anything the server sends (a 408, the end of the stream, a reset) means it gave up on us.
            await asyncio.wait_for(reader.read(65536), max(0.0, until - time.monotonic()))
            slow.dropped_after.append(time.monotonic() - opened)
        except TimeoutError:
            pass  # still open at the end
        except OSError:
            slow.dropped_after.append(time.monotonic() - opened)
        writer.close()
    return slow


async def healthz_floor(host: str, port: int, seconds: float, clients: int = 8) -> float:
    """GET /healthz requests/s, closed loop, keep-alive clients."""
    request = raw("GET", "/healthz", f"{host}:{port}")
    done = 0
    until = time.monotonic() + seconds

    async def one() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.monotonic() < until:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                lines = [x.lower() for x in head.split(b"\r\n")]
                length = int(next(x for x in lines if x.startswith(b"content-length")).split(b":")[1])
                await reader.readexactly(length)
                done += 1
                if b"connection: close" in lines:
                    # nginx closes a keep-alive connection after keepalive_requests (1000) answers:
                    # on a fast machine one client reaches that within the floor's seconds.
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
        finally:
            writer.close()

    t0 = time.monotonic()
    await asyncio.gather(*(one() for _ in range(clients)))
    return done / (time.monotonic() - t0)


async def measure(host: str, port: int, args: argparse.Namespace, starts: list[str]) -> dict[str, Any]:
    floor = await healthz_floor(host, port, 3.0)
    normal = Normal(host, port, starts)
    until = time.monotonic() + 0.5 + args.seconds
    slow_tasks = [
        asyncio.create_task(slow_client(host, port, "body", until)) for _ in range(args.slow_bodies)
    ]
    slow_tasks += [
        asyncio.create_task(slow_client(host, port, "header", until)) for _ in range(args.slow_headers)
    ]
    await asyncio.sleep(0.5)  # the slow ones are in place before the normal traffic starts
    await asyncio.gather(*(normal.client(i, args.clients, until, 0.05) for i in range(args.clients)))
    slows = await asyncio.gather(*slow_tasks, return_exceptions=True)
    latencies = sorted(normal.latencies)
    dropped = [d for s in slows if isinstance(s, Slow) for d in s.dropped_after]
    return {
        "healthz_floor": floor,
        "sent": normal.sent,
        "answered": normal.answered,
        "outcomes": dict(sorted(normal.outcomes.items())),
        "p50": latencies[len(latencies) // 2] if latencies else float("nan"),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan"),
        "worst": latencies[-1] if latencies else float("nan"),
        "slow_opened": sum(s.opened for s in slows if isinstance(s, Slow)),
        "slow_failed": sum(not isinstance(s, Slow) for s in slows),
        "slow_dropped": len(dropped),
        "slow_dropped_after": (min(dropped), max(dropped)) if dropped else None,
    }


# --- Starting and stopping the stacks -----------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(port: int, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the stack exited ({process.returncode}) before it answered; see {log}")
        with contextlib.suppress(Exception):
            if (
                asyncio.run(exchange("127.0.0.1", port, raw("GET", "/healthz", f"127.0.0.1:{port}"), 2))[0]
                == 200
            ):
                return
        time.sleep(0.5)
    raise SystemExit(f"no answer from /healthz on port {port} within {seconds:.0f} s; see {log}")


def descendants(pid: int) -> set[int]:
    """`pid`'s processes, however deep (granian and nginx run in sessions of their own)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    left = set()
    for pid in pids:
        with contextlib.suppress(OSError):
            if (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                left.add(pid)
    return left


@contextlib.contextmanager
def prod_stack(port: int, workers: int) -> Any:
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / "prod.log"
    command = [
        "make",
        "--no-print-directory",
        "run-prod",
        "HOST=127.0.0.1",
        f"PORT={port}",
        f"WORKERS={workers}",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_healthy(port, process, log, 600)
        pids = descendants(process.pid)
        yield process, pids
    finally:
        if process.poll() is None:
            # What Ctrl-C does: SIGINT to the foreground process group (make and its shell).
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextlib.contextmanager
def granian_alone(port: int, workers: int) -> Any:
    """granian as `make run` starts it, on the database and settings `make run-prod` prepared."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / "granian.log"
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/miconsulado"),
        "MICONSULADO_SECRET_KEY": (VAR / "secret_key").read_text().strip(),
    }
    env.pop("MICONSULADO_DEBUG", None)
    command = [
        str(BIN / "granian"), "--interface", "wsgi", "miconsulado.wsgi:application", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers), "--blocking-threads", "1", "--no-ws",
        "--workers-kill-timeout", "5", "--log-level", "warning",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_healthy(port, process, log, 120)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- Report -----------------------------------------------------------------------------------


def report(label: str, r: dict[str, Any], args: argparse.Namespace) -> str:
    dropped = r["slow_dropped_after"]
    lines = [
        f"{label}",
        f"  /healthz floor (8 clients, 3 s, no slow clients): {r['healthz_floor']:.0f} requests/s",
        f"  slow clients, open all along: {args.slow_bodies} bodies (Content-Length: 100000, 4 bytes sent) + "
        f"{args.slow_headers} headers (no blank line), then silence; {r['slow_opened']} connections, "
        + (
            f"{r['slow_dropped']} dropped by the server after {dropped[0]:.1f}-{dropped[1]:.1f} s (and reopened)"
            if dropped
            else "none dropped by the server"
        )
        + (f"; {r['slow_failed']} slow clients failed to connect" if r["slow_failed"] else ""),
        f"  normal requests meanwhile ({args.clients} clients, {args.seconds:.0f} s): "
        f"{r['answered']}/{r['sent']} answered; latency p50 {r['p50'] * 1000:.1f} ms, "
        f"p99 {r['p99'] * 1000:.1f} ms, worst {r['worst'] * 1000:.1f} ms",
        "  " + ", ".join(f"{k}: {v}" for k, v in r["outcomes"].items()),
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--against", default="prod,granian", help="stacks to start: prod, granian (default both)"
    )
    parser.add_argument("--url", help="measure a server already running instead (http://127.0.0.1:PORT)")
    parser.add_argument(
        "--port", type=int, default=0, help="port for the stacks started here (default: a free one)"
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="granian workers (default nproc)"
    )
    parser.add_argument("--slow-bodies", type=int, default=12)
    parser.add_argument("--slow-headers", type=int, default=12)
    parser.add_argument("--clients", type=int, default=3, help="clients sending normal requests")
    parser.add_argument("--seconds", type=float, default=12.0, help="how long the normal traffic lasts")
    parser.add_argument("--check", action="store_true", help="prod only; exit 1 unless it was not stalled")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 60.0)
    stacks = ["prod"] if args.check else [s.strip() for s in args.against.split(",") if s.strip()]
    sys.path.insert(0, str(ROOT / "src"))
    print(
        f"reproduce: .venv/bin/python bench/{Path(__file__).name} {shlex.join(sys.argv[1:])}".rstrip(),
        flush=True,
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC   machine: {os.cpu_count()} CPU, load {load}",
        flush=True,
    )
    failures: list[str] = []

    if args.url:
        parts = urlsplit(args.url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("only servers on this machine (127.0.0.1)")
        r = asyncio.run(measure(host, port, args, bookable_starts(host, port)))
        print(report(f"{args.url}", r, args), flush=True)
        return 0

    for stack in stacks:
        port = args.port or free_port()
        if stack == "prod":
            with prod_stack(port, args.workers) as (process, pids):
                r = asyncio.run(measure("127.0.0.1", port, args, bookable_starts("127.0.0.1", port)))
            print(
                report(f"make run-prod: nginx -> granian x{args.workers}, port {port}", r, args), flush=True
            )
            left = alive(pids)
            print(f"  after SIGINT to make's process group: exit status {process.returncode}, "
                  f"{len(pids)} processes of the stack, {len(left)} left running", flush=True)  # fmt: skip
            # make itself dies of the SIGINT (as after any Ctrl-C); the recipe must have exited 0,
            # or make would have said so ("make: *** [...] Error" / "Terminated").
            said = [
                x
                for x in (LOGS / "prod.log").read_text(errors="replace").splitlines()
                if x.startswith("make: ***")
            ]
            if process.returncode not in (0, -signal.SIGINT) or said:
                failures.append(f"make run-prod on SIGINT: exit status {process.returncode} {said}")
            if left:
                failures.append(f"processes left running after SIGINT: {sorted(left)}")
            if r["answered"] != r["sent"] or r["worst"] > CHECK_WORST:
                failures.append(
                    f"normal requests: {r['answered']}/{r['sent']} answered, worst {r['worst']:.2f} s"
                )
        elif stack == "granian":
            with granian_alone(port, args.workers):
                r = asyncio.run(measure("127.0.0.1", port, args, bookable_starts("127.0.0.1", port)))
            print(
                report(f"granian alone (as make run) x{args.workers}, one thread each, port {port}", r, args),
                flush=True,
            )
        else:
            raise SystemExit(f"unknown stack {stack!r}")
    if args.check:
        for failure in failures:
            print(f"FAIL: {failure}", flush=True)
        print("check-prod: " + ("failed" if failures else "passed"), flush=True)
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
