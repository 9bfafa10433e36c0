"""Excel exports of observation lists; numbers are never exported."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from bastion.observation.models import ObservationCase


def table_workbook(title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """One sheet: a bold header, then the rows; text stays text (a name starting with = is no formula)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        written = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            written.append(cell)
        sheet.append(written)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cases_workbook(cases: Iterable[ObservationCase]) -> bytes:
    header = [_("Unit"), _("Full name"), _("Home address"), _("Reason"), _("Place"), _("Start"), _("Planned end")]
    header += [_("Status"), _("Ended")]
    rows = (
        [
            case.org_unit.display_name,
            case.person.name,
            case.person.address,
            str(case.reason),
            case.site.name if case.site else case.get_place_display(),
            case.start_date,
            case.planned_end,
            case.get_status_display(),
            f"{timezone.localtime(case.ended_at):%Y-%m-%d %H:%M}" if case.ended_at else "",
        ]
        for case in cases
    )
    return table_workbook(_("Observation cases"), header, rows)
