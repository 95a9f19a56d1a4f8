"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against a live server that
serves the demo data (59 offices, two weeks of slots) from the suite's own test database.

- Every test here carries the `browser` marker (`pytest -m "not browser"` leaves them out).
- Without Chromium (or Playwright) they are skipped with the reason, and the run's summary says so;
  under CI=true that is a failure instead. `make test` installs Debian's chromium package first when
  it may (tests/browser/install-chromium.sh).
- The server is Django's live-server thread (pytest-django's helper, which shares an in-memory
  SQLite connection with it), started once for this folder; the demo data is loaded once into the
  test database (MICONSULADO_TEST_DB names it, on SQLite or PostgreSQL as for every other test)
  and flushed when the folder's tests are done, as pytest-django does after a transactional test.
- `axe_check(page)` runs the vendored axe-core (support/axe-core) in the page and fails on serious
  or critical violations with a readable list.
"""

from __future__ import annotations

import hashlib
import os
import threading
import urllib.request
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
AXE = HERE / "support" / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
# A phone (the narrowest width WCAG's reflow asks for, 320, is narrower still; the issue names 360)
# and a desktop.
WIDTHS = {360: 740, 1280: 900}
# The WCAG 2.x A and AA rules (2.2 included) and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING_IMPACTS = ("serious", "critical")
NO_PLACES_OFFICE = "calexico"


def _configured_database_name() -> str:
    """The database the settings name before any test database is set up (collection time): once
    one is set up, the connection names it instead. Asking Django for "the test database's name"
    after set-up prefixes test_ once more, so it cannot tell whether set-up happened."""
    from django.db import connection

    return str(connection.settings_dict["NAME"])


CONFIGURED_DATABASE = _configured_database_name()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _unavailable() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return (
            f"{CHROMIUM} is missing: install Debian's chromium package (`make test` does, as root or "
            "with passwordless sudo; else `sudo apt-get install chromium`)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:  # pragma: no cover - a dev dependency
        return f"Playwright is not installed ({exc}): run `make install`"
    return None


_skipped: list[str] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Said at the end of every run, even with -q: skipped browser tests are never silent."""
    if _skipped:
        terminalreporter.write_line(f"browser tests SKIPPED: {_skipped[0]}", yellow=True, bold=True)


@pytest.fixture(scope="session")
def browser_available() -> None:
    """Skips (or, under CI=true, fails) at once when the browser tests cannot run here."""
    reason = _unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and the browser tests cannot run: {reason}", pytrace=False)
        _skipped.append(reason)
        pytest.skip(reason)


@pytest.fixture(scope="package")
def site(browser_available: None, django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The live server's base URL, the demo data in its database."""
    from django.db import DEFAULT_DB_ALIAS, connection, connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.live_server_helper import LiveServer

    from miconsulado.scheduling.models import Slot

    # Playwright's sync API keeps an event loop in this thread, and Django refuses ORM calls from a
    # thread with a running loop; the tests' own ORM calls (making links) are synchronous.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with django_db_blocker.unblock():
        # pytest-django sets up only the databases that the run's tests mark as used, and these tests
        # use the live server's, not the `db` fixture: alone (`pytest tests/browser`), this folder sets
        # the test database up itself, never touching the real one.
        created = None
        if connection.settings_dict["NAME"] == CONFIGURED_DATABASE:
            created = setup_databases(verbosity=0, interactive=False, aliases={DEFAULT_DB_ALIAS})
        assert connection.settings_dict["NAME"] != CONFIGURED_DATABASE  # never the real database
        call_command("load_demo_data", "--days", "14", stdout=StringIO())
        # One office without places: its calendar shows the state's other offices and the waitlist.
        Slot.objects.filter(office__code=NO_PLACES_OFFICE).delete()
        cache.clear()
        server = LiveServer("127.0.0.1:0")
        server._live_server_modified_settings.enable()
        try:
            # The first requests fill the caches (the office list's next free dates, the calendar's
            # times): made here, so that a test's few-second waits measure the page, not a cold start.
            for path in ("/", "/oficinas/montreal/passport-minor/fecha/"):
                with urllib.request.urlopen(server.url + path, timeout=60) as response:  # noqa: S310
                    response.read()
            yield server.url
        finally:
            server.stop()
            # Request threads of connections the browser kept alive hold database connections
            # (PostgreSQL would refuse to drop the test database): the browser is closed by now
            # (`chromium` depends on this fixture), so they end; wait for them.
            for thread in threading.enumerate():
                if "process_request_thread" in thread.name:
                    thread.join(timeout=5)
            server._live_server_modified_settings.disable()
            call_command("flush", interactive=False, verbosity=0)
            cache.clear()
            if created is not None:
                connections.close_all()
                teardown_databases(created, verbosity=0)
            if before is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="package")
def chromium(site: str) -> Iterator[Any]:
    """Debian's Chromium under Playwright; closed before the server stops (see `site`)."""
    from playwright.sync_api import expect, sync_playwright

    # A host busy with other work answers slower than a laptop: generous waits, never sleeps.
    expect.set_options(timeout=10_000)
    playwright = sync_playwright().start()
    # Playwright's own browser download cannot work here: Debian's build, by its path.
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(autouse=True)
def _close_test_connections() -> Iterator[None]:
    """A test's own ORM calls (making links) run while Playwright's event loop runs in this thread,
    so Django keeps their connection in that context's storage, which the suite's final close_all
    does not see: closed here, else PostgreSQL refuses to drop the test database ("being accessed
    by other users")."""
    yield
    from django.db import connections

    connections.close_all()


OpenPage = Callable[..., Any]


@pytest.fixture
def open_page(chromium: Any, site: str) -> Iterator[OpenPage]:
    """open_page(path, language="es", width=1280) -> a Playwright Page at `path`, in a fresh context
    (no cookies) whose Accept-Language is the language, as on a citizen's first visit. Any console
    error (a script that failed, a CSP refusal) fails the test."""
    contexts: list[Any] = []
    errors: list[str] = []

    def open_(path: str, *, language: str = "es", width: int = 1280) -> Any:
        context = chromium.new_context(
            base_url=site,
            viewport={"width": width, "height": WIDTHS.get(width, 900)},
            locale={"es": "es-MX", "en": "en-US"}[language],
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path)
        return page

    yield open_
    for context in contexts:
        context.close()
    # 4xx pages (an expired link's 410) log "Failed to load resource": expected, not a defect.
    real = [e for e in errors if "status of 4" not in e]
    assert not real, f"console errors: {real}"


_axe_source: str | None = None


def _axe() -> str:
    global _axe_source
    if _axe_source is None:
        data = AXE.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        assert digest == AXE_SHA256, f"{AXE} is not the vendored axe-core (sha256 {digest}); see its README"
        _axe_source = data.decode()
    return _axe_source


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations of the WCAG 2.2 A/AA rules and best practices on the page as it is."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # A function body compiled by the debugger protocol, not an inline <script>: the page's
        # Content-Security-Policy stays as it is in production.
        page.evaluate("() => {\n" + _axe() + "\n}")
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                                    resultTypes: ["violations"]});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160),
                                          why: n.failureSummary}))}));
        }""",
        AXE_TAGS,
    )


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}  {node['html']}")
            lines.append("      " + " ".join((node["why"] or "").split()))
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.fixture
def axe_check() -> Callable[[Any], list[dict[str, Any]]]:
    """axe_check(page): fails on serious or critical violations, listing each with its elements;
    returns the lesser ones (moderate, minor), which are reported but do not fail."""

    def check(page: Any) -> list[dict[str, Any]]:
        # Template syntax that reached the page (a multi-line {# #}, an unclosed tag) is no a11y rule.
        text = page.locator("body").inner_text()
        assert "{#" not in text and "{%" not in text and "{{" not in text, f"template syntax on {page.url}"
        violations = axe_violations(page)
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        assert not failing, f"axe-core on {page.url} (width {page.viewport_size['width']}):\n" + describe(
            failing
        )
        return [v for v in violations if v["impact"] not in FAILING_IMPACTS]

    return check


def _focus_is_visible(page: Any) -> bool:
    """The focused element draws a focus indicator (an outline or a box-shadow)."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return false;
            const s = getComputedStyle(el);
            return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
        }"""
    )


def _tab_to(page: Any, matches: str, *, limit: int = 80, backwards: bool = False) -> None:
    """Press Tab (Shift+Tab) until the focused element matches the JS predicate `matches` (an
    expression over `el`), checking at each stop that the focus is visible."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        assert _focus_is_visible(page), "focus not visible on " + page.evaluate(
            "() => document.activeElement.outerHTML.slice(0, 200)"
        )
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({matches}); }}"):
            return
    raise AssertionError(f"{limit} presses of {key} never reached {matches}")


@pytest.fixture
def tab_to() -> Callable[..., None]:
    return _tab_to


@pytest.fixture
def focus_is_visible() -> Callable[[Any], bool]:
    return _focus_is_visible
