"""The frame every page shares: security headers, a CSP without inline scripts, htmx from our own
static files, and the project's other doors still open."""

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

PAGES = [
    "/",
    "/?q=texas",
    "/oficinas/chicago/",
    "/oficinas/chicago/passport-minor/",
    "/oficinas/chicago/matricula/fecha/",
]


@pytest.mark.parametrize("url", PAGES)
def test_security_headers(catalog, spanish, url):
    page = spanish.get(url)
    assert page.status_code == 200
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert page["X-Frame-Options"] == "DENY"
    assert page["Referrer-Policy"] == "same-origin"
    assert page["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", PAGES)
def test_no_inline_script_or_style_and_nothing_from_elsewhere(catalog, spanish, url):
    html = spanish.get(url).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    for attributes, body in scripts:
        assert 'src="/static/' in attributes and not body.strip(), attributes
    assert "<style" not in html and ' style="' not in html
    assert " on" not in "".join(re.findall(r"<[^>]+ on[a-z]+=", html))  # no onclick= handlers
    assert not re.search(r'(src|href)="(https?:)?//', html)  # no CDN
    assert 'src="/static/vendor/htmx/htmx.min.js"' in html


def test_landmarks_and_headings(catalog, spanish):
    for url in PAGES:
        html = spanish.get(url).content.decode()
        assert html.count("<h1") == 1, url
        assert '<main id="main"' in html and "<header" in html and "<footer" in html
        assert 'class="skip" href="#main"' in html


def test_vendored_htmx_is_the_published_file():
    path = finders.find("vendor/htmx/htmx.min.js")
    assert path, "htmx.min.js is vendored under static/vendor/htmx/"
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    readme = Path(path).with_name("README.md").read_text()
    assert digest in readme


def test_htmx_served_from_our_static(catalog, spanish):
    answer = spanish.get("/static/vendor/htmx/htmx.min.js")
    assert answer.status_code == 200


def test_healthz_admin_and_api_still_answer(catalog, spanish):
    assert spanish.get("/healthz").status_code == 200
    assert spanish.get("/admin/login/").status_code == 200
    assert spanish.get("/api/v1/offices").status_code == 200


def test_page_weight_under_200_kb_with_assets(catalog, spanish):
    html = spanish.get("/").content
    assets = sum(
        Path(finders.find(name)).stat().st_size
        for name in ["miconsulado/site.css", "vendor/htmx/htmx.min.js"]
    )
    assert len(html) + assets < 200_000


def test_outside_debug_cookies_are_secure_and_hsts_is_on():
    code = (
        "import django; from django.conf import settings; django.setup();"
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS > 0)"
    )
    env = {
        **os.environ,
        "MICONSULADO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "miconsulado.settings",
        "MICONSULADO_SECRET_KEY": "x" * 50,
    }
    env.pop("MICONSULADO_SECURE_COOKIES", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.split() == ["True", "True", "True"]
    env["MICONSULADO_DEBUG"] = "1"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.split() == ["False", "False", "False"]
    assert settings.X_FRAME_OPTIONS == "DENY"
