"""The stages without HTTP, through the app in this process or in spawned ones: the availability
query, the SQL statements of one booking, and the service race (`book_appointment` in W processes)."""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from race.procstats import CpuMeter, children
from race.report import percentile, success_rate
from race.seed import HORIZON_DAYS, Seed, Stage, booking_payload
from race.server import setup_django


def availability_in_process(seed: Seed, runs: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from miconsulado.catalog.models import Office, Procedure
    from miconsulado.scheduling.selectors import available_slots

    office = Office.objects.get(pk=seed.office_id)
    procedure = Procedure.objects.get(pk=seed.procedure_id)
    today = dt.datetime.now(ZoneInfo(seed.tz)).date()
    until = today + dt.timedelta(days=HORIZON_DAYS)

    def query() -> list[Any]:
        return available_slots(office=office, procedure=procedure, date_from=today, date_to=until)

    def timed(fn: Callable[[], list[Any]]) -> dict[str, Any]:
        with CaptureQueriesContext(connection) as captured:
            rows = len(fn())
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return {
            "rows": rows,
            "queries": len(captured),
            "median": statistics.median(times),
            "p99": percentile(times, 99),
        }

    result = timed(query)
    # The lean variant the API serves, where there is one.
    from miconsulado.scheduling import selectors

    lean = getattr(selectors, "open_slots", None)
    if lean is not None:
        result["open_slots"] = timed(
            lambda: lean(office=office, procedure=procedure, date_from=today, date_to=until)
        )
    # What an HTTP request costs when the answer is not cached: query plus JSON, without HTTP.
    from miconsulado.scheduling import api as availability_api

    answer = getattr(availability_api, "_availability_json", None)
    if answer is not None:
        now = dt.datetime.now(dt.UTC)
        result["answer"] = timed(lambda: [answer(office, procedure, today, until, now)])
    return result


def queries_per_booking(seed: Seed) -> dict[str, Any]:
    """SQL statements one booking sends (the API's path: lookups, then the service), counted on a
    probe slot; and for a booking refused because the slot is full."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from miconsulado.booking.errors import SlotFull
    from miconsulado.scheduling.models import Slot

    stage = seed.stages["probe"]
    book = _service_booker()
    book(booking_payload(stage, 0))  # as a running worker: what it keeps in memory is loaded
    with CaptureQueriesContext(connection) as ok:
        book(booking_payload(stage, 1))
    Slot.objects.filter(pk__in=stage.slot_ids).update(booked=0, capacity=0)
    with CaptureQueriesContext(connection) as full, contextlib.suppress(SlotFull):
        book(booking_payload(stage, 2))
    return {
        "created": len(ok),
        "full": len(full),
        "created_sql": [q["sql"][:110] for q in ok.captured_queries],
    }


def _service_booker() -> Callable[[dict[str, Any]], Any]:
    """What the API handler does for a POST, minus HTTP, auth and JSON: one call to
    booking.requests, which finds office, procedure and slot and calls the service."""
    from miconsulado.accounts.callers import Caller
    from miconsulado.booking import requests
    from miconsulado.booking.applicants import ApplicantData

    citizen = Caller(None)

    def book(payload: dict[str, Any]) -> Any:
        applicants = [
            ApplicantData(**{**a, "birth_date": dt.date.fromisoformat(a["birth_date"])})
            for a in payload["applicants"]
        ]
        return requests.book(
            caller=citizen,
            office=payload["office"],
            procedure=payload["procedure"],
            start=dt.datetime.fromisoformat(payload["start"]),
            applicants=applicants,
        ).appointment

    return book


# The service race runs in W spawned processes (one DB connection each, like W sync workers).
_shared: dict[str, Any] = {}


def _service_init(counter: Any, barrier: Any, ready: Any, env: dict[str, str]) -> None:
    _shared.update(counter=counter, barrier=barrier)
    setup_django(env)
    from django.db import connection

    connection.ensure_connection()
    _service_booker()  # imports done before the clock starts
    with ready.get_lock():
        ready.value += 1


def _service_worker(args: tuple[Stage, int, float]) -> list[tuple[float, float, str]]:

    from miconsulado.core.errors import DomainError

    stage, total, seconds = args
    book = _service_booker()
    counter, barrier = _shared["counter"], _shared["barrier"]
    barrier.wait(timeout=120)
    t_start = time.perf_counter()
    out: list[tuple[float, float, str]] = []
    while time.perf_counter() - t_start < seconds:
        with counter.get_lock():
            index = counter.value
            counter.value += 1
        if index >= total:
            break
        t0 = time.perf_counter()
        try:
            book(booking_payload(stage, index))
            label = "created"
        except DomainError as exc:
            label = type(exc).__name__
        t1 = time.perf_counter()
        out.append((t1 - t_start, t1 - t0, label))
    # The connection stays open until the pool ends, after the CPU meter has read its backend.
    return out


def service_race(
    env: dict[str, str], stage: Stage, *, processes: int, total: int, seconds: float
) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    counter = ctx.Value("q", 0)
    barrier = ctx.Barrier(processes)
    ready = ctx.Value("i", 0)
    pool = ctx.Pool(processes, initializer=_service_init, initargs=(counter, barrier, ready, env))
    deadline = time.monotonic() + 120
    while ready.value < processes and time.monotonic() < deadline:
        time.sleep(0.05)
    with pool, CpuMeter(lambda: children(os.getpid())) as cpu:
        parts = pool.map(_service_worker, [(stage, total, seconds)] * processes)
    rows = [r for part in parts for r in part]
    elapsed = max((r[0] for r in rows), default=float("nan"))
    created = [r for r in rows if r[2] == "created"]
    latencies = [r[1] for r in rows]
    return {
        "processes": processes,
        "requests": len(rows),
        "elapsed": elapsed,
        "rps": len(rows) / elapsed if rows else 0.0,
        "created": len(created),
        "created_per_s": success_rate(created, stage.capacity, elapsed),
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "by_status": dict(Counter(r[2] for r in rows)),
        "cpu": cpu.line(),
        "cpu_speed": cpu.speed,
        "others_cores": cpu.others_cores,
    }
