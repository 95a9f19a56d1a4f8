"""The axe helper fails on what it must: a page with serious or critical defects fails with a list
that names each rule and element; the vendored file is the one its README names."""

import pytest


def test_a_page_with_defects_fails_with_a_readable_list(open_page, axe_check):
    page = open_page("/oficinas/montreal/")
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            main.insertAdjacentHTML("beforeend", '<img src="/static/none.png" id="no-alt">');
            main.insertAdjacentHTML("beforeend", '<button id="no-name"></button>');
        }"""
    )
    with pytest.raises(AssertionError) as failure:
        axe_check(page)
    said = str(failure.value)
    assert "[critical] image-alt" in said and "#no-alt" in said
    assert "button-name" in said and "#no-name" in said
