"""A signed link works for its purpose until it expires, and for nothing else."""

import datetime as dt

import pytest
from django.test import override_settings

from miconsulado.core.signed_links import LinkExpired, LinkInvalid, read_link, sign_link

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=2)


def test_a_link_reads_back_its_subject_and_expiry() -> None:
    token = sign_link(purpose="cancel", subject="ABC234:3", expires_at=LATER)
    claims = read_link(token, purpose="cancel", now=NOW)
    assert (claims.subject, claims.expires_at) == ("ABC234:3", LATER)


def test_a_link_for_one_purpose_is_worthless_for_another() -> None:
    token = sign_link(purpose="cancel", subject="ABC234:3", expires_at=LATER)
    with pytest.raises(LinkInvalid):
        read_link(token, purpose="accept_offer", now=NOW)


def test_an_expired_link_is_refused_at_its_expiry() -> None:
    token = sign_link(purpose="cancel", subject="ABC234:3", expires_at=LATER)
    with pytest.raises(LinkExpired):
        read_link(token, purpose="cancel", now=LATER)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # a changed signature
        lambda t: "x" + t,  # a changed payload
        lambda t: t.split(":")[0],  # the signature cut off
        lambda t: "",
        lambda t: "ñ☃\x00" * 40,
    ],
)
def test_a_tampered_link_is_invalid(mangle) -> None:  # type: ignore[no-untyped-def]
    token = sign_link(purpose="cancel", subject="ABC234:3", expires_at=LATER)
    with pytest.raises(LinkInvalid):
        read_link(mangle(token), purpose="cancel", now=NOW)


def test_links_die_with_the_secret_key() -> None:
    token = sign_link(purpose="cancel", subject="ABC234:3", expires_at=LATER)
    with override_settings(SECRET_KEY="another-secret-key-" * 3), pytest.raises(LinkInvalid):
        read_link(token, purpose="cancel", now=NOW)
