"""Server control: the bench database (dropped, created, migrated), production-like settings, Django
in this process, and the app server (granian or gunicorn) started on a free port, checked (/healthz,
the API's schema) and warmed up."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from race import PG_ADMIN, ROOT
from race.load import raw_request, run_clients
from race.seed import OFFICE_CODE, PROCEDURE_CODE

BIN = ROOT / ".venv" / "bin"
PG_BASE = "postgres://postgres@127.0.0.1:5432/"


def create_database(name: str) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_BASE + name


def server_env(database_url: str) -> dict[str, str]:
    """Production-like settings: DEBUG off, a real secret, the bench database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MICONSULADO_")}
    env.update(
        DATABASE_URL=database_url,
        MICONSULADO_SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_SETTINGS_MODULE="miconsulado.settings",
        MICONSULADO_LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])),
    )
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [str(BIN / "miconsulado"), "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT
    )


def setup_django(env: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(port: int, path: str) -> tuple[int, Any]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Accept-Language": "es"})
        response = conn.getresponse()
        body = response.read()
        try:
            return response.status, json.loads(body)
        except ValueError:
            return response.status, body[:200]
    finally:
        conn.close()


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    label: str
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # our own session: the server and its workers
                self.process.wait(timeout=5)


def start_server(
    env: dict[str, str],
    *,
    server: str,
    workers: int,
    threads: int,
    worker_class: str,
    app: str = "miconsulado.wsgi",
) -> Server:
    port = free_port()
    log_path = Path(tempfile.gettempdir()) / f"booking_race_{server}_{port}.log"
    if server == "granian":
        # What `make run` and docs/deploy use: Rust HTTP in front, `threads` Python threads per worker.
        command = [
            str(BIN / "granian"),
            "--interface",
            "wsgi",
            f"{app}:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--backlog",
            "2048",
            "--workers-kill-timeout",
            "5",
            "--no-ws",
            "--log-level",
            "warning",
        ]
        label = f"granian wsgi x{workers} threads={threads}"
    else:
        command = [
            str(BIN / "gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--keep-alive",
            "5",
            "--error-logfile",
            str(log_path),
        ]
        label = f"gunicorn {worker_class} x{workers}" + (
            f" threads={threads}" if worker_class == "gthread" else ""
        )
    if app != "miconsulado.wsgi":
        label = f"{app} {label}"
    with open(log_path, "wb") as out:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(process=process, port=port, label=label, log_path=log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{server} exited ({process.returncode}); see {log_path}")
        with contextlib.suppress(OSError):
            status, _ = get_json(port, "/healthz")
            if status == 200:
                return server
        time.sleep(0.2)
    server.stop()
    raise SystemExit(f"{server} did not answer /healthz within 60 s; see {log_path}")


def warm_up(port: int, *, workers: int, threads: int) -> None:
    """Every worker (and thread) imports and builds its lazy state before the clock starts: an
    invalid booking (422) and an availability page, a few times each."""
    bad = json.dumps({"office": OFFICE_CODE, "procedure": PROCEDURE_CODE, "start": "x", "applicants": []})
    raws = [raw_request("POST", "/api/v1/appointments", port, bad.encode())] * (20 * workers * threads)
    asyncio.run(run_clients(port, raws, clients=min(50, 4 * workers * threads), seconds=30))
