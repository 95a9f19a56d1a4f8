"""The appointment's receipt (acuse) as a PDF, written with fpdf2 (no browser): what a person brings
to the office printed or on a phone, and what the desk scans (the QR code holds the confirmation
code) to check them in.

Fonts (fonts/README.md): PDF's built-in Helvetica when every text is Latin-1 (Spanish and English
are), else an embedded subset of DejaVu Sans; a character neither has is printed as "?".
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import qrcode
from django.utils import translation
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from fpdf import FPDF

from miconsulado.booking.models import Appointment, AppointmentStatus
from miconsulado.notifications import details

UNICODE_FONT = Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"
MISSING = "?"
QR_SIZE_MM = 42

# fpdf2 subsets an embedded font with fontTools, which logs each step at INFO: a dozen lines per
# Unicode receipt in the worker's log, none of them news.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def appointment_receipt(appointment: Appointment, *, language: str) -> bytes:
    """The receipt of the appointment in `language` (es or en)."""
    with translation.override(language):
        return _Receipt(appointment, language).render()


def _qr_image(text: str) -> Any:
    """The QR code as a small 1-bit image: 4 pixels a module (the PDF scales it; fpdf2 embeds fewer
    pixels), and a fixed mask pattern. Every decoder reads all eight masks; trying each to pick the
    one with the fewest look-alike patterns was most of the code's cost (and a fifth of a receipt's),
    for a short code that scans either way."""
    qr = qrcode.QRCode(border=2, box_size=4, mask_pattern=0)
    qr.add_data(text)
    qr.make(fit=True)
    return qr.make_image().get_image()


def receipt_filename(appointment: Appointment) -> str:
    return f"acuse-{appointment.code}.pdf"


def _latin1(text: str) -> bool:
    return all(ord(c) < 256 for c in text)


@lru_cache(maxsize=1)
def _unicode_font_chars() -> frozenset[int]:
    """The code points DejaVu Sans draws (read once per process)."""
    font = TTFont(UNICODE_FONT, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


class _Receipt:
    def __init__(self, appointment: Appointment, language: str) -> None:
        office = appointment.office
        self.appointment = appointment
        self.language = language
        # A receipt of anything but a confirmed appointment must not pass for one.
        self.warning = {
            AppointmentStatus.CANCELLED: _("CITA CANCELADA"),
            AppointmentStatus.EXPIRED: _("APARTADO VENCIDO: NO HAY CITA"),
            AppointmentStatus.HELD: _("APARTADO: LA CITA AÚN NO ESTÁ CONFIRMADA"),
        }.get(AppointmentStatus(appointment.status))
        self.title = _("Acuse de cita")
        self.fields = [
            (_("Oficina"), office.name),
            (_("Dirección"), office.address or office.city),
            (_("Fecha y hora"), details.local_when(appointment)),
            (_("Trámite"), appointment.procedure.name),
        ]
        self.people = details.people(appointment)
        self.documents = details.documents(appointment)
        self.fees = details.fees(appointment)
        self.texts = [
            self.title,
            self.warning or "",
            *(t for field in self.fields for t in field),
            *(p.name for p in self.people),
            *self.documents,
            *self.fees,
        ]
        self.unicode = not all(_latin1(t) for t in self.texts)

    def render(self) -> bytes:
        pdf = FPDF(format="Letter")
        pdf.set_creation_date(self.appointment.updated_at.astimezone(dt.UTC))
        pdf.set_title(f"{self.title} {self.appointment.code}")
        pdf.set_lang(self.language)
        pdf.set_margins(20, 20, 20)
        pdf.set_auto_page_break(True, margin=20)
        if self.unicode:
            pdf.add_font("dejavu", "", str(UNICODE_FONT))
        pdf.add_page()
        self.pdf = pdf
        self._heading()
        for label, value in self.fields:
            self._field(label, value)
        self._section(_("Solicitantes"), [f"{p.name}  (CURP {p.masked_curp})" for p in self.people])
        if self.documents:
            self._section(_("Documentos que debe llevar:"), [f"- {item}" for item in self.documents])
        if self.fees:
            self._section(_("Costo"), self.fees)
        pdf.ln(4)
        self._font(12, bold=True)
        self._line(_("Llegue 15 minutos antes."), 7)
        return bytes(pdf.output())

    def _font(self, size: float, *, bold: bool = False) -> None:
        # DejaVu Sans is kept in its regular face only: a Unicode receipt has no bold.
        if self.unicode:
            self.pdf.set_font("dejavu", "", size)
        else:
            self.pdf.set_font("helvetica", "B" if bold else "", size)

    def _text(self, text: str) -> str:
        if not self.unicode:
            return text
        drawn = _unicode_font_chars()
        return "".join(c if ord(c) in drawn or c.isspace() else MISSING for c in text)

    def _line(self, text: str, height: float, width: float = 0) -> None:
        """One paragraph, wrapped if it is too wide. A line that fits is written as one cell: fpdf2's
        line breaking is most of a receipt's time, and nearly every line fits."""
        pdf = self.pdf
        text = self._text(text)
        room = width or pdf.w - pdf.r_margin - pdf.get_x()
        if pdf.get_string_width(text) < room - 2 * pdf.c_margin:
            pdf.cell(room, height, text, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.multi_cell(room, height, text, align="L", new_x="LMARGIN", new_y="NEXT")

    def _heading(self) -> None:
        pdf = self.pdf
        top = pdf.get_y()
        qr = _qr_image(self.appointment.code)
        pdf.image(qr, x=pdf.w - pdf.r_margin - QR_SIZE_MM, y=top, w=QR_SIZE_MM, h=QR_SIZE_MM)
        width = pdf.w - pdf.l_margin - pdf.r_margin - QR_SIZE_MM - 5
        self._font(18, bold=True)
        self._line(self.title, 9, width)
        self._font(14, bold=True)
        code = _("Código de confirmación: %(code)s") % {"code": self.appointment.code}
        self._line(code, 8, width)
        if self.warning:
            pdf.set_text_color(180, 0, 0)
            self._line(self.warning, 8, width)
            pdf.set_text_color(0, 0, 0)
        pdf.set_y(max(pdf.get_y(), top + QR_SIZE_MM) + 4)

    def _field(self, label: str, value: str) -> None:
        self._font(10, bold=True)
        self._line(label, 5)
        self._font(11)
        self._line(value, 6)
        self.pdf.ln(2)

    def _section(self, title: str, lines: Iterable[str]) -> None:
        self._font(10, bold=True)
        self._line(title, 5)
        self._font(11)
        for line in lines:
            self._line(line, 6)
        self.pdf.ln(2)
