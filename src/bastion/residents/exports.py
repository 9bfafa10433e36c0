"""Excel exports of screening lists: the persons behind a progress figure."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from bastion.residents.models import VisitTask


def tasks_workbook(tasks: Iterable[VisitTask]) -> bytes:
    """One row per task: unit, person, address, outcome or exception, last visit; numbers are not exported."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Visit tasks"))
    header = [
        _("Unit"),
        _("Full name"),
        _("Home address"),
        _("Outcome"),
        _("Explained exception"),
        _("Handed over from"),
        _("Last visit"),
    ]
    bold = Font(bold=True)
    cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for task in tasks:
        sheet.append(
            [
                task.org_unit.display_name,
                task.person.name,
                task.person.address,
                task.get_outcome_display() if task.outcome else _("not accounted for") if not task.accounted else "",
                task.exception_reason,
                task.handed_from.display_name if task.handed_from else "",
                task.visited_at.strftime("%Y-%m-%d %H:%M") if task.visited_at else "",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
