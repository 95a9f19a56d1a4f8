"""The README and docs/ stay navigable and true to the data they describe.

Relative links must reach a file (and a heading, when they name one): documents move, and a link
that breaks says nothing. docs/domain.md's table of offices by zone must match the catalog's file.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
OFFICES_CSV = ROOT / "src" / "miconsulado" / "catalog" / "data" / "offices.csv"

# [text](target) and [text](target "title"); images too. Code spans and blocks are dropped first.
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def _prose(text: str) -> str:
    return _CODE_SPAN.sub("", _FENCE.sub("", text))


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    heading = _CODE_SPAN.sub(lambda m: m.group(0).strip("`"), heading)
    heading = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    kept = "".join(c for c in heading.lower() if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_anchor(h) for h in _HEADING.findall(_FENCE.sub("", path.read_text(encoding="utf-8")))}


def _relative_links(path: Path) -> list[str]:
    links = _LINK.findall(_prose(path.read_text(encoding="utf-8")))
    return [link for link in links if not re.match(r"^[a-z][a-z0-9+.-]*:", link)]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_reach_a_file_and_heading(document: Path) -> None:
    broken = []
    for link in _relative_links(document):
        target, _, fragment = link.partition("#")
        resolved = (document.parent / target).resolve() if target else document
        if not resolved.exists():
            broken.append(f"{link}: no such file")
        elif fragment and resolved.suffix == ".md" and fragment not in _anchors(resolved):
            broken.append(f"{link}: no such heading")
    assert not broken, f"{document.relative_to(ROOT)}: {broken}"


def test_domain_lists_every_office_with_its_zone() -> None:
    with OFFICES_CSV.open(encoding="utf-8", newline="") as f:
        offices = {row["code"]: (row["country"], row["tz"]) for row in csv.DictReader(f)}
    documented: dict[str, tuple[str, str]] = {}
    domain = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    # | US | `America/Chicago` | 18 | `austin`, `brownsville`, … |
    for country, zone, count, codes in re.findall(
        r"^\| (US|CA) \| `([^`]+)` \| (\d+) \| (.+) \|$", domain, re.M
    ):
        listed = re.findall(r"`([^`]+)`", codes)
        assert len(listed) == int(count), f"{zone}: {count} offices said, {len(listed)} listed"
        documented.update((code, (country, zone)) for code in listed)
    assert documented == offices
