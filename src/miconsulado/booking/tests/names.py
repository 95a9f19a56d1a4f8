"""Hypothesis strategies for the name tests: names people really have, and text that is not a name."""

from __future__ import annotations

import unicodedata

from hypothesis import strategies as st

# Letters of Spanish names, and of any script.
SPANISH_LETTERS = "abcdefghijklmnñopqrstuvwxyzáéíóúüABCDEFGHIJKLMNÑOPQRSTUVWXYZÁÉÍÓÚÜ"
letters = st.one_of(st.sampled_from(SPANISH_LETTERS), st.characters(categories=["L"]))
word = st.text(letters, min_size=1, max_size=10)
# Between words: a space, a hyphen (José-María), an apostrophe (O'Neil, D’Angelo), a dot (Ma.).
separator = st.sampled_from([" ", "-", "'", "’", ". ", "."])


@st.composite
def good_names(draw: st.DrawFn) -> str:
    """A name of 1-4 words, sometimes with its accents as combining marks (NFD), as some keyboards
    and phones send them."""
    words = draw(st.lists(word, min_size=1, max_size=4))
    name = words[0] + "".join(draw(separator) + w for w in words[1:])
    if draw(st.booleans()):
        name = unicodedata.normalize("NFD", name)
    return name


# Never part of a name: controls (ESC, BEL, CR, LF, TAB…) and invisible format characters
# (zero-width space, bidi overrides, soft hyphen, BOM…); the examples first.
REFUSED_EXAMPLES = ["\x1b", "\x07", "\r", "\n", "\t", "\u200b", "\u202e", "\u00ad", "\ufeff", "\u2028"]
refused = st.one_of(
    st.sampled_from(REFUSED_EXAMPLES), st.characters(categories=["Cc", "Cf"], exclude_characters="\x00")
)


@st.composite
def names_with_refused_characters(draw: st.DrawFn) -> str:
    """A good name with a refused character somewhere in it, or only refused characters."""
    bad = draw(st.text(refused, min_size=1, max_size=3))
    if draw(st.booleans()):
        return bad
    name = draw(good_names())
    at = draw(st.integers(0, len(name)))
    return name[:at] + bad + name[at:]


# No letter at all: digits, punctuation, symbols, spaces.
names_without_letters = st.text(
    st.characters(categories=["N", "P", "S", "Zs"]), min_size=1, max_size=10
).filter(lambda s: s.strip())


def stored(name: str) -> str:
    """What the service keeps of a good name: NFC, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).split())
