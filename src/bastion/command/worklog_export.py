"""A work log as it is filed: a PDF to print and a Word-compatible .docx, each with the log's text as signed, the
signature, and every amendment after it with its author and time (the signed text itself is never rewritten)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bastion.command.models import WorkLog
from bastion.core.pdf import styles, text

# "1. Reports filed": a section heading of the draft (the office may keep or change the layout).
HEADING = re.compile(r"^\d{1,2}[.、]\s*\S")
# A Chinese font Word and WPS have on every Chinese Windows; elsewhere the viewer falls back to its own.
DOCX_EAST_ASIAN_FONT = "宋体"


def _when(at: dt.datetime | None) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}" if at is not None else ""


def title_of(log: WorkLog) -> str:
    return _("Work log of %(post)s, %(day)s") % {"post": log.command_post.name, "day": f"{log.day:%Y-%m-%d}"}


def facts_of(log: WorkLog) -> list[tuple[str, str]]:
    """The labelled facts above the text: the post, its unit, the day, the status and the signature."""
    facts = [
        (_("Command post"), log.command_post.name),
        (_("Unit"), log.command_post.org_unit.display_name),
        (_("Day"), f"{log.day:%Y-%m-%d}"),
        (_("Status"), log.get_status_display()),
    ]
    if log.status == WorkLog.Status.SIGNED:
        facts.append((_("Signed by"), f"{log.signed_by or _('the system')}, {_when(log.signed_at)}"))
    return facts


def _lines(body: str) -> Iterator[tuple[str, str]]:
    """(kind, line) for each line of the text: "heading", "indent", "line", or "blank"."""
    for line in body.splitlines():
        if not line.strip():
            yield "blank", ""
        elif HEADING.match(line):
            yield "heading", line.strip()
        elif line.startswith((" ", "\t")):
            yield "indent", line.strip()
        else:
            yield "line", line.strip()


def filename(log: WorkLog, extension: str) -> str:
    return f"worklog-{log.command_post.org_unit_id}-{log.day:%Y%m%d}.{extension}"


def worklog_pdf(log: WorkLog) -> bytes:
    """The log on A4: title, facts, the text, then the amendments; Chinese drawn with the embedded font."""
    look = styles()
    heading = ParagraphStyle("heading", parent=look.body, fontSize=14, leading=22, spaceBefore=3 * mm)
    indent = ParagraphStyle("indent", parent=look.body, leftIndent=8 * mm, spaceAfter=1 * mm)
    line_style = ParagraphStyle("line", parent=look.body, spaceAfter=1 * mm)
    story: list[Flowable] = [Paragraph(text(title_of(log)), look.title)]
    table = Table(
        [[Paragraph(text(label), look.body), Paragraph(text(value), look.body)] for label, value in facts_of(log)],
        colWidths=[40 * mm, 125 * mm],
    )
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#555555"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [table, Spacer(1, 6 * mm)]
    for kind, line in _lines(log.body):
        if kind == "blank":
            story.append(Spacer(1, 2 * mm))
        else:
            style = {"heading": heading, "indent": indent}.get(kind, line_style)
            story.append(Paragraph(text(line), style))
    amendments = list(log.amendments.all())
    if amendments:
        story += [Spacer(1, 6 * mm), Paragraph(text(_("Amendments after signing")), heading)]
        for amendment in amendments:
            said = _("%(at)s, by %(by)s:") % {"at": _when(amendment.at), "by": amendment.by}
            story += [Paragraph(text(said), look.small), Paragraph(text(amendment.text), line_style)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title_of(log), author="Bastion", topMargin=20 * mm).build(story)
    return buffer.getvalue()


def worklog_docx(log: WorkLog) -> bytes:
    """The log as a Word document (.docx) with the same parts as the PDF, for offices that file logs in Word."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), DOCX_EAST_ASIAN_FONT)
    document.core_properties.title = title_of(log)
    document.core_properties.author = "Bastion"
    document.add_heading(title_of(log), level=0)
    facts = facts_of(log)
    table = document.add_table(rows=len(facts), cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, facts, strict=True):
        row.cells[0].text, row.cells[1].text = label, value
    for kind, line in _lines(log.body):
        if kind == "heading":
            document.add_heading(line, level=2)
        elif kind == "indent":
            document.add_paragraph(line, style="List Bullet 2")
        elif kind == "line":
            document.add_paragraph(line)
    amendments = list(log.amendments.all())
    if amendments:
        document.add_heading(_("Amendments after signing"), level=1)
        for amendment in amendments:
            said = document.add_paragraph()
            said.add_run(_("%(at)s, by %(by)s:") % {"at": _when(amendment.at), "by": amendment.by}).italic = True
            for paragraph in amendment.text.splitlines():
                if paragraph.strip():
                    document.add_paragraph(paragraph.strip())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
