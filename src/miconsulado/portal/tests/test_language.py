"""Spanish by default, English one click away, and chosen from Accept-Language on the first visit."""

from django.conf import settings
from django.test import Client


def test_spanish_by_default(catalog):
    html = Client().get("/").content.decode()
    assert '<html lang="es">' in html and "Haga su cita" in html
    assert 'value="en" lang="en"' in html  # the way to English


def test_accept_language_chooses_english_on_first_visit(catalog):
    html = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/").content.decode()
    assert '<html lang="en">' in html and "Book an appointment at a Mexican consulate" in html
    assert "Local time:" in html


def test_unknown_language_falls_back_to_spanish(catalog):
    assert '<html lang="es">' in Client(HTTP_ACCEPT_LANGUAGE="fr").get("/").content.decode()


def test_one_click_to_english_and_it_sticks(catalog):
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    answer = client.post("/i18n/setlang/", {"language": "en", "next": "/oficinas/chicago/"})
    assert answer.status_code == 302 and answer["Location"] == "/oficinas/chicago/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/oficinas/chicago/").content.decode()


def test_switch_needs_csrf(catalog):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 403


def test_next_cannot_leave_the_site(catalog):
    answer = Client().post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert "evil.example" not in answer.get("Location", "")
