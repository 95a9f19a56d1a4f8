"""The client's address: REMOTE_ADDR, X-Forwarded-For's last hop only behind our proxy, and None
rather than something that is not an address (it is stored in an IP address column)."""

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.test import override_settings

from miconsulado.core.client_ip import client_ip


def request(**meta: str) -> HttpRequest:
    r = HttpRequest()
    r.META.update(meta)
    return r


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"REMOTE_ADDR": "203.0.113.9"}, "203.0.113.9"),
        ({"REMOTE_ADDR": "2001:db8:0:0::1"}, "2001:db8::1"),
        ({}, None),
        ({"REMOTE_ADDR": ""}, None),
        ({"REMOTE_ADDR": "unix:/run/granian.sock"}, None),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "10.0.0.1"),
    ],
)
def test_without_a_proxy(meta, expected):
    assert client_ip(request(**meta)) == expected


@override_settings(MICONSULADO={**settings.MICONSULADO, "BEHIND_PROXY": True})
@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("1.1.1.1, 2.2.2.2,203.0.113.9", "203.0.113.9"),
        ("203.0.113.9, not-an-ip", "10.0.0.1"),
        ("", "10.0.0.1"),
    ],
)
def test_behind_the_proxy(forwarded, expected):
    assert client_ip(request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)) == expected
