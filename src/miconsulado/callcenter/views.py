"""The voice webhooks: what the caller hears, as TwiML built with twilio's VoiceResponse.

Every webhook is signed (signature.py). Each answers from the call's record (its language, its
state), never from a parameter alone; anything unexpected (a call never started, garbage digits, an
error) ends the call politely instead of failing. Paths under /voice/ (urls.py).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import phonenumbers
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from twilio.twiml.voice_response import Gather, VoiceResponse

from miconsulado.booking.codes import CODE_LENGTH
from miconsulado.booking.models import ACTIVE_STATUSES, Appointment
from miconsulado.callcenter import estimate, queue, selectors, services
from miconsulado.callcenter import hours as line_hours
from miconsulado.callcenter.models import Call, EntryStatus, NumberRole, PhoneNumber, QueueEntry
from miconsulado.callcenter.signature import voice_webhook
from miconsulado.catalog import selectors as catalog
from miconsulado.catalog.localtime import office_zone
from miconsulado.core.errors import DomainError

logger = logging.getLogger(__name__)

# The language a prompt is spoken in, and the voice that speaks it (Amazon Polly through Twilio).
VOICES = {"es": ("es-MX", "Polly.Mia"), "en": ("en-US", "Polly.Joanna")}
_SID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_DIGITS = re.compile(r"[0-9*#]{0,20}")
MAX_SAY = 3000  # Twilio refuses a <Say> over 4,096 characters


# --- Building answers ----------------------------------------------------------------------------


def twiml(response: VoiceResponse) -> HttpResponse:
    return HttpResponse(str(response), content_type="text/xml; charset=utf-8")


def say(target: VoiceResponse | Gather, text: str, language: str) -> None:
    code, voice = VOICES[language]
    target.say(text[:MAX_SAY], language=code, voice=voice)


def url(name: str, **query: object) -> str:
    path = reverse(f"callcenter:{name}")
    return f"{path}?{urlencode(query)}" if query else path


def gather(response: VoiceResponse, action: str, language: str, **kw: object) -> Gather:
    options: dict[str, object] = {"num_digits": 1, "timeout": 6}
    options.update(kw)
    return response.gather(
        action=action, method="POST", input="dtmf", language=VOICES[language][0], **options
    )


def goodbye(response: VoiceResponse, language: str) -> HttpResponse:
    say(response, _("Gracias por llamar a Mi Consulado. Hasta luego."), language)
    response.hangup()
    return twiml(response)


def polite_ending(language: str | None = None) -> HttpResponse:
    """For anything the line cannot follow: a garbled request, a call it never started, an error."""
    response = VoiceResponse()
    for lang in [language] if language else ["es", "en"]:
        with translation.override(lang):
            say(
                response,
                _("Lo sentimos, no podemos atender su llamada en este momento. Por favor llame de nuevo."),
                lang,
            )
    response.hangup()
    return twiml(response)


def digits_of(request: HttpRequest) -> str | None:
    """The keys pressed, or None for garbage (only 0-9, * and #, at most 20)."""
    value = request.POST.get("Digits", "")
    return value if _DIGITS.fullmatch(value) else None


def attempt(request: HttpRequest) -> int:
    value = request.GET.get("try", "0")
    return int(value) if value in {"0", "1"} else 0


def spoken_number(number: str) -> str:
    """A number read digit by digit in its groups ("+1 424 309 0009" → "1, 4 2 4, 3 0 9, 0 0 0 9")."""
    try:
        formatted = phonenumbers.format_number(
            phonenumbers.parse(number, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    except phonenumbers.NumberParseException:
        formatted = number
    groups = re.split(r"[\s\-]+", formatted.lstrip("+"))
    return ", ".join(" ".join(group) for group in groups if group)


# --- The call of a webhook -------------------------------------------------------------------------


CallView = Callable[[HttpRequest, Call], HttpResponse]


def _answer_in_language(
    request: HttpRequest,
    view: Callable[[HttpRequest, Any], HttpResponse],
    subject: Any,
    language: str,
    label: str,
) -> HttpResponse:
    """The view's answer in the caller's language; a failure inside it ends the call politely, in
    that language, never with a 500 (the provider would play an error tone)."""
    try:
        with translation.override(language):
            return view(request, subject)
    except Exception:
        logger.exception("Voice webhook %s failed for %s %s", request.path, label, subject.pk)
        return polite_ending(language)


def in_call(view: CallView) -> Callable[[HttpRequest], HttpResponse]:
    """A signed webhook inside a call that /voice/incoming started; its language active."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        sid = request.POST.get("CallSid", "")
        call = Call.objects.filter(call_sid=sid).first() if _SID.fullmatch(sid) else None
        if call is None:
            return polite_ending()
        return _answer_in_language(request, view, call, call.language or "es", "call")

    return voice_webhook(wrapped)


# --- Arriving: the number dialled, then the language ---------------------------------------------


@voice_webhook
def incoming(request: HttpRequest) -> HttpResponse:
    post = request.POST
    sid = post.get("CallSid", "")
    if not _SID.fullmatch(sid):
        return polite_ending()
    try:
        call, dialled = services.start_call(
            call_sid=sid,
            to=post.get("To", ""),
            caller=post.get("From", ""),
            forwarded_from=post.get("ForwardedFrom", ""),
            called_via=post.get("CalledVia", ""),
        )
    except Exception:
        logger.exception("Could not start the record of call %r", sid)
        return polite_ending()
    response = VoiceResponse()
    if dialled.retired:
        return retired_notice(call, response)
    menu = gather(response, url("language"), "es", timeout=5)
    # Said in both languages before one is chosen, whatever the active one: not translated.
    say(menu, "Para español, marque 1.", "es")
    say(menu, "For English, press 2.", "en")
    response.redirect(url("language"), method="POST")  # no input: Spanish
    return twiml(response)


def retired_notice(call: Call, response: VoiceResponse) -> HttpResponse:
    """The new number, in Spanish and English, twice; then the call ends."""
    main = (
        PhoneNumber.objects.filter(role=NumberRole.MAIN, active=True).values_list("number", flat=True).first()
    )
    new_number = spoken_number(main or services.MAIN_LINE)
    services.record_step(call, "retired_notice", call.number_called)
    for _time in range(2):
        for lang in ("es", "en"):
            with translation.override(lang):
                say(
                    response,
                    _("Este número ya no está en servicio. El nuevo número de Mi Consulado es el %(number)s.")
                    % {"number": new_number},
                    lang,
                )
        response.pause(length=1)
    response.hangup()
    return twiml(response)


@in_call
def language(request: HttpRequest, call: Call) -> HttpResponse:
    pressed = digits_of(request)
    chosen = "en" if pressed == "2" else "es"
    how = {"1": "1", "2": "2", "": "no input"}.get(pressed or "", "other key")
    services.choose_language(call, chosen, how=how)
    response = VoiceResponse()
    response.redirect(url("menu"), method="POST")
    return twiml(response)


# --- The main menu --------------------------------------------------------------------------------


def hours_sentence() -> str:
    # The hours of hours.py (WEEKDAY_HOURS, WEEKEND_HOURS), as people say them.
    zone = line_hours.line_zone().key
    zone_name = _("hora del Pacífico") if zone == "America/Los_Angeles" else zone.replace("_", " ")
    return _(
        "Nuestros agentes atienden de lunes a viernes de 8 de la mañana a 9 de la noche, y sábados, "
        "domingos y días feriados de 9 de la mañana a 6 de la tarde, %(zone)s."
    ) % {"zone": zone_name}


def portal_sentence() -> str:
    address = line_hours.line_settings().portal_address or services.DEFAULT_PORTAL_ADDRESS
    return _("También puede hacer su cita en nuestro portal: %(address)s.") % {"address": address}


@in_call
def menu(request: HttpRequest, call: Call) -> HttpResponse:
    lang = call.language or "es"
    tries = attempt(request)
    open_now = line_hours.hours_at().open_now
    services.record_step(call, "menu", "open" if open_now else "closed")
    response = VoiceResponse()
    if not open_now and tries == 0:
        say(
            response,
            _("En este momento nuestros agentes no están disponibles.") + " " + hours_sentence(),
            lang,
        )
        say(response, portal_sentence(), lang)
    options = gather(response, url("menu_choice", **{"try": tries}), lang)
    say(options, _("Para citas, marque 1."), lang)
    if open_now:
        say(options, _("Para hablar con un agente, marque 2."), lang)
    say(options, _("Para conocer el horario de atención y la dirección del portal, marque 3."), lang)
    say(options, _("Para emergencias, marque 9."), lang)
    say(options, _("Para repetir este menú, marque 0."), lang)
    response.redirect(url("menu_choice", **{"try": tries}), method="POST")  # no input
    return twiml(response)


def invalid(call: Call, tries: int, back_to: str) -> HttpResponse:
    """Invalid or no input: the menu once more, then a polite goodbye."""
    lang = call.language or "es"
    response = VoiceResponse()
    services.record_step(call, "invalid", back_to)
    if tries >= 1:
        say(response, _("No recibimos una opción válida."), lang)
        return goodbye(response, lang)
    say(response, _("Opción no válida."), lang)
    response.redirect(url(back_to, **{"try": 1}), method="POST")
    return twiml(response)


@in_call
def menu_choice(request: HttpRequest, call: Call) -> HttpResponse:
    lang = call.language or "es"
    pressed = digits_of(request)
    tries = attempt(request)
    response = VoiceResponse()
    if pressed == "9":
        return emergency(call, response)
    if pressed == "0":
        services.record_step(call, "menu_choice", "0")
        response.redirect(url("menu"), method="POST")
        return twiml(response)
    if pressed == "1":
        services.record_step(call, "menu_choice", "1")
        response.redirect(url("self_service"), method="POST")
        return twiml(response)
    if pressed == "3":
        services.record_step(call, "menu_choice", "3")
        say(response, hours_sentence(), lang)
        say(response, portal_sentence(), lang)
        response.redirect(url("menu"), method="POST")
        return twiml(response)
    if pressed == "2" and line_hours.hours_at().open_now:
        services.record_step(call, "menu_choice", "2")
        queue.join_queue(call=call)
        say(response, _("Le comunicamos con un agente."), lang)
        response.redirect(url("queue_wait", first=1), method="POST")
        return twiml(response)
    return invalid(call, tries, "menu")


def emergency(call: Call, response: VoiceResponse) -> HttpResponse:
    """Key 9, at any hour: straight to consular protection's number."""
    lang = call.language or "es"
    number = line_hours.line_settings().emergency_number
    services.mark_emergency(call, number)
    if not number:
        say(response, _("Si su vida está en peligro, cuelgue y llame al 911."), lang)
        response.hangup()
        return twiml(response)
    say(
        response,
        _("Le comunicamos con protección consular. Si su vida está en peligro, cuelgue y llame al 911."),
        lang,
    )
    response.dial(number, action=url("emergency_done"), method="POST", timeout=60)
    return twiml(response)


@in_call
def emergency_done(request: HttpRequest, call: Call) -> HttpResponse:
    services.record_step(call, "emergency_done", request.POST.get("DialCallStatus", ""))
    return goodbye(VoiceResponse(), call.language or "es")


# --- Waiting for an agent (key 2): our own queue (queue.py, decision 0012) -----------------------
#
# The caller stays in our webhooks: a wait loop of <Gather> (position, estimate, the callback key)
# and <Redirect> back here every QUEUE_ANNOUNCE_SECONDS. When an agent accepts, the provider
# redirects the call to queue_connect, which <Dial>s the agent.


def wait_sentence(wait: selectors.Wait) -> str:
    if wait.seconds is None:
        return _(
            "Por el momento no hay agentes disponibles en su idioma. Su lugar en la fila es el %(n)s."
        ) % {"n": wait.position}
    minutes = estimate.spoken_minutes(wait.seconds)
    if minutes == 0:
        return _("Su lugar en la fila es el %(n)s. Le atenderemos en menos de un minuto.") % {
            "n": wait.position
        }
    return _("Su lugar en la fila es el %(n)s. El tiempo estimado de espera es de %(m)s minutos.") % {
        "n": wait.position,
        "m": minutes,
    }


@in_call
def queue_wait(request: HttpRequest, call: Call) -> HttpResponse:
    lang = call.language or "es"
    entry = QueueEntry.objects.filter(call=call).first()
    if entry is None:
        return polite_ending(lang)
    queue.tick()
    entry.refresh_from_db()
    response = VoiceResponse()
    if entry.status == EntryStatus.CONNECTED:
        response.redirect(f"{url('queue_connect')}?entry={entry.pk}", method="POST")
        return twiml(response)
    if entry.status not in (EntryStatus.WAITING, EntryStatus.OFFERED):
        return goodbye(response, lang)
    wait = selectors.estimated_wait(entry)
    pause = max(5, settings.MICONSULADO["QUEUE_ANNOUNCE_SECONDS"])
    options = gather(response, url("queue_key"), lang, timeout=pause)
    say(options, wait_sentence(wait), lang)
    if wait.offer_callback:
        say(options, _("Para que le llamemos a este número sin perder su lugar, marque 1."), lang)
    elif request.GET.get("first") != "1":
        say(options, _("Gracias por esperar. Para que le llamemos sin perder su lugar, marque 1."), lang)
    response.redirect(url("queue_wait"), method="POST")
    return twiml(response)


@in_call
def queue_key(request: HttpRequest, call: Call) -> HttpResponse:
    lang = call.language or "es"
    entry = QueueEntry.objects.filter(call=call).first()
    response = VoiceResponse()
    if entry is None:
        return polite_ending(lang)
    if digits_of(request) == "1" and entry.status == EntryStatus.WAITING:
        try:
            kept = queue.request_callback(entry=entry, number=call.caller)
        except DomainError:
            say(
                response,
                _("No podemos devolverle la llamada a este número. Por favor espere en la línea."),
                lang,
            )
        else:
            say(
                response,
                _(
                    "Le llamaremos al número terminado en %(digits)s cuando sea su turno; conserva su lugar en "
                    "la fila. Puede colgar."
                )
                % {"digits": " ".join(kept.callback_number[-4:])},
                lang,
            )
            return goodbye(response, lang)
    response.redirect(url("queue_wait"), method="POST")
    return twiml(response)


def dial_agent(response: VoiceResponse, entry: QueueEntry) -> None:
    assert entry.agent is not None
    dial = response.dial(action=f"{url('queue_after')}?entry={entry.pk}", method="POST", timeout=20)
    endpoint = entry.agent.endpoint
    if endpoint.startswith("client:"):
        dial.client(endpoint.removeprefix("client:"))
    else:
        dial.number(endpoint)


def in_entry(
    view: Callable[[HttpRequest, QueueEntry], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A signed webhook about a queue entry (`?entry=`) from one of its own legs: the caller's call or
    the callback's call (CallSid must be one of them)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        raw = request.GET.get("entry", "")
        sid = request.POST.get("CallSid", "")
        entry = (
            QueueEntry.objects.select_related("call", "agent__user").filter(pk=int(raw)).first()
            if raw.isdigit() and len(raw) < 19
            else None
        )
        if entry is None or not sid or sid not in (entry.call.call_sid, entry.callback_call_sid):
            return polite_ending()
        return _answer_in_language(request, view, entry, entry.call.language or "es", "queue entry")

    return voice_webhook(wrapped)


@in_entry
def queue_connect(request: HttpRequest, entry: QueueEntry) -> HttpResponse:
    response = VoiceResponse()
    if entry.status != EntryStatus.CONNECTED or entry.agent is None:
        response.redirect(url("queue_wait"), method="POST")
        return twiml(response)
    say(response, _("Le comunicamos con un agente."), entry.call.language or "es")
    dial_agent(response, entry)
    return twiml(response)


@in_entry
def queue_after(request: HttpRequest, entry: QueueEntry) -> HttpResponse:
    """The <Dial> to the agent is over: the agent hung up (survey), or never answered (back to the
    head of the queue, the agent to break)."""
    lang = entry.call.language or "es"
    response = VoiceResponse()
    outcome = request.POST.get("DialCallStatus", "")
    if (
        outcome in {"no-answer", "busy", "failed"}
        and entry.answered_at is not None
        and not entry.callback_number
    ):
        queue.agent_unreachable(entry=entry)
        response.redirect(url("queue_wait"), method="POST")
        return twiml(response)
    queue.connection_ended(entry=entry)
    survey = gather(response, f"{url('survey')}?entry={entry.pk}", lang, timeout=8)
    say(
        survey,
        _("Antes de colgar: del 1 al 5, ¿cómo calificaría la atención que recibió? Marque un número."),
        lang,
    )
    return goodbye(response, lang)


@in_entry
def survey(request: HttpRequest, entry: QueueEntry) -> HttpResponse:
    lang = entry.call.language or "es"
    pressed = digits_of(request) or ""
    response = VoiceResponse()
    if len(pressed) == 1 and pressed in "12345" and entry.agent_id is not None:
        queue.record_survey(entry=entry, score=int(pressed))
        say(response, _("Gracias por su calificación."), lang)
    return goodbye(response, lang)


@in_entry
def callback_answer(request: HttpRequest, entry: QueueEntry) -> HttpResponse:
    """The citizen answered our callback: connect them to the agent who took it."""
    lang = entry.call.language or "es"
    response = VoiceResponse()
    if (
        entry.status != EntryStatus.CONNECTED
        or entry.agent is None
        or request.POST.get("CallSid") != entry.callback_call_sid
    ):
        return goodbye(response, lang)
    queue.callback_answered(entry=entry)
    say(response, _("Le llamamos de Mi Consulado, como lo pidió. Le comunicamos con un agente."), lang)
    dial_agent(response, entry)
    return twiml(response)


@in_entry
def callback_status(request: HttpRequest, entry: QueueEntry) -> HttpResponse:
    """The end of a callback's call: not answered → retried later or failed; answered → the
    conversation is over (if the <Dial>'s action has not said so already)."""
    outcome = request.POST.get("CallStatus", "")
    if request.POST.get("CallSid") == entry.callback_call_sid:
        if outcome in {"no-answer", "busy", "failed", "canceled"}:
            queue.callback_unanswered(entry=entry, outcome=outcome)
        elif outcome == "completed":
            if entry.answered_at is None:
                queue.callback_unanswered(entry=entry, outcome="no-answer")
            else:
                queue.connection_ended(entry=entry)
    return twiml(VoiceResponse())


# --- Self-service (key 1) ------------------------------------------------------------------------


@in_call
def self_service(request: HttpRequest, call: Call) -> HttpResponse:
    lang = call.language or "es"
    tries = attempt(request)
    services.record_step(call, "self_service")
    response = VoiceResponse()
    options = gather(response, url("self_service_choice", **{"try": tries}), lang)
    say(options, _("Para escuchar o cancelar una cita, marque 1."), lang)
    say(options, _("Para conocer los documentos y el costo de un trámite, marque 2."), lang)
    say(options, _("Para volver al menú principal, marque 0."), lang)
    response.redirect(url("self_service_choice", **{"try": tries}), method="POST")
    return twiml(response)


@in_call
def self_service_choice(request: HttpRequest, call: Call) -> HttpResponse:
    pressed = digits_of(request)
    response = VoiceResponse()
    target = {"1": "code", "2": "procedures", "0": "menu"}.get(pressed or "")
    if target is None:
        return invalid(call, attempt(request), "self_service")
    response.redirect(url(target), method="POST")
    return twiml(response)


@in_call
def code(request: HttpRequest, call: Call) -> HttpResponse:
    lang = call.language or "es"
    response = VoiceResponse()
    if int(call.state.get("proof_failures", 0)) >= services.MAX_PROOF_FAILURES:
        return goodbye(response, lang)
    entry = gather(response, url("code_entered"), lang, num_digits=CODE_LENGTH, timeout=10, finish_on_key="#")
    say(
        entry,
        _(
            "Marque los %(n)s caracteres de su código de confirmación. Para una letra, marque la tecla "
            "que la lleva: por ejemplo, para la A, marque 2."
        )
        % {"n": CODE_LENGTH},
        lang,
    )
    response.redirect(url("code_entered"), method="POST")
    return twiml(response)


@in_call
def code_entered(request: HttpRequest, call: Call) -> HttpResponse:
    lang = call.language or "es"
    services.remember_code(call, digits_of(request) or "")
    response = VoiceResponse()
    entry = gather(response, url("proof"), lang, num_digits=8, timeout=10, finish_on_key="#")
    say(
        entry,
        _(
            "Ahora marque la fecha de nacimiento que aparece en la CURP de la persona citada, con ocho "
            "dígitos: año, mes y día. Por ejemplo, para el 12 de abril de 1985, marque 1 9 8 5 0 4 1 2."
        ),
        lang,
    )
    response.redirect(url("proof"), method="POST")
    return twiml(response)


@in_call
def proof(request: HttpRequest, call: Call) -> HttpResponse:
    lang = call.language or "es"
    outcome = services.prove(call, digits_of(request) or "")
    response = VoiceResponse()
    if outcome.appointment is not None:
        response.redirect(url("appointment"), method="POST")
        return twiml(response)
    if outcome.ambiguous:
        say(
            response,
            _("No podemos identificar esa cita por teléfono. Consulte el portal o hable con un agente."),
            lang,
        )
        response.redirect(url("menu"), method="POST")
        return twiml(response)
    # The same words whether the code or the date was wrong: the line never says a code exists.
    say(response, _("No encontramos una cita con esos datos."), lang)
    if outcome.exhausted:
        return goodbye(response, lang)
    response.redirect(url("code"), method="POST")
    return twiml(response)


def describe(appointment: Appointment, lang: str) -> str:
    start = appointment.slot.start.astimezone(office_zone(appointment.office))
    day = date_format(start, _("l j \\d\\e F \\d\\e Y"))
    time = date_format(start, "G:i")
    text = _("Su cita para %(procedure)s en %(office)s es el %(day)s a las %(time)s, hora local.") % {
        "procedure": appointment.procedure.name,
        "office": appointment.office.name,
        "day": day,
        "time": time,
    }
    status = appointment.get_status_display()
    return f"{text} {_('Estado')}: {status}."


@in_call
def appointment(request: HttpRequest, call: Call) -> HttpResponse:
    lang = call.language or "es"
    found = services.proven_appointment(call)
    response = VoiceResponse()
    if found is None:
        response.redirect(url("menu"), method="POST")
        return twiml(response)
    services.record_step(call, "appointment_heard", found.code)
    say(response, describe(found, lang), lang)
    options = gather(response, url("appointment_choice"), lang)
    if found.status in ACTIVE_STATUSES:
        say(options, _("Para cancelar esta cita, marque 1."), lang)
    say(options, _("Para repetir, marque 0."), lang)
    say(options, _("Para volver al menú principal, marque 2."), lang)
    response.redirect(url("menu"), method="POST")
    return twiml(response)


@in_call
def appointment_choice(request: HttpRequest, call: Call) -> HttpResponse:
    lang = call.language or "es"
    pressed = digits_of(request)
    response = VoiceResponse()
    if pressed == "1":
        confirm = gather(response, url("cancel"), lang)
        say(
            confirm,
            _("Para confirmar la cancelación de su cita, marque 1. Para no cancelarla, marque 2."),
            lang,
        )
        response.redirect(url("appointment"), method="POST")
        return twiml(response)
    response.redirect(url("appointment" if pressed == "0" else "menu"), method="POST")
    return twiml(response)


@in_call
def cancel(request: HttpRequest, call: Call) -> HttpResponse:
    lang = call.language or "es"
    response = VoiceResponse()
    if digits_of(request) != "1":
        services.record_step(call, "cancel_declined")
        response.redirect(url("appointment"), method="POST")
        return twiml(response)
    try:
        services.cancel_proven(call)
    except DomainError as refusal:
        services.record_step(call, "cancel_refused", getattr(refusal, "code", ""))
        say(response, str(refusal.message) or _("No fue posible cancelar la cita."), lang)
        response.redirect(url("menu"), method="POST")
        return twiml(response)
    say(
        response,
        _("Su cita fue cancelada. Si nos dio un correo electrónico, le enviaremos la confirmación."),
        lang,
    )
    response.redirect(url("menu"), method="POST")
    return twiml(response)


# --- Procedures: documents and fee ---------------------------------------------------------------


def procedure_list() -> list[tuple[int, str]]:
    return [(n, p.code) for n, p in enumerate(catalog.active_procedures(), start=1)]


@in_call
def procedures(request: HttpRequest, call: Call) -> HttpResponse:
    lang = call.language or "es"
    tries = attempt(request)
    services.record_step(call, "procedures")
    response = VoiceResponse()
    choice = url("procedure_choice", **{"try": tries})
    options = gather(response, choice, lang, num_digits=None, timeout=4, finish_on_key="#")
    for n, procedure in enumerate(catalog.active_procedures(), start=1):
        say(options, _("Para %(name)s, marque %(n)s.") % {"name": procedure.name, "n": n}, lang)
    response.redirect(choice, method="POST")
    return twiml(response)


@in_call
def procedure_choice(request: HttpRequest, call: Call) -> HttpResponse:
    lang = call.language or "es"
    pressed = (digits_of(request) or "").rstrip("#")
    chosen = dict(procedure_list()).get(int(pressed)) if pressed.isdigit() and len(pressed) <= 2 else None
    procedure = catalog.get_procedure(chosen) if chosen else None
    response = VoiceResponse()
    if procedure is None:
        return invalid(call, attempt(request), "procedures")
    services.record_step(call, "procedure_info", procedure.code)
    say(response, procedure.name + ".", lang)
    documents = ". ".join(line.strip() for line in procedure.documents.splitlines() if line.strip())
    if documents:
        say(response, _("Documentos que debe llevar: %(documents)s.") % {"documents": documents}, lang)
    today = timezone.localdate(timezone=line_hours.line_zone())
    for fee in catalog.current_fees(procedure, today):
        currency = _("dólares canadienses") if fee.currency == "CAD" else _("dólares")
        amount = f"{fee.amount_cents // 100}" + (
            f".{fee.amount_cents % 100:02d}" if fee.amount_cents % 100 else ""
        )
        say(
            response,
            _("%(name)s: %(amount)s %(currency)s.")
            % {"name": fee.name, "amount": amount, "currency": currency},
            lang,
        )
    response.redirect(url("menu"), method="POST")
    return twiml(response)


# --- The provider's status callback ----------------------------------------------------------------


@voice_webhook
def status(request: HttpRequest) -> HttpResponse:
    post = request.POST
    sid = post.get("CallSid", "")
    if _SID.fullmatch(sid):
        try:
            call = services.finish_call(
                call_sid=sid,
                status=post.get("CallStatus", ""),
                duration=post.get("CallDuration", ""),
                to=post.get("To", ""),
                caller=post.get("From", ""),
            )
            if call.ended_at is not None:
                queue.caller_left(call=call)
        except Exception:
            logger.exception("Could not record the status of call %r", sid)
    return twiml(VoiceResponse())
