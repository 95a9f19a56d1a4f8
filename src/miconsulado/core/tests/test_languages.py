"""The language a person asked for, and what a client's preference comes to."""

import pytest

from miconsulado.core.languages import Language, UnsupportedLanguage, chosen, supported


@pytest.mark.parametrize(
    ("code", "language"),
    [("en", Language.EN), ("en-us", Language.EN), ("EN-GB", Language.EN), ("es-mx", Language.ES)],
)
def test_a_preference_comes_to_one_of_ours(code, language):
    assert supported(code) == language


@pytest.mark.parametrize("code", [None, "", "fr", "fr-ca", "eng", "-"])
def test_any_other_preference_comes_to_none(code):
    assert supported(code) is None


def test_a_choice_is_one_of_ours_or_spanish_when_none_was_made():
    assert chosen("en") == Language.EN
    assert chosen(None) == chosen("") == Language.ES


@pytest.mark.parametrize("code", ["fr", "EN", "en-US", " en"])
def test_any_other_choice_is_refused_on_its_field(code):
    with pytest.raises(UnsupportedLanguage) as refused:
        chosen(code, field="language")
    assert list(refused.value.errors) == ["language"]
