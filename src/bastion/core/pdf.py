"""Printable PDFs (release notes, briefings, posters) with Chinese that renders on any viewer.

The font is embedded: WenQuanYi Zen Hei (Debian's fonts-wqy-zenhei, a TrueType collection that
reportlab can subset), found through fontconfig. Without it, reportlab's built-in ``STSong-Light``
is named instead; viewers with Chinese fonts of their own still show the text.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

EMBEDDED_FONT = "WenQuanYiZenHei"
FALLBACK_FONT = "STSong-Light"
FONT_FAMILIES = ("WenQuanYi Zen Hei", "WenQuanYi Micro Hei")


def _font_file(family: str) -> str:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return ""
    result = subprocess.run([fc_match, "-f", "%{file}", family], capture_output=True, text=True, check=False)
    path = result.stdout.strip()
    return path if path.lower().endswith((".ttc", ".ttf")) else ""


@functools.cache
def cjk_font() -> str:
    """The name of a registered font that draws Chinese: embedded when a TrueType one is installed."""
    for family in FONT_FAMILIES:
        path = _font_file(family)
        if not path:
            continue
        try:
            pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, path, subfontIndex=0))
        except (TTFError, OSError):
            continue
        return EMBEDDED_FONT
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle


def styles() -> Styles:
    font = cjk_font()
    return Styles(
        title=ParagraphStyle("title", fontName=font, fontSize=20, leading=28, alignment=1, spaceAfter=8 * mm),
        body=ParagraphStyle("body", fontName=font, fontSize=12, leading=20, wordWrap="CJK", spaceAfter=3 * mm),
        small=ParagraphStyle("small", fontName=font, fontSize=9, leading=13, wordWrap="CJK"),
    )


def text(value: object) -> str:
    """Escape text for a reportlab Paragraph, keeping line breaks."""
    return escape(str(value)).replace("\n", "<br/>")


def document(
    *,
    title: str,
    paragraphs: Sequence[str] = (),
    rows: Sequence[tuple[str, str]] = (),
    closing: Sequence[str] = (),
    footer: str = "",
) -> bytes:
    """An A4 page: a title, paragraphs, a two-column table of labelled values, closing lines on the right."""
    look = styles()
    story: list[object] = [Paragraph(text(title), look.title)]
    story += [Paragraph(text(p), look.body) for p in paragraphs]
    if rows:
        table = Table(
            [[Paragraph(text(label), look.body), Paragraph(text(value), look.body)] for label, value in rows],
            colWidths=[45 * mm, 120 * mm],
        )
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#555555"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [table, Spacer(1, 10 * mm)]
    right = ParagraphStyle("right", parent=look.body, alignment=2)
    story += [Paragraph(text(line), right) for line in closing]
    if footer:
        story += [Spacer(1, 15 * mm), Paragraph(text(footer), look.small)]
    buffer = io.BytesIO()
    author = "Bastion"
    SimpleDocTemplate(buffer, pagesize=A4, title=title, author=author, topMargin=25 * mm).build(story)
    return buffer.getvalue()


@functools.cache
def font_covering(sample: str, lang: str = "") -> str:
    """The name of a registered TrueType font with a glyph for every letter of ``sample``, or "" if none.

    The Chinese font when it covers the sample, else the one fontconfig offers for ``lang`` (an ISO
    639 code such as "kk"). Glyphs alone do not render Arabic script: that needs shaping as well
    (``pdfmetrics.getFont(name).shapable``, true only when uharfbuzz is installed).
    """

    def covers(name: str) -> bool:
        face = getattr(pdfmetrics.getFont(name), "face", None)  # a CID font has no face: coverage unknown
        return face is not None and all(ord(char) in face.charToGlyph for char in sample if not char.isspace())

    if covers(cjk_font()):
        return cjk_font()
    if not lang.isalpha():
        return ""
    path = _font_file(f":lang={lang.lower()}")
    if not path:
        return ""
    name = f"Bastion-{lang.lower()}"
    try:
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
    except (TTFError, OSError):
        return ""
    return name if covers(name) else ""


def qr_drawing(data: str, size: float) -> Drawing:
    """A QR code of ``data``, ``size`` points wide, centred in a story."""
    widget = QrCodeWidget(data, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    drawing.hAlign = "CENTER"
    return drawing
