"""Step 1's search: by city or state or province, accents and case optional, in either language."""

import re

import pytest

from miconsulado.portal.search import fold, matches


def _found(client, query):
    html = client.get("/", {"q": query}).content.decode()
    return re.findall(r'<a class="name" href="/oficinas/([a-z-]+)/">', html)


@pytest.mark.parametrize("query", ["montreal", "Montréal", "MONTREAL", "  montréal ", "Montr", "MONTRÉAL"])
def test_montreal_without_accent_or_case(catalog, spanish, query):
    assert _found(spanish, query) == ["montreal"]


@pytest.mark.parametrize("query", ["nuevo mexico", "Nuevo México", "new mexico", "NEW MEXICO", "nm"])
def test_new_mexico_in_spanish_or_english_finds_albuquerque(catalog, spanish, english, query):
    assert _found(spanish, query) == ["albuquerque"]
    assert _found(english, query) == ["albuquerque"]


def test_state_finds_all_its_offices(catalog, spanish):
    found = _found(spanish, "texas")
    assert len(found) == 11 and "elpaso" in found and "brownsville" in found
    assert sorted(_found(spanish, "tx")) == sorted(found)


def test_spanish_names_of_states_and_cities(catalog, spanish):
    assert _found(spanish, "carolina del norte") == ["raleigh"]
    assert _found(spanish, "north carolina") == ["raleigh"]
    assert _found(spanish, "nueva york") == ["nuevayork"]
    assert _found(spanish, "filadelfia") == ["filadelfia"]
    assert _found(spanish, "los angeles") == ["losangeles"]
    assert sorted(_found(spanish, "quebec")) == ["montreal"]
    assert len(_found(spanish, "canada")) == 6


def test_no_match_says_so_and_offers_all(catalog, spanish):
    html = spanish.get("/", {"q": "atlantis"}).content.decode()
    assert "0 oficinas para «atlantis»." in html
    assert "Ninguna oficina coincide" in html
    assert 'href="/"' in html


def test_no_partial_words_inside_a_word(catalog, spanish):
    # "ork" is inside "York" but starts no word; a short code never matches inside words.
    assert _found(spanish, "ork") == []
    assert _found(spanish, "ca") != _found(spanish, "")  # CA is California's code, not every "ca"


@pytest.mark.parametrize(
    "query",
    [
        "\x00",
        "<script>alert(1)</script>",
        "Ｍｏｎｔｒｅａｌ",
        "a" * 5000,
        "%",
        "' OR 1=1 --",
        "🇲🇽",
        "\u0301\u0301",
    ],
)
def test_odd_input_is_answered_not_broken(catalog, spanish, query):
    page = spanish.get("/", {"q": query})
    assert page.status_code == 200
    assert b"<script>alert" not in page.content


def test_full_width_letters_fold_to_plain():
    assert fold("Ｍｏｎｔｒéａｌ") == "montreal"
    assert fold("  Nuevo   México! ") == "nuevo mexico"
    assert fold("Ñuñoa") == "nunoa"


def test_matches_phrase_at_word_start():
    assert matches("san jo", ["San José"])
    assert not matches("an jose", ["San José"])
    assert matches("", ["anything"])
    assert matches("tx", ["Houston"], codes=["TX"])
    assert not matches("t", ["Houston"], codes=["TX"])
