"""pgbench: the booking's SQL transaction alone (guarded UPDATE + three INSERTs), what PostgreSQL
itself can do on this machine."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import tempfile
from typing import Any

from race import PG_ADMIN
from race.procstats import CpuMeter
from race.seed import Seed

PGBENCH = "/usr/bin/pgbench"


def pg_connections_free() -> int:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        row = conn.execute(
            "SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity "
            "WHERE backend_type = 'client backend'"
        ).fetchone()
    return int(row[0]) if row else 0


PGBENCH_SCRIPT = """\
\\set slot :base + random(0, :nslots - 1)
BEGIN;
UPDATE scheduling_slot SET booked = booked + 1
 WHERE id = :slot AND booked + 1 <= capacity AND NOT conflict AND NOT withdrawn;
INSERT INTO booking_appointment
 (code, places, status, channel, request_fingerprint, idempotency_scope, created_at, confirmed_at,
  updated_at, office_id, procedure_id, slot_id)
 VALUES (upper(substr(md5(random()::text), 1, 12)), 1, 'confirmed', 'api', '', 'anonymous', now(),
  now(), now(),
  :office, :procedure, :slot)
 RETURNING id \\gset
INSERT INTO booking_applicant
 (curp, given_names, first_surname, second_surname, birth_date, sex, email, phone, position, active,
  procedure_id, appointment_id)
 VALUES ('PGB' || lpad(:id::text, 15, '0'), 'Juan', 'Pérez', 'López', '1985-04-12', 'H',
  'juan@example.com', '+12135550100', 0, true, :procedure, :id);
INSERT INTO booking_appointmentevent (at, channel, action, data, appointment_id)
 VALUES (now(), 'api', 'confirmed',
  jsonb_build_object('places', 1, 'curps', jsonb_build_array('PGB' || lpad(:id::text, 15, '0')),
                     'slot', :slot::bigint, 'office', 'losangeles', 'start', now()::text), :id);
COMMIT;
"""


def pgbench(database: str, seed: Seed, *, clients: int, seconds: int) -> dict[str, Any]:
    stage = seed.stages["pgbench"]
    ids = stage.slot_ids
    if ids != list(range(ids[0], ids[0] + len(ids))):
        raise SystemExit("pgbench slots are not contiguous ids")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(PGBENCH_SCRIPT)
        script = f.name
    command = [
        PGBENCH,
        "-h",
        "127.0.0.1",
        "-U",
        "postgres",
        "-n",
        "-M",
        "prepared",
        "-c",
        str(clients),
        "-j",
        str(min(clients, os.cpu_count() or 1)),
        "-T",
        str(seconds),
        "-f",
        script,
        "-D",
        f"base={ids[0]}",
        "-D",
        f"nslots={len(ids)}",
        "-D",
        f"office={seed.office_id}",
        "-D",
        f"procedure={seed.procedure_id}",
        database,
    ]
    with CpuMeter() as cpu:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, check=False)
    os.unlink(script)
    if done.returncode != 0:
        raise SystemExit(f"pgbench failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", done.stdout)
    txns = re.search(r"number of transactions actually processed: (\d+)", done.stdout)
    return {
        "clients": clients,
        "seconds": seconds,
        "tps": float(tps.group(1)) if tps else float("nan"),
        "latency_avg_ms": float(latency.group(1)) if latency else float("nan"),
        "transactions": int(txns.group(1)) if txns else 0,
        "cpu": cpu.line(),
        "cpu_speed": cpu.speed,
        "others_cores": cpu.others_cores,
        "command": " ".join(shlex.quote(c) for c in command[:-1])
        + f" {database}  # script: see PGBENCH_SCRIPT",
    }
