"""The load generator: a light HTTP/1.1 client (asyncio streams, keep-alive when the server allows
it), clients sharing a list of raw requests closed loop or paced, and the HTTP stages (availability,
the floor, the booking race)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from race.procstats import CpuMeter, children
from race.report import percentile, success_rate
from race.seed import HORIZON_DAYS, OFFICE_CODE, PROCEDURE_CODE, Seed, Stage, booking_payload

if TYPE_CHECKING:
    from race.server import Server


class HttpConnection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port, limit=1 << 20)
        assert self.reader is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length: int | None = None
        close = chunked = False
        for line in head.split(b"\r\n")[1:]:
            key, _, value = line.partition(b":")
            key = key.strip().lower()
            if key == b"content-length":
                length = int(value)
            elif key == b"connection" and value.strip().lower() == b"close":
                close = True
            elif key == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if chunked:
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(p[:-2] for p in parts)
        elif length is not None:
            body = await self.reader.readexactly(length)
        else:
            body, close = await self.reader.read(), True
        if close:
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def raw_request(method: str, path: str, port: int, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept-Language: es\r\n"
    if method == "POST":
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


@dataclass
class Outcome:
    at: float  # seconds after the race started, when the response arrived
    latency: float
    status: str  # HTTP status, or "error: ..." when no response came
    code: str = ""


async def run_clients(
    port: int,
    raws: Sequence[bytes],
    *,
    clients: int,
    seconds: float,
    rate: float = 0.0,
    timeout: float = 30.0,
) -> tuple[list[Outcome], float]:
    """`clients` clients share `raws` in order until all are sent or `seconds` pass.

    Closed loop (rate 0): each client sends its next request as soon as it has an answer, so the
    server is saturated and latency is mostly queueing (Little: mean latency = clients / throughput).
    Paced (rate > 0): request i is due at i / rate seconds, and its latency counts from that moment,
    so a server that falls behind is charged for the wait (no coordinated omission)."""
    outcomes: list[Outcome] = []
    next_index = 0
    t_start = time.perf_counter()
    t_stop = t_start + seconds

    async def client() -> None:
        nonlocal next_index
        conn = HttpConnection(port)
        while next_index < len(raws) and time.perf_counter() < t_stop:
            index = next_index
            next_index += 1
            t0 = time.perf_counter()
            if rate:
                t0 = t_start + index / rate
                if t0 >= t_stop:
                    break
                await asyncio.sleep(max(0.0, t0 - time.perf_counter()))
            code = ""
            try:
                async with asyncio.timeout(timeout):
                    status, body = await conn.request(raws[index])
                label = str(status)
                if status == 201:
                    code = json.loads(body).get("code", "")
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
                label = f"error: {type(exc).__name__}"
                conn.close()
            t1 = time.perf_counter()
            outcomes.append(Outcome(at=t1 - t_start, latency=t1 - t0, status=label, code=code))
        conn.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return outcomes, time.perf_counter() - t_start


def booking_requests(stage: Stage, port: int, total: int) -> list[bytes]:
    """`total` raw `POST /api/v1/appointments`, each for a CURP of its own, round-robin over the
    stage's slots."""
    return [
        raw_request("POST", "/api/v1/appointments", port, json.dumps(booking_payload(stage, i)).encode())
        for i in range(total)
    ]


def http_race(
    server: Server, stage: Stage, *, clients: int, total: int, seconds: float, rate: float = 0.0
) -> tuple[dict[str, Any], list[str]]:
    raws = booking_requests(stage, server.port, total)
    with CpuMeter(lambda: [server.process.pid, *children(server.process.pid)]) as cpu:
        outcomes, elapsed = asyncio.run(
            run_clients(server.port, raws, clients=clients, seconds=seconds, rate=rate)
        )
    created = [o for o in outcomes if o.status == "201"]
    latencies = [o.latency for o in outcomes]
    by_status = Counter(o.status for o in outcomes)
    result = {
        "server": server.label,
        "clients": clients,
        "rate": rate,
        "requests": len(outcomes),
        "elapsed": elapsed,
        "rps": len(outcomes) / elapsed,
        "created": len(created),
        "created_per_s": success_rate(created, stage.capacity, elapsed),
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "max": max(latencies, default=float("nan")),
        "by_status": dict(sorted(by_status.items())),
        "latency_by_status": {
            status: {
                "p50": percentile([o.latency for o in outcomes if o.status == status], 50),
                "p99": percentile([o.latency for o in outcomes if o.status == status], 99),
            }
            for status in sorted(by_status)
        },
        "cpu": cpu.line(),
        "cpu_speed": cpu.speed,
        "others_cores": cpu.others_cores,
    }
    if created:
        # The two phases of a rush: the sell-out (bookings, and whatever queues behind them), then
        # refusals only. Requests due after the last 201 came back show the second phase alone.
        sold_out = max(o.at for o in created)
        after = [o.latency for o in outcomes if o.at - o.latency > sold_out]
        result["sold_out_at"] = sold_out
        result["after_sellout"] = {
            "requests": len(after),
            "p50": percentile(after, 50),
            "p99": percentile(after, 99),
        }
    return result, [o.code for o in created]


def http_floor(server: Server, *, clients: int, seconds: float) -> dict[str, Any]:
    """GET /healthz (one SELECT 1) under the same clients: what the server, Django's middleware and the
    load generator cost before any booking work."""
    raws = [raw_request("GET", "/healthz", server.port)] * 50_000
    with CpuMeter(lambda: [server.process.pid, *children(server.process.pid)]) as cpu:
        outcomes, elapsed = asyncio.run(run_clients(server.port, raws, clients=clients, seconds=seconds))
    latencies = [o.latency for o in outcomes]
    return {
        "requests": len(outcomes),
        "rps": len(outcomes) / elapsed,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "by_status": dict(Counter(o.status for o in outcomes)),
        "cpu": cpu.line(),
        "cpu_speed": cpu.speed,
        "others_cores": cpu.others_cores,
    }


def availability_path(seed: Seed) -> str:
    today = dt.datetime.now(ZoneInfo(seed.tz)).date()
    until = today + dt.timedelta(days=HORIZON_DAYS)
    return f"/api/v1/offices/{OFFICE_CODE}/availability?procedure={PROCEDURE_CODE}&from={today}&to={until}"


def availability_http(port: int, path: str, runs: int) -> dict[str, Any]:
    async def go() -> tuple[list[float], int, int]:
        conn = HttpConnection(port)
        raw = raw_request("GET", path, port)
        times: list[float] = []
        status = size = 0
        for _ in range(runs):
            t0 = time.perf_counter()
            status, body = await conn.request(raw)
            times.append(time.perf_counter() - t0)
            size = len(body)
        conn.close()
        return times, status, size

    times, status, size = asyncio.run(go())
    return {"status": status, "bytes": size, "median": statistics.median(times), "p99": percentile(times, 99)}
