"""Every SMS is GSM-7 (accents GSM lacks dropped, never UCS-2) and, with a public URL of up to
PUBLIC_URL_BUDGET characters, one segment of 160: for all 59 offices, both languages, each kind,
on the dates with the longest words."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from miconsulado.catalog.models import Office
from miconsulado.catalog.services import load_catalog
from miconsulado.notifications.gsm7 import is_gsm7, segments, septets, to_gsm7
from miconsulado.notifications.sms_text import PUBLIC_URL_BUDGET, render_sms

pytestmark = pytest.mark.django_db

LONGEST_URL = "https://citas.consulmex.example.gob.mx.io"[:PUBLIC_URL_BUDGET]
KINDS = ("confirmed", "cancelled", "rescheduled", "reminder")
# Paths as long as the signed links these kinds carry (a cancel link, an accept link), or longer.
SIGNED_PATH = {
    "slot_conflict": "/cita/cancelar/" + "x" * 105 + "/",
    "waitlist_offer": "/waitlist/offer/accept/" + "x" * 133,
}


def test_gsm7_keeps_what_the_alphabet_has_and_drops_other_accents():
    assert to_gsm7("México, Niño, pingüino, ¿Qué? ¡Sí!") == "México, Niño, pingüino, ¿Qué? ¡Si!"
    assert to_gsm7("Los Ángeles, sáb, Montréal, Québec, Ciudad Juárez, Ñuñoa") == (
        "Los Angeles, sab, Montréal, Québec, Ciudad Juarez, Ñuñoa"
    )
    assert to_gsm7("ÁÍÓÚáíóúçÇ") == "AIOUaioucÇ"
    assert to_gsm7("“cita” – ‘hoy’… 10\u00a0am") == "\"cita\" - 'hoy'... 10 am"
    assert to_gsm7("cita 📅 东京 \u200b") == "cita ? ?? ?"
    assert is_gsm7(to_gsm7("Zürich Ægir Øre ßtraße €5 [x] {y} ~|^\\"))


def test_septets_count_the_extension_table_twice_and_segments_follow():
    assert septets("abc") == 3
    assert septets("€[]") == 6
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2
    assert segments("€" * 80) == 1 and segments("€" * 80 + "a") == 2
    assert segments("a" * 306) == 2 and segments("a" * 307) == 3
    with pytest.raises(ValueError):
        septets("á")


@pytest.fixture
def offices():
    load_catalog()
    offices = list(Office.objects.all())
    assert len(offices) == 59
    return offices


def starts(office: Office) -> list[str]:
    """Local 23:59 on days whose short names are longest (miércoles, sábado; sep/nov/dic), in UTC."""
    zone = ZoneInfo(office.tz)
    days = [dt.date(2026, 11, 11), dt.date(2026, 12, 19), dt.date(2027, 9, 18), dt.date(2027, 12, 29)]
    return [dt.datetime.combine(d, dt.time(23, 59), zone).astimezone(dt.UTC).isoformat() for d in days]


@override_settings(PUBLIC_URL=LONGEST_URL)
def test_every_sms_for_every_office_and_language_is_one_gsm7_segment(offices):
    assert len(LONGEST_URL) == PUBLIC_URL_BUDGET
    full_names = 0
    for office in offices:
        for start in starts(office):
            for language in ("es", "en"):
                for kind in KINDS:
                    context = {"code": "ACDE3479", "office": office, "slot_start": start}
                    text = render_sms(kind, language=language, context=context)
                    assert is_gsm7(text), text
                    assert septets(text) <= 160, (len(text), text)
                    assert "ACDE-3479" in text and "23:59" in text
                    assert LONGEST_URL in text
                    assert "\n" not in text and "  " not in text
                    full_names += to_gsm7(office.name) in text
    # The office is named in full wherever that fits (with the longest URL, about a quarter).
    assert full_names > 400


@override_settings(PUBLIC_URL=LONGEST_URL)
def test_a_conflict_or_an_offer_with_its_signed_link_is_two_gsm7_segments_at_most(offices):
    for office in offices:
        for start in starts(office):
            expires = (dt.datetime.fromisoformat(start) + dt.timedelta(hours=2)).isoformat()
            for language in ("es", "en"):
                for kind, path in SIGNED_PATH.items():
                    link = LONGEST_URL + path
                    context = {"code": "ACDE3479", "office": office, "slot_start": start, "link": link}
                    if kind == "waitlist_offer":
                        context = {
                            "office": office,
                            "slot_start": start,
                            "link": link,
                            "expires_utc": expires,
                        }
                    text = render_sms(kind, language=language, context=context)
                    assert is_gsm7(text), text
                    assert segments(text) == 2, (len(text), text)  # the link alone leaves no room in one
                    assert text.endswith(" " + link) and "23:59" in text
                    assert ("ACDE-3479" in text) == (kind == "slot_conflict")
                    if kind == "waitlist_offer":
                        # Held past midnight: the end names its day (short, without the year).
                        assert "01:59" in text and text.count("2026") + text.count("2027") == 1


def test_the_text_says_code_office_local_time_and_link_in_the_appointments_language(offices):
    office = Office.objects.get(code="losangeles")
    start = dt.datetime(2026, 12, 3, 17, 0, tzinfo=dt.UTC).isoformat()  # 09:00 in Los Angeles
    context = {"code": "ACDE3479", "office": office, "slot_start": start}
    with override_settings(PUBLIC_URL="https://citas.example"):
        es = render_sms("confirmed", language="es", context=context)
        en = render_sms("confirmed", language="en", context=context)
        cancelled = render_sms("cancelled", language="es", context=context)
    assert es == (
        "Mi Consulado: cita ACDE-3479 confirmada, Consulado General de México en Los Angeles, "
        "jue 3 dic 2026 09:00 hora local. https://citas.example/c/ACDE3479"
    )
    assert (
        en.startswith(
            "Mi Consulado: booking ACDE-3479 confirmed, Consulate General of Mexico in Los Angeles, "
        )
        and "Thu Dec 3 2026 09:00" in en
    )
    assert "local time." in en and en.endswith("https://citas.example/c/ACDE3479")
    assert "cancelada" in cancelled and cancelled.endswith("https://citas.example/")


def test_without_a_public_url_there_is_no_link(offices):
    office = Office.objects.get(code="losangeles")
    context = {"code": "ACDE3479", "office": office, "slot_start": "2026-12-03T17:00:00+00:00"}
    with override_settings(PUBLIC_URL=""):
        text = render_sms("confirmed", language="es", context=context)
    assert text.endswith("hora local.") and "http" not in text


def test_a_long_public_url_makes_two_segments_and_is_never_cut(offices):
    office = Office.objects.get(code="washington")
    url = "https://" + "a" * 80 + ".example"
    context = {"code": "ACDE3479", "office": office, "slot_start": "2026-12-03T17:00:00+00:00"}
    with override_settings(PUBLIC_URL=url):
        text = render_sms("rescheduled", language="en", context=context)
    assert text.endswith(f"{url}/c/ACDE3479") and segments(text) == 2
    assert "Consulate in Washington" in text  # the short name, to keep it as short as it can be
