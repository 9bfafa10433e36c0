"""Excel exports of the observation lists: cases, sites, deliveries, the care register; ID and phone numbers
are never exported.

Workbooks are written in openpyxl's write-only mode, row by row, so a county's list does not sit in memory.
Text a person typed is always written as text, never as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bastion.observation.models import CarePerson, DeliveryLine, DeliveryRequest, ObservationCase

Cell = object  # a str, int, date or None; openpyxl writes each as it is


def _cell(sheet: WriteOnlyWorksheet, value: Cell, *, bold: bool = False) -> WriteOnlyCell:
    written = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        written.data_type = "s"  # "=HYPERLINK(…)" typed into a note stays text
    if bold:
        written.font = Font(bold=True)
    return written


def sheet_with_header(book: Workbook, title: str, header: Sequence[str]) -> WriteOnlyWorksheet:
    """A new sheet of ``book`` with a bold, frozen header row; characters Excel refuses in a title are blanked."""
    for forbidden in "[]:*?/\\":
        title = title.replace(forbidden, " ")
    sheet: WriteOnlyWorksheet = book.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, name, bold=True) for name in header])
    return sheet


def row_append(sheet: WriteOnlyWorksheet, values: Sequence[Cell]) -> None:
    sheet.append([_cell(sheet, value) for value in values])


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_workbook(title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """One sheet: a bold header, then the rows."""
    book = Workbook(write_only=True)
    sheet = sheet_with_header(book, title, header)
    for row in rows:
        row_append(sheet, row)
    return workbook_bytes(book)


def _when(value: object) -> str:
    if value is None:
        return ""
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"  # type: ignore[arg-type]


def _quantity(line: DeliveryLine, value: int | None) -> str:
    return f"{line.item} {value}{line.item.unit_of_measure}" if value is not None else ""


def volunteer_of(request: DeliveryRequest) -> str:
    return request.assignee_name or (str(request.assignee) if request.assignee else "")


def deliveries_workbook(deliveries: Iterable[DeliveryRequest]) -> bytes:
    """A sheet of deliveries, one row each, and a sheet of their lines, one row per item, to add up."""
    book = Workbook(write_only=True)
    requests = sheet_with_header(
        book,
        _("Deliveries"),
        [
            _("Number"),
            _("Unit"),
            _("Full name"),
            _("Home address"),
            _("Status"),
            _("Asked for"),
            _("Quantity handed over"),
            _("Requested at"),
            _("Volunteer or team"),
            _("Delivered at"),
            _("Note"),
            _("Delivery note"),
        ],
    )
    lines = sheet_with_header(
        book,
        _("Items"),
        [_("Number"), _("Unit"), _("Full name"), _("Item"), _("Quantity asked for"), _("Quantity handed over")],
    )
    for request in deliveries:
        items = list(request.lines.all())
        row_append(
            requests,
            [
                request.pk,
                request.org_unit.display_name,
                request.person.name,
                request.person.address,
                request.get_status_display(),
                "; ".join(_quantity(line, line.quantity) for line in items),
                "; ".join(_quantity(line, line.delivered) for line in items if line.delivered is not None),
                _when(request.requested_at),
                volunteer_of(request),
                _when(request.delivered_at),
                request.note,
                request.delivery_note,
            ],
        )
        for line in items:
            row_append(
                lines,
                [
                    request.pk,
                    request.org_unit.display_name,
                    request.person.name,
                    str(line.item),
                    line.quantity,
                    line.delivered,
                ],
            )
    return workbook_bytes(book)


def care_workbook(entries: Iterable[CarePerson]) -> bytes:
    """One row per person in difficulty: unit, name, address, categories, needs, last contact, next visit due."""
    book = Workbook(write_only=True)
    sheet = sheet_with_header(
        book,
        _("People in difficulty"),
        [
            _("Unit"),
            _("Full name"),
            _("Home address"),
            _("Categories"),
            _("Needs"),
            _("Last visit or call"),
            _("Next visit due"),
            _("Followed"),
        ],
    )
    for care in entries:
        row_append(
            sheet,
            [
                care.org_unit.display_name,
                care.person.name,
                care.person.address,
                ", ".join(str(c) for c in care.categories.all()),
                care.needs,
                _when(getattr(care, "last_contact_at", None)),
                f"{care.next_contact_due:%Y-%m-%d}" if care.next_contact_due else "",
                _("yes") if care.is_active else _("no"),
            ],
        )
    return workbook_bytes(book)


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
            _when(case.ended_at),
        ]
        for case in cases
    )
    return table_workbook(_("Observation cases"), header, rows)
