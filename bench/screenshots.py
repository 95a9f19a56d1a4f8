"""Screenshots of each step of the portal at 360 px and 1280 px, into docs/screenshots/ (`make screenshots`).

A throwaway SQLite database in a temporary folder gets the demo data (one office without places, an
appointment with a cancel link, a waitlist offer); Django's live-server thread serves it and
Playwright drives Debian's Chromium (/usr/bin/chromium). Each picture is the page's top (at most
1,600 px tall), reduced to a 64-colour palette so that the PNGs stay small in the repository.

    .venv/bin/python bench/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
WIDTHS = {360: 740, 1280: 800}
MAX_HEIGHT = 1600


def prepare() -> dict[str, str]:
    """The database and the rows the pages need; the paths of the signed-link pages."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_demo_data", "--days", "14", stdout=StringIO())

    from django.utils import timezone

    from miconsulado.booking import services as booking
    from miconsulado.catalog.models import Procedure
    from miconsulado.core.channels import Channel
    from miconsulado.core.signed_links import sign_link
    from miconsulado.notifications.links import CANCEL, cancel_subject
    from miconsulado.scheduling.models import Slot
    from miconsulado.testing import applicant
    from miconsulado.waitlist import links
    from miconsulado.waitlist import services as waitlist

    Slot.objects.filter(office__code="calexico").delete()  # a calendar without places

    def free_slot(office: str, procedure: Procedure) -> Slot:
        slot = (
            Slot.objects.select_related("office")
            .filter(
                office__code=office,
                window__procedures=procedure,
                start__gte=timezone.now() + dt.timedelta(days=5),
                booked=0,
            )
            .order_by("start")
            .first()
        )
        assert slot is not None
        return slot

    renewal = Procedure.objects.get(code="passport-renewal")
    appointment = booking.book_appointment(
        slot=free_slot("sanantonio", renewal),
        procedure=renewal,
        applicants=[applicant()],
        channel=Channel.WEB,
    ).appointment
    token = sign_link(
        purpose=CANCEL,
        subject=cancel_subject(appointment.code, appointment.slot_id),
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    matricula = Procedure.objects.get(code="matricula")
    slot = free_slot("houston", matricula)
    waitlist.join(office=slot.office, procedure=matricula, applicant=applicant(), channel=Channel.WEB)
    (offer,) = waitlist.offer_freed_places(slot_id=slot.pk)
    return {"cancel": f"/cita/cancelar/{token}/", "offer": links.accept_path(offer)}


def shoot(base: str, links: dict[str, str], out: Path) -> list[Path]:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    # (file name, language, path): each step, then the pages behind the messages' links.
    pages = [
        ("1-offices", "es", "/"),
        ("1-search", "es", "/?q=nuevo+mexico"),
        ("2-procedures", "es", "/oficinas/montreal/"),
        ("2-procedure", "es", "/oficinas/montreal/passport-minor/"),
        ("3-calendar", "es", "/oficinas/montreal/passport-minor/fecha/"),
        ("3-calendar-en", "en", "/oficinas/montreal/passport-minor/fecha/"),
        ("3-no-places", "es", "/oficinas/calexico/matricula/fecha/"),
        ("link-cancel", "es", links["cancel"]),
        ("link-waitlist-offer", "es", links["offer"]),
    ]
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        for width, height in WIDTHS.items():
            for name, language, path in pages:
                context = browser.new_context(
                    base_url=base,
                    viewport={"width": width, "height": height},
                    locale={"es": "es-MX", "en": "en-US"}[language],
                )
                page = context.new_page()
                page.goto(path)
                full = page.evaluate("() => document.documentElement.scrollHeight")
                target = out / f"{name}-{width}.png"
                page.screenshot(
                    path=str(target),
                    full_page=True,
                    clip={"x": 0, "y": 0, "width": width, "height": min(full, MAX_HEIGHT)},
                )
                context.close()
                image = Image.open(target).convert("RGB")
                image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
                written.append(target)
        browser.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: `make chromium` installs it (as root)", file=sys.stderr)
        return 1
    started = time.monotonic()
    var = tempfile.mkdtemp(prefix="miconsulado-screenshots-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="miconsulado.settings",
        MICONSULADO_DEBUG="1",
        MICONSULADO_VAR_DIR=var,
        MICONSULADO_LOG_LEVEL="WARNING",
        # Playwright's sync API keeps an event loop in this thread; the ORM calls here are synchronous.
        DJANGO_ALLOW_ASYNC_UNSAFE="true",
    )
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT / "src"))
    links = prepare()

    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    server = LiveServerThread("127.0.0.1", static_handler=StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        written = shoot(f"http://127.0.0.1:{server.port}", links, args.out)
    finally:
        server.terminate()
    size = sum(p.stat().st_size for p in written)
    print(
        f"{len(written)} screenshots, {size / 1024:.0f} KB, in {args.out} ({time.monotonic() - started:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
