"""htmx where it is loaded: the calendar's month changes in place and the focus stays on the month
link that was pressed; the office list follows the search as one types (and keeps the typed text)."""

import re

from playwright.sync_api import expect


def test_month_navigation_swaps_the_calendar_and_keeps_the_focus(open_page, tab_to, focus_is_visible):
    page = open_page("/oficinas/montreal/passport-minor/fecha/", width=360)
    page.evaluate("() => { window.sameDocument = true; }")
    first_month = page.locator("table.month caption").inner_text()
    tab_to(page, "el.id === 'month-next'")
    page.keyboard.press("Enter")
    expect(page.locator("table.month caption")).not_to_have_text(first_month)
    expect(page).to_have_url(re.compile(r"\?month=\d{4}-\d{2}"))
    assert page.evaluate("() => window.sameDocument === true"), "the page was loaded again"
    # Focus: back on a month link (the same id, restored by htmx), not lost to the page's top.
    expect(page.locator("#month-previous")).to_be_attached()
    focused = page.evaluate("() => document.activeElement.id")
    assert focused in ("month-next", "month-previous"), f"focus went to {focused!r}"
    # And back again.
    tab_to(page, "el.id === 'month-previous'", backwards=focused == "month-next")
    page.keyboard.press("Enter")
    expect(page.locator("table.month caption")).to_have_text(first_month)
    # The first month has no earlier one: its note keeps the focus, and says why.
    expect(page.locator("#month-previous")).to_be_focused()
    expect(page.locator("#month-previous")).to_have_text("Este es el primer mes")
    assert focus_is_visible(page)


def test_the_search_box_keeps_what_was_typed_and_the_focus_while_the_list_changes(open_page):
    page = open_page("/")
    box = page.locator("#q")
    box.click()
    page.keyboard.type("texas", delay=30)
    expect(page.locator("#found")).to_have_text(re.compile(r"oficinas para «texas»"))
    expect(box).to_be_focused()
    expect(box).to_have_value("texas")
    cities = page.locator("#results a.name").all_inner_texts()
    assert "Austin" in cities and "Montréal" not in cities
    # Emptied: every office again.
    box.fill("")
    expect(page.locator("#found")).to_have_text("59 oficinas.")
