"""Steps 1-3 of the portal in a real browser, in Spanish and in English: find an office (accents
and case optional), read a procedure's documents and fees before any time, pick a day and a time."""

import re

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize(
    ("language", "query", "city"),
    [
        ("es", "montreal", "Montréal"),
        ("es", "nuevo mexico", "Albuquerque"),
        ("en", "new mexico", "Albuquerque"),
        ("en", "MONTRÉAL", "Montréal"),
    ],
)
def test_the_search_finds_offices_whatever_the_accents_and_updates_the_list_in_place(
    open_page, language, query, city
):
    page = open_page("/", language=language)
    expect(page.locator("#found")).to_have_text(re.compile(r"59 (oficinas|offices)"))
    page.evaluate("() => { window.sameDocument = true; }")
    page.get_by_label("Ciudad, estado o provincia" if language == "es" else "City, state or province").fill(
        query
    )
    # htmx swaps the list and the count as one types: the same document, the address follows.
    expect(page.locator("#found")).to_have_text(re.compile(r"^1 (oficina|office) "))
    expect(page.locator("#results a.name")).to_have_text([city])
    assert page.evaluate("() => window.sameDocument === true")
    expect(page).to_have_url(re.compile(r"\?q="))


def test_a_search_that_finds_nothing_says_so(open_page):
    page = open_page("/?q=zzzz")
    expect(page.locator("#results .notice")).to_contain_text("Ninguna oficina coincide")


@pytest.mark.parametrize("language", ["es", "en"])
def test_steps_one_to_three_by_mouse(open_page, language):
    es = language == "es"
    page = open_page("/", language=language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.get_by_role("link", name="Montréal", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Montreal")
    page.get_by_role("link", name="Pasaporte para menores" if es else "Minor's passport").click()
    # The rule about both parents (OP-7) comes before any time is picked.
    expect(page.get_by_role("heading", name="Ambos padres" if es else "Both parents")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Documentos que debe llevar" if es else re.compile("Documents"))
    ).to_be_visible()
    page.get_by_role("link", name="Elegir día y hora" if es else "Choose a day and time").click()
    expect(page.locator("h1")).to_have_text("Elija día y hora" if es else "Choose a day and time")
    expect(page.locator("table.month caption")).to_be_visible()
    times = page.locator("#times input[type=radio]")
    expect(times.first).to_be_visible()
    times.first.check()
    page.get_by_role("button", name="Continuar" if es else "Continue").click()
    expect(page).to_have_url(re.compile(r"/solicitantes/\?start="))
    expect(page.locator("h1")).to_have_text("Solicitantes" if es else "Applicants")


def test_the_language_switch_keeps_the_page(open_page):
    page = open_page("/oficinas/montreal/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/oficinas/montreal/$"))
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
