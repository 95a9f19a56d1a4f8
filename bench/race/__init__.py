"""The booking race's parts, shared by the scripts in bench/ (`booking_race.py`, `sellout_timeline.py`,
`booking_cost.py`, `booking_instructions.py`), which import them as `race.<module>` (bench/ is first on
sys.path when a script there runs):

- `procstats`: machine facts, CPU ticks per process from /proc, the CPU meter, waiting for quiet;
- `server`: the bench database (created, migrated), production-like settings, Django in this
  process, the app server (granian or gunicorn) started, checked and warmed up;
- `seed`: the office, its schedule and each stage's race slots; CURPs and booking payloads;
- `load`: the HTTP/1.1 client and the load generator (closed loop or paced), the HTTP stages;
- `service`: the stages without HTTP (availability query, SQL per booking, the service race);
- `pgbench`: the booking's SQL transaction alone, under pgbench;
- `verify`: reading the stage's places back from the database;
- `report`: percentiles and the summary, and the generated block of docs/performance.md.

The app (`miconsulado`) is imported inside the functions that need it, after Django is set up.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
