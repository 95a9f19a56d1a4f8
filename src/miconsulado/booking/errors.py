"""Booking's domain errors, defined once. Edges translate them (see core.errors.DomainError.kind).
Why a time cannot be booked (past, too soon, closed…) is scheduling's answer: scheduling/errors.py."""

from django.utils.translation import gettext_lazy as _

from miconsulado.core.errors import Conflict, Forbidden, Invalid, NotFound


class InvalidApplicants(Invalid):
    code = "invalid_applicants"
    default_message = _("Los datos de los solicitantes no son válidos.")


class InvalidText(Invalid):
    code = "invalid_text"
    default_message = _("Contiene caracteres de control o invisibles; escríbalo sin ellos.")


class TooManyApplicants(Invalid):
    code = "too_many_applicants"
    default_message = _("Este trámite no admite tantas personas en una sola cita.")


class SlotUnavailable(Conflict):
    code = "slot_unavailable"
    default_message = _("Ese horario ya no está disponible (la oficina cambió su agenda).")


class SlotFull(Conflict):
    code = "slot_full"
    default_message = _("Ya no quedan lugares en ese horario.")


class CurpAlreadyBooked(Conflict):
    code = "curp_already_booked"
    default_message = _("Esta CURP ya tiene una cita activa para este trámite.")


class AppointmentNotFound(NotFound):
    code = "appointment_not_found"
    default_message = _("No encontramos una cita con ese código y esa CURP.")


class HoldExpired(Conflict):
    code = "hold_expired"
    default_message = _("El apartado venció; elija el horario de nuevo.")


class NotActive(Conflict):
    code = "not_active"
    default_message = _("La cita ya no está activa.")


class NotConfirmable(Conflict):
    code = "not_confirmable"
    default_message = _("Sólo se puede confirmar una cita apartada.")


class CancellationWindowClosed(Conflict):
    code = "cancellation_window_closed"
    default_message = _("Las citas sólo pueden cancelarse o reprogramarse hasta 24 horas antes.")


class IdempotencyKeyReused(Invalid):
    code = "idempotency_key_reused"
    default_message = _("Esa clave de idempotencia ya se usó con otra solicitud.")


class CurpRequired(Invalid):
    """A citizen looks up or changes an appointment with its code and a CURP in it; staff and agents
    may omit the CURP. Said as a missing field of the request is."""

    code = "validation_error"
    default_message = _("Revise los datos enviados: hay campos con errores.")

    def __init__(self, field: str = "curp") -> None:
        super().__init__(errors={field: [_("Este campo es obligatorio.")]})


class InvalidWitnesses(Invalid):
    code = "invalid_witnesses"
    default_message = _("Los datos de los testigos no son válidos.")


class VerificationCodeWrong(Invalid):
    code = "verification_code_wrong"
    default_message = _("El código de verificación no es correcto.")


class VerificationCodeExpired(Invalid):
    code = "verification_code_expired"
    default_message = _("El código de verificación venció; pida uno nuevo.")


class VerificationCodeLocked(Invalid):
    code = "verification_code_locked"
    default_message = _("Se agotaron los intentos para este código; pida uno nuevo.")


class VerificationNotRequested(Invalid):
    code = "verification_not_requested"
    default_message = _("Primero pida un código de verificación.")


class VerificationResendTooSoon(Conflict):
    code = "verification_resend_too_soon"
    default_message = _("Ya se envió un código hace poco; espere un momento antes de pedir otro.")


class VerificationResendLimit(Conflict):
    code = "verification_resend_limit"
    default_message = _("Se enviaron demasiados códigos para este apartado; elija el horario de nuevo.")


class ContactNotVerified(Forbidden):
    code = "contact_not_verified"
    default_message = _("Confirme con el código de verificación enviado al correo del primer solicitante.")


class AnonymousOneStepBookingOff(Forbidden):
    code = "anonymous_one_step_booking_off"
    default_message = _(
        "Sin token, una cita se reserva en tres pasos: aparte el horario (POST /api/v1/holds), pida "
        "el código (POST /api/v1/appointments/{code}/verification) y confirme con él "
        "(POST /api/v1/appointments/{code}/confirm)."
    )


class InvalidContact(Invalid):
    code = "invalid_contact"
    default_message = _("El contacto no es válido.")
