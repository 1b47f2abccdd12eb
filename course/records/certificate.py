"""The certificate as a tagged PDF (PDF/UA-1), laid out from an HTML template by WeasyPrint.

WeasyPrint shapes text with Pango and HarfBuzz, so Arabic and Hebrew names are joined and ordered right
to left and Chinese, Japanese and Korean names print from the bundled fallback font. The PDF carries the
document language, a title, a structure tree in reading order, and alternative text for the QR code.
"""

from __future__ import annotations

import atexit
import base64
import io
import threading
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import segno
from flask import render_template

HERE = Path(__file__).parent
FONTS = HERE / "fonts"
LANGUAGE = "en-GB"
_rendering = threading.Lock()  # the shared font configuration is not known to be thread-safe


@dataclass(frozen=True)
class Logo:
    """An image already checked to be a PNG or JPEG (see rules.image_type)."""

    content_type: str
    data: bytes

    @property
    def data_url(self) -> str:
        return f"data:{self.content_type};base64,{base64.b64encode(self.data).decode('ascii')}"


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
    outcomes: tuple[str, ...] = ()
    signatory_name: str = ""
    signatory_role: str = ""
    logo: Logo | None = field(default=None, repr=False)

    @property
    def title(self) -> str:
        return f"Certificate of completion: {self.name}"


def duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def day(value: date) -> str:
    return value.strftime("%-d %B %Y")


def qr_data_url(url: str) -> str:
    """The verification address as a QR code, an SVG image in a data: URL."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, dark="#1b1b1f", xmldecl=False)
    return f"data:image/svg+xml;base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"


def certificate_html(facts: CertificateFacts) -> str:
    return render_template(
        "records/certificate.html",
        facts=facts,
        language=LANGUAGE,
        completed=day(facts.completed_on),
        expires=day(facts.expires_on),
        cpd=duration(facts.cpd_minutes),
        qr=qr_data_url(facts.verify_url),
    )


@cache
def _layout_tools() -> tuple[Any, Any, Any]:
    """The stylesheet and its fonts, parsed and loaded once per process (most of a render's cost)."""
    # Imported here: WeasyPrint needs Pango at import time, and only the certificate uses it.
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("file", "data"))  # the fonts from the package, images inline
    fonts = FontConfiguration()
    stylesheet = CSS(filename=str(HERE / "certificate.css"), font_config=fonts, url_fetcher=fetcher)
    # Let go of them before the interpreter winds down, while the fonts' temporary folder can still be
    # removed (at shutdown WeasyPrint's clean-up fails and leaves the folder behind).
    atexit.register(_layout_tools.cache_clear)
    return stylesheet, fonts, fetcher


def render_certificate(facts: CertificateFacts) -> bytes:
    from weasyprint import HTML

    stylesheet, fonts, fetcher = _layout_tools()
    document = HTML(string=certificate_html(facts), base_url=HERE.as_uri() + "/", url_fetcher=fetcher)
    with _rendering:
        pdf: bytes = document.write_pdf(
            stylesheets=[stylesheet], font_config=fonts, pdf_variant="pdf/ua-1", custom_metadata=False
        )
    return pdf
