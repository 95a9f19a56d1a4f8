"""Server time of the portal's pages on the demo data, in one process.

    .venv/bin/python bench/portal.py [--requests N] [--check]

Each page through Django's WSGI handler (Django's test client: no HTTP server, no network), with
production settings (DEBUG off, availability cache as configured), against its own SQLite file in
var/bench-portal/ — or DATABASE_URL's database, which must be a scratch one: it is migrated and the
demo data loaded into it. After a warm-up, N requests per page in turn; prints p50, p95 and the
largest time per page. --check exits 1 when a page's p95 is 50 ms or more (the portal's aim).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AIM_MS = 50.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("MICONSULADO_VAR_DIR", str(ROOT / "var" / "bench-portal"))
    os.environ.setdefault("MICONSULADO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["MICONSULADO_DEBUG"] = "0"
    os.environ.setdefault("MICONSULADO_SECURE_COOKIES", "0")
    os.environ.setdefault("MICONSULADO_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "miconsulado.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    quiet = io.StringIO()
    call_command("migrate", interactive=False, verbosity=0, stdout=quiet)
    call_command("load_demo_data", stdout=quiet)
    call_command("collectstatic", interactive=False, verbosity=0, stdout=quiet)

    day = (timezone.now() + dt.timedelta(days=7)).date()
    month = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    pages = [
        ("es", "/"),
        ("en", "/"),
        ("es", "/?q=nuevo+mexico"),
        ("es", "/?q=texas"),
        ("es", "/oficinas/losangeles/"),
        ("es", "/oficinas/losangeles/passport-minor/"),
        ("en", "/oficinas/losangeles/passport-minor/"),
        ("es", "/oficinas/losangeles/matricula/fecha/"),
        ("es", f"/oficinas/losangeles/matricula/fecha/?day={day:%Y-%m-%d}"),
        ("en", f"/oficinas/losangeles/matricula/fecha/?month={month:%Y-%m}"),
    ]
    clients = {lang: Client(HTTP_ACCEPT_LANGUAGE=lang) for lang in ("es", "en")}
    for lang, url in pages * 5:  # warm-up: snapshots, templates, caches
        assert clients[lang].get(url).status_code == 200, url
    times: dict[tuple[str, str], list[float]] = {page: [] for page in pages}
    for _ in range(args.requests):
        for lang, url in pages:
            started = time.perf_counter()
            answer = clients[lang].get(url)
            times[(lang, url)].append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, url
    worst = 0.0
    print(f"{'page':<62} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    for (lang, url), values in times.items():
        values.sort()
        p95 = values[int(len(values) * 0.95) - 1]
        worst = max(worst, p95)
        print(f"{lang} {url:<59} {statistics.median(values):7.1f} {p95:7.1f} {values[-1]:7.1f}")
    print(f"worst p95: {worst:.1f} ms (aim: under {AIM_MS:.0f} ms)")
    return 1 if args.check and worst >= AIM_MS else 0


if __name__ == "__main__":
    sys.exit(main())
