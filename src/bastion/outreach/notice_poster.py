"""The printable poster of a notice (A4, for the village notice boards): its title and first lines in Chinese and in
its second language, and a QR code to the notice on the public page.

Fonts come from Debian packages through fontconfig: Chinese from fonts-wqy-zenhei (``bastion.core.pdf``), Arabic
script (Uyghur, Kazakh in Arabic script) from fonts-noto-core (Noto Naskh Arabic), Cyrillic and Latin from whatever
fontconfig offers for the language. Arabic script is printed only when reportlab can shape it (uharfbuzz
installed): unshaped, its letters would stand apart and run left to right, which no one could read.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from bastion.core.pdf import font_covering, qr_drawing, styles, text
from bastion.outreach.languages import BY_CODE, CHINESE, NoticeLanguage
from bastion.outreach.models import Notice

ARABIC_FAMILIES = ("Noto Naskh Arabic", "Noto Sans Arabic")
FIRST_LINES = 320  # characters of the body on the poster, per language; the QR code leads to the rest


def second_language(notice: Notice) -> NoticeLanguage | None:
    """The notice's first language after Chinese, in the order of ``NOTICE_LANGUAGES``."""
    return next((BY_CODE[code] for code in BY_CODE if code != CHINESE and code in notice.texts), None)


def first_lines(body: str, limit: int = FIRST_LINES) -> list[str]:
    """The body's first paragraphs up to about ``limit`` characters, the last one cut with an ellipsis."""
    kept: list[str] = []
    left = limit
    for paragraph in (p.strip() for p in body.split("\n\n")):
        if not paragraph or left <= 0:
            continue
        if len(paragraph) > left:
            kept.append(paragraph[:left].rstrip() + "…")
            break
        kept.append(paragraph)
        left -= len(paragraph)
    return kept


@functools.cache
def _family_font(family: str) -> str:
    """A registered TrueType font of ``family`` (by fontconfig), or "" when it is not installed."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return ""
    found = subprocess.run(
        [fc_match, "-f", "%{family}\t%{file}", family], capture_output=True, text=True, check=False
    ).stdout
    families, _tab, path = found.partition("\t")
    if family not in families.split(",") or not path.lower().endswith((".ttf", ".otf")):
        return ""  # fontconfig fell back to another family: not the one asked for
    name = "Bastion-" + family.replace(" ", "")
    try:
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
    except (TTFError, OSError):
        return ""
    return name


def _covers(name: str, sample: str) -> bool:
    face = getattr(pdfmetrics.getFont(name), "face", None)
    return face is not None and all(ord(char) in face.charToGlyph for char in sample if not char.isspace())


def font_for(language: NoticeLanguage, sample: str) -> str:
    """A registered font that draws ``sample`` in ``language`` (and shapes it, for right-to-left scripts), or ""."""
    if language.rtl:
        for family in ARABIC_FAMILIES:
            name = _family_font(family)
            if name and _covers(name, sample) and getattr(pdfmetrics.getFont(name), "shapable", False):
                return name
    font = font_covering(sample, language.font_lang or language.code)
    if font and language.rtl and not getattr(pdfmetrics.getFont(font), "shapable", False):
        return ""
    return font


def _style(language: NoticeLanguage, font: str, size: float, leading: float, *, centred: bool = False) -> Any:
    rtl = language.rtl
    return ParagraphStyle(
        f"notice-{language.code}-{size}",
        fontName=font,
        fontSize=size,
        leading=leading,
        spaceAfter=2 * mm,
        alignment=1 if centred else (2 if rtl else 0),
        wordWrap="RTL" if rtl else None,
        shaping=1 if rtl else 0,
    )


def poster_pdf(notice: Notice, url: str) -> bytes:
    """An A4 poster: the unit, the Chinese title and first lines, the QR code to ``url``, the second language's."""
    look = styles()
    chinese = notice.texts[CHINESE]
    title = ParagraphStyle("notice-title", parent=look.title, fontSize=24, leading=32, spaceAfter=3 * mm)
    centred = ParagraphStyle("notice-centred", parent=look.small, alignment=1, spaceAfter=3 * mm)
    body = ParagraphStyle("notice-body", parent=look.body, fontSize=13, leading=20, spaceAfter=2 * mm)
    story: list[Any] = [
        Paragraph(text(notice.org_unit.display_name), centred),
        Paragraph(text(chinese["title"]), title),
        *(Paragraph(text(line), body) for line in first_lines(chinese["body"])),
    ]
    language = second_language(notice)
    if language is not None:
        version = notice.texts[language.code]
        lines = first_lines(version["body"])
        font = font_for(language, version["title"] + "".join(lines))
        if font:
            story += [
                Spacer(1, 3 * mm),
                Paragraph(text(version["title"]), _style(language, font, 18, 26, centred=True)),
                *(Paragraph(text(line), _style(language, font, 12, 19)) for line in lines),
            ]
    story += [Spacer(1, 4 * mm), qr_drawing(url, 70 * mm), Paragraph(text(url), centred)]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=chinese["title"],
        author="Bastion",
        topMargin=15 * mm,
        bottomMargin=12 * mm,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
    ).build(story)
    return buffer.getvalue()
