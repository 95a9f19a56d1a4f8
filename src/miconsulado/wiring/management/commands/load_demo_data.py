"""Demo data for `make run`: the catalog, plausible schedules for every office, slots for the next
weeks and (in development only) one user per role.

Safe to run on every start: what exists is left as it is (an office whose hours were edited in the
admin keeps them), only what is missing is created, and slot generation is itself idempotent.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from miconsulado.accounts.models import Role, User
from miconsulado.callcenter.services import ensure_line_defaults
from miconsulado.catalog.errors import CatalogDataError
from miconsulado.catalog.localtime import office_today
from miconsulado.catalog.models import Office, Procedure
from miconsulado.catalog.services import load_catalog
from miconsulado.scheduling.models import (
    ExtraSession,
    OfficeSchedule,
    OpeningHours,
    ServiceWindow,
    Weekday,
)
from miconsulado.scheduling.services import generate_all_slots

# Office size drives desks and hours; the rest are small offices.
LARGE = frozenset(
    {
        "losangeles",
        "chicago",
        "houston",
        "dallas",
        "nuevayork",
        "sanbernardino",
        "santaana",
        "sanantonio",
        "phoenix",
        "sanjose",
    }
)
MEDIUM = frozenset(
    {
        "sandiego",
        "sacramento",
        "sanfrancisco",
        "denver",
        "atlanta",
        "elpaso",
        "fresno",
        "austin",
        "mcallen",
        "laredo",
        "lasvegas",
        "seattle",
        "raleigh",
        "miami",
        "oxnard",
        "portland",
        "saltlakecity",
        "washington",
        "toronto",
        "montreal",
        "vancouver",
    }
)
# A few big offices open one extra Saturday in the coming weeks.
EXTRA_SATURDAY = ("losangeles", "chicago", "houston", "dallas", "nuevayork")


@dataclass(frozen=True)
class WindowSpec:
    code: str
    name_es: str
    name_en: str
    procedures: tuple[str, ...]
    desks: dict[str, int]  # by office size


WINDOWS = (
    WindowSpec(
        "pasaportes",
        "Pasaportes",
        "Passports",
        ("passport-first", "passport-renewal", "passport-minor"),
        {"large": 6, "medium": 4, "small": 3},
    ),
    WindowSpec(
        "matricula",
        "Matrícula y credencial para votar",
        "Consular ID and voter ID",
        ("matricula", "voter-id"),
        {"large": 4, "medium": 3, "small": 2},
    ),
    WindowSpec(
        "registro-civil",
        "Registro civil",
        "Civil registry",
        ("birth-registration", "civil-record-copy", "nationality-declaration"),
        {"large": 2, "medium": 2, "small": 1},
    ),
    WindowSpec(
        "notaria",
        "Notaría y visas",
        "Notarial acts and visas",
        ("notarial", "visa"),
        {"large": 2, "medium": 1, "small": 1},
    ),
)
MORNING = (dt.time(8, 0), dt.time(14, 0))
AFTERNOON = (dt.time(15, 0), dt.time(17, 0))
SATURDAY = (dt.time(9, 0), dt.time(13, 0))
WEEKDAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)

DEMO_USERS = (
    # username, role, superuser, staff (admin access), offices
    ("admin", Role.ADMIN, True, True, ()),
    ("agente", Role.AGENT, False, False, ()),
    ("consul.la", Role.CONSULAR_STAFF, False, True, ("losangeles",)),
    ("supervisor", Role.SUPERVISOR, False, True, ()),
)


def size_of(office: Office) -> str:
    if office.code in LARGE:
        return "large"
    if office.code in MEDIUM:
        return "medium"
    return "small"


class Command(BaseCommand):
    help = (
        "Load the catalog, demo schedules for every office, slots for the next days and, with "
        "MICONSULADO_DEBUG on, demo users. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=60, help="Days of slots to generate.")
        parser.add_argument("--no-slots", action="store_true", help="Skip slot generation.")
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the demo users new passwords and print them (development only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        days: int = options["days"]
        if days < 0:
            raise CommandError("--days must not be negative.")
        try:
            report = load_catalog()
        except CatalogDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Catalog: {report}")

        created = self.schedules()
        self.stdout.write(f"Schedules: set up {created} office(s) that had none.")

        if not options["no_slots"]:
            reports = generate_all_slots(days=days)
            self.stdout.write(
                f"Slots: {sum(r.created for r in reports)} created, {sum(r.updated for r in reports)} updated, {sum(r.deleted + r.withdrawn for r in reports)} removed, {sum(len(r.conflicts) for r in reports)} in conflict ({len(reports)} offices, {days} days)."
            )

        line = ensure_line_defaults()
        self.stdout.write(f"Phone line: {len(line)} number(s)/setting(s) created (admin: Phone line).")
        if settings.DEBUG and settings.TWILIO_AUTH_TOKEN == settings.DEMO_TWILIO_AUTH_TOKEN:
            self.stdout.write(
                f"Phone line: TWILIO_AUTH_TOKEN is unset; voice webhooks are signed with the demo token "
                f"{settings.DEMO_TWILIO_AUTH_TOKEN!r} (development only)."
            )

        if settings.DEBUG:
            self.users(reset=options["reset_passwords"])
        else:
            self.stdout.write("Demo users: skipped (MICONSULADO_DEBUG is off).")
        self.stdout.write(f"Demo data ready in {time.monotonic() - started:.1f} s.")

    def schedules(self) -> int:
        procedures = {p.code: p for p in Procedure.objects.all()}
        today = timezone.now()
        set_up = 0
        offices = Office.objects.filter(active=True).order_by("code")
        with_schedule = set(OfficeSchedule.objects.values_list("office_id", flat=True))
        with_hours = set(OpeningHours.objects.values_list("office_id", flat=True))
        with_windows = set(ServiceWindow.objects.values_list("office_id", flat=True))
        upcoming = set(
            ExtraSession.objects.filter(date__gte=today.date()).values_list("office_id", flat=True)
        )
        for office in offices:
            size = size_of(office)
            with transaction.atomic():
                touched = False
                if office.pk not in with_schedule:
                    OfficeSchedule.objects.create(
                        office=office,
                        slot_minutes=20,
                        horizon_days=90,
                        min_lead_minutes=120,
                        cancellation_cutoff_hours=24,
                    )
                    touched = True
                # Each part only when the office has none of it, so admin edits survive re-runs.
                if office.pk not in with_hours:
                    ranges = [MORNING, AFTERNOON] if size == "large" else [MORNING]
                    OpeningHours.objects.bulk_create(
                        OpeningHours(office=office, weekday=day, opens=opens, closes=closes)
                        for day in WEEKDAYS
                        for opens, closes in ranges
                    )
                    touched = True
                if office.pk not in with_windows:
                    for spec in WINDOWS:
                        window = ServiceWindow.objects.create(
                            office=office,
                            code=spec.code,
                            name_es=spec.name_es,
                            name_en=spec.name_en,
                            desks=spec.desks[size],
                        )
                        window.procedures.set([procedures[c] for c in spec.procedures if c in procedures])
                    touched = True
                if office.code in EXTRA_SATURDAY and office.pk not in upcoming:
                    ExtraSession.objects.create(
                        office=office,
                        date=self.saturday_after_next(office, today),
                        starts=SATURDAY[0],
                        ends=SATURDAY[1],
                        reason="Sábado extra (demo)",
                    )
                    touched = True
                set_up += touched
        return set_up

    @staticmethod
    def saturday_after_next(office: Office, now: dt.datetime) -> dt.date:
        """The Saturday of next week, local to the office: inside the slot range, not tomorrow."""
        day = office_today(office, now) + dt.timedelta(days=7)
        return day + dt.timedelta(days=(Weekday.SATURDAY - day.weekday()) % 7)

    def users(self, *, reset: bool) -> None:
        offices = {o.code: o for o in Office.objects.all()}
        lines = []
        for username, role, superuser, staff, office_codes in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            password = None
            if user is None:
                user = User(
                    username=username,
                    role=role,
                    is_superuser=superuser,
                    is_staff=staff,
                    email=f"{username.replace('.', '-')}@example.org",
                )
                password = secrets.token_urlsafe(9)
                user.set_password(password)
                user.save()
                user.offices.set([offices[c] for c in office_codes if c in offices])
            elif reset:
                password = secrets.token_urlsafe(9)
                user.set_password(password)
                user.save(update_fields=["password"])
            if password is not None:
                lines.append(f"  {username:<11} {role.label!s:<32} password: {password}")
        if lines:
            self.stdout.write("Demo users (development only; these passwords are shown once):")
            for line in lines:
                self.stdout.write(line)
        else:
            self.stdout.write("Demo users: already there (new passwords: load_demo_data --reset-passwords).")
