"""The pages behind the signed links of messages, in a real browser: the cancel page
(/cita/cancelar/<token>/) and the waitlist's accept, decline and leave pages. Each passes axe at
360 px (in Spanish) and at 1280 px (in English) before and after its button is pressed, and a link
that cannot be read gets a page that passes too."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from miconsulado.booking import services as booking
from miconsulado.catalog.models import Procedure
from miconsulado.core.channels import Channel
from miconsulado.core.signed_links import sign_link
from miconsulado.notifications.links import CANCEL, cancel_subject
from miconsulado.scheduling.models import Slot
from miconsulado.testing import applicant
from miconsulado.waitlist import links
from miconsulado.waitlist import services as waitlist

VIEWS = [("es", 360), ("en", 1280)]


def free_slot(office: str, procedure: Procedure) -> Slot:
    """A slot a week or more ahead (past any cancellation cut-off) with a free place."""
    slot = (
        Slot.objects.select_related("office")
        .filter(
            office__code=office,
            window__procedures=procedure,
            start__gte=timezone.now() + dt.timedelta(days=5),
            booked__lt=1,
        )
        .order_by("start")
        .first()
    )
    assert slot is not None, f"the demo data has no free slot at {office} a week ahead"
    return slot


def say(language: str, es: str, en: str) -> str:
    return es if language == "es" else en


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_the_cancel_page_before_and_after_cancelling(open_page, axe_check, language, width):
    procedure = Procedure.objects.get(code="passport-renewal")
    appointment = booking.book_appointment(
        slot=free_slot("sanantonio", procedure),
        procedure=procedure,
        applicants=[applicant()],
        channel=Channel.WEB,
        language=language,
    ).appointment
    token = sign_link(
        purpose=CANCEL,
        subject=cancel_subject(appointment.code, appointment.slot_id),
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    page = open_page(f"/cita/cancelar/{token}/", language=language, width=width)
    expect(page.locator("h1")).to_have_text(say(language, "Cancelar mi cita", "Cancel my appointment"))
    expect(page.locator("dl.facts")).to_contain_text(appointment.code)
    axe_check(page)
    page.get_by_role("button", name=say(language, "Cancelar mi cita", "Cancel my appointment")).click()
    heading = page.locator("h1")
    expect(heading).to_have_text(say(language, "Su cita fue cancelada", "Your appointment was cancelled"))
    expect(heading).to_be_focused()  # the outcome is where a screen reader starts
    axe_check(page)
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_a_link_that_cannot_be_read_gets_an_accessible_page(open_page, axe_check, language, width):
    for path, heading in [
        ("/cita/cancelar/not-a-token/", say(language, "Enlace no válido", "Invalid link")),
        (
            "/waitlist/offer/accept/not-a-token",
            say(language, "No se pudo usar el enlace", "The link could not be used"),
        ),
        (
            "/waitlist/leave/not-a-token",
            say(language, "No se pudo usar el enlace", "The link could not be used"),
        ),
    ]:
        page = open_page(path, language=language, width=width)
        expect(page.locator("h1")).to_have_text(heading)
        axe_check(page)


def offer_for(language: str):
    procedure = Procedure.objects.get(code="matricula")
    slot = free_slot("houston", procedure)
    entry = waitlist.join(
        office=slot.office, procedure=procedure, applicant=applicant(), channel=Channel.WEB, language=language
    )
    offers = waitlist.offer_freed_places(slot_id=slot.pk)
    (offer,) = [o for o in offers if o.entry_id == entry.pk]
    return offer


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_the_waitlist_offer_pages_accept_and_decline(open_page, axe_check, language, width):
    accepted = offer_for(language)
    page = open_page(links.accept_path(accepted), language=language, width=width)
    axe_check(page)
    page.get_by_role(
        "button", name=say(language, "Sí, reservar esta cita", "Yes, book this appointment")
    ).click()
    expect(page.locator("h1")).to_have_text(say(language, "Cita confirmada", "Appointment confirmed"))
    axe_check(page)

    declined = offer_for(language)
    page = open_page(links.decline_path(declined), language=language, width=width)
    axe_check(page)
    page.get_by_role("button", name=say(language, "Rechazar este lugar", "Decline this place")).click()
    expect(page.locator("h1")).to_have_text(say(language, "Lugar rechazado", "Place declined"))
    axe_check(page)
    # The same link again: already answered.
    page.goto(links.decline_path(declined))
    expect(page.locator("h1")).to_have_text(
        say(language, "No se pudo usar el enlace", "The link could not be used")
    )
    axe_check(page)


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_the_leave_page(open_page, axe_check, language, width):
    entry = offer_for(language).entry
    page = open_page(links.leave_path(entry), language=language, width=width)
    axe_check(page)
    page.get_by_role("button", name=say(language, "Salir de la lista", "Leave the list")).click()
    expect(page.locator("h1")).to_have_text(
        say(language, "Salió de la lista de espera", "You left the waitlist")
    )
    axe_check(page)
