"""WCAG 2.2 AA: every portal page passes axe-core in Chromium with no serious or critical violation,
at 360 px and at 1280 px, in Spanish and in English. One test per language and width visits every
page and lists all failures at once."""

import pytest
from playwright.sync_api import expect

PAGES = [
    "/",
    "/?q=texas",
    "/?q=zzzz",  # nothing found
    "/oficinas/montreal/",
    "/oficinas/montreal/passport-minor/",  # the rule about both parents
    "/oficinas/losangeles/passport-renewal/",
    "/oficinas/montreal/passport-minor/fecha/",
    "/oficinas/calexico/matricula/fecha/",  # no places: the other offices of the state, the waitlist
    "/oficinas/montreal/passport-minor/lista-de-espera/",
]


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("language", ["es", "en"])
def test_every_portal_page_passes_axe(open_page, axe_check, language, width):
    page = open_page("/", language=language, width=width)
    failures, lesser = [], {}
    for path in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        try:
            for v in axe_check(page):
                lesser.setdefault(v["id"], v["impact"])
        except AssertionError as exc:
            failures.append(str(exc))
    # Step 4's door, reached with a time from the calendar.
    page.goto("/oficinas/montreal/passport-minor/fecha/")
    page.locator("#times input[type=radio]").first.check()
    page.locator("#times button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Solicitantes" if language == "es" else "Applicants")
    try:
        axe_check(page)
    except AssertionError as exc:
        failures.append(str(exc))
    assert not failures, "\n\n".join(failures)
    if lesser:
        print(f"axe, moderate or minor ({language}, {width} px): {lesser}")
