"""The certificate as a PDF: the learner's name in any script, the record's facts, and a way to verify it."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONTS = Path(__file__).parent / "fonts"
BRAND = HexColor("#3b2a7a")
INK = HexColor("#1b1b1f")


@dataclass(frozen=True)
class CertificateFacts:
    name: str
    course_title: str
    course_version: str
    organisation: str
    completed_on: date
    expires_on: date
    cpd_minutes: int
    code: str
    verify_url: str


@cache
def _fonts() -> dict[str, TTFont]:
    fonts = {
        "Sans": TTFont("Sans", str(FONTS / "DejaVuSans.ttf")),
        "Sans-Bold": TTFont("Sans-Bold", str(FONTS / "DejaVuSans-Bold.ttf")),
        # Chinese, Japanese and Korean names, which DejaVu does not cover.
        "Fallback": TTFont("Fallback", str(FONTS / "DroidSansFallbackFull.ttf")),
    }
    for font in fonts.values():
        pdfmetrics.registerFont(font)
    return fonts


def runs(text: str, preferred: str) -> list[tuple[str, str]]:
    """Split text into (font, piece) runs: the preferred font wherever it has the glyph, else the fallback."""
    covered = _fonts()[preferred].face.charToGlyph
    pieces: list[tuple[str, str]] = []
    for char in text:
        font = preferred if ord(char) in covered or char.isspace() else "Fallback"
        if pieces and pieces[-1][0] == font:
            pieces[-1] = (font, pieces[-1][1] + char)
        else:
            pieces.append((font, char))
    return pieces


def _centred(
    canvas: Canvas, text: str, y: float, size: float, font: str = "Sans", color: object = INK
) -> None:
    pieces = runs(text, font)
    total = sum(pdfmetrics.stringWidth(piece, name, size) for name, piece in pieces)
    x = (landscape(A4)[0] - total) / 2
    canvas.setFillColor(color)
    for name, piece in pieces:
        canvas.setFont(name, size)
        canvas.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, name, size)


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if hours else f"{rest} min"


def _day(value: date) -> str:
    return value.strftime("%-d %B %Y")


def render_certificate(facts: CertificateFacts) -> bytes:
    _fonts()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height), invariant=True)
    canvas.setTitle(f"Certificate of completion: {facts.name}")
    canvas.setAuthor(facts.organisation)
    canvas.setSubject(f"{facts.course_title}, version {facts.course_version}")
    canvas.setStrokeColor(BRAND)
    canvas.setLineWidth(6)
    canvas.rect(24, 24, width - 48, height - 48)
    _centred(canvas, "Certificate of completion", height - 110, 30, "Sans-Bold", BRAND)
    _centred(canvas, "This certifies that", height - 160, 14)
    _centred(canvas, facts.name, height - 205, 30, "Sans-Bold")
    _centred(canvas, "has completed", height - 245, 14)
    _centred(canvas, facts.course_title, height - 280, 20, "Sans-Bold")
    _centred(canvas, f"Course version {facts.course_version} · {facts.organisation}", height - 308, 12)
    _centred(
        canvas,
        f"Completed {_day(facts.completed_on)} · Valid until {_day(facts.expires_on)} · "
        f"CPD time {_duration(facts.cpd_minutes)}",
        height - 345,
        13,
    )
    canvas.setFont("Sans", 11)
    canvas.setFillColor(INK)
    canvas.drawString(60, 90, f"Verification code: {facts.code}")
    canvas.drawString(60, 72, f"Check this certificate at {facts.verify_url}")
    qr = QrCodeWidget(facts.verify_url)
    left, bottom, right, top = qr.getBounds()
    size = 96
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, canvas, width - 60 - size, 50)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
