"""The booking's first steps with the keyboard alone (Tab, Enter, Space), the focus visible at every
stop, in Spanish and in English, on a phone's width and a desktop's."""

import re

import pytest
from playwright.sync_api import expect


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.textContent.trim()")


@pytest.mark.parametrize(("language", "width"), [("es", 360), ("en", 1280)])
def test_steps_one_to_three_with_the_keyboard_alone(open_page, tab_to, focus_is_visible, language, width):
    es = language == "es"
    page = open_page("/", language=language, width=width)
    # The first Tab shows the skip link; Enter moves on to the content.
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    assert focus_is_visible(page)
    expect(page.locator("a.skip")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    tab_to(page, "el.id === 'q'")
    page.keyboard.type("montreal")
    expect(page.locator("#results a.name")).to_have_text(["Montréal"])
    tab_to(page, "el.matches('#results a.name')")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile("/oficinas/montreal/$"))
    name = "Pasaporte para menores" if es else "Minor's passport"
    tab_to(page, f"el.textContent.trim() === {name!r}")
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_have_text(name)
    tab_to(page, "el.matches('a.button')")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile("/fecha/$"))
    # A day other than the one shown, then its first time, with Space on the radio button.
    tab_to(page, "el.matches('table.month a:not([aria-current])')")
    chosen = page.evaluate("() => document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(chosen.split("#")[0])))
    tab_to(page, "el.matches('#times input[type=radio]')")
    page.keyboard.press("Space")
    expect(page.locator("#times input[type=radio]").first).to_be_checked()
    tab_to(page, "el.matches('#times button[type=submit]')")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/solicitantes/\?start="))
    expect(page.locator("h1")).to_have_text("Solicitantes" if es else "Applicants")


def test_the_language_switch_works_from_the_keyboard(open_page, tab_to):
    page = open_page("/oficinas/montreal/")
    tab_to(page, "el.matches('form.language button')")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
