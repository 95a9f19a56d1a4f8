"""Reading a receipt back as its reader would: the text (pypdf) and the QR code (zxing-cpp)."""

from __future__ import annotations

import io

import zxingcpp
from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # Lines as one string with single spaces: a wrapped line must not break a phrase in two.
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def qr_codes(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    found = []
    for page in reader.pages:
        for image in page.images:
            found += [barcode.text for barcode in zxingcpp.read_barcodes(image.image.convert("L"))]
    return found
