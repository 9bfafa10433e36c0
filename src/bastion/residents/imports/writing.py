"""Rosters written: the template, the report of refused rows, and an export of persons that reads back in.

Workbooks are written with openpyxl's write-only mode, which streams rows to a temporary file, so a
report of many refused rows does not sit in memory.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bastion.residents.imports.checking import RosterError
from bastion.residents.imports.reading import COLUMNS, VARIANTS, Cell
from bastion.residents.models import Person

TEMPLATE_KEYS = (
    "serial",
    "name",
    "sex",
    "id_number",
    "phone",
    "address",
    "unit_name",
    "tags",
    "from_region",
    "arrival_date",
    "mode",
    "transport_number",
)
EXPORT_KEYS = ("serial", "name", "sex", "id_number", "phone", "address", "unit_name", "tags")
TEXT_KEYS = frozenset({"id_number", "phone", "unit_code", "transport_number"})  # numbers Excel must not convert
WIDTHS = {c.key: c.width for c in COLUMNS}
ERROR_HEADER = "错误/Errors"


def header_of(key: str) -> str:
    """The Chinese header the template writes for a column."""
    return VARIANTS[key][0]


def _cell(sheet: WriteOnlyWorksheet, value: object, *, bold: bool = False, as_text: bool = False) -> WriteOnlyCell:
    written = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        written.data_type = "s"  # a value such as "=HYPERLINK(…)" stays text, never a formula
    if as_text:
        written.number_format = "@"
    if bold:
        written.font = Font(bold=True)
    return written


def _sheet(book: Workbook, title: str, keys: Sequence[str]) -> WriteOnlyWorksheet:
    sheet: WriteOnlyWorksheet = book.create_sheet(title=title[:31])
    for index, key in enumerate(keys, 1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[key]
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, header_of(key), bold=True) for key in keys])
    return sheet


def _row(sheet: WriteOnlyWorksheet, keys: Sequence[str], values: Sequence[object]) -> list[WriteOnlyCell]:
    return [_cell(sheet, value, as_text=key in TEXT_KEYS) for key, value in zip(keys, values, strict=True)]


def _saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def roster_template() -> bytes:
    """The headers and one example row (its unit is an example, so a forgotten example row is refused)."""
    book = Workbook(write_only=True)
    sheet = _sheet(book, _("Roster"), TEMPLATE_KEYS)
    example = [1, "张三", "男", "652328199001011016", "13812345678", "幸福路1号", _("Example village")]
    example += ["返乡务工人员", "乌鲁木齐市", "2020-01-25", "火车", "T9527"]
    sheet.append(_row(sheet, TEMPLATE_KEYS, example))
    return _saved(book)


class ErrorReport:
    """The refused rows as they were, sheet by sheet, each with its problems in a last column."""

    def __init__(self) -> None:
        self.book = Workbook(write_only=True)
        self.sheets: dict[str, WriteOnlyWorksheet] = {}
        self.count = 0

    def add(
        self, sheet_name: str, headers: Sequence[str], cells: Sequence[Cell], errors: Sequence[RosterError]
    ) -> None:
        sheet = self.sheets.get(sheet_name)
        if sheet is None:
            sheet = self.sheets[sheet_name] = self.book.create_sheet(title=sheet_name[:31])
            sheet.append([_cell(sheet, h, bold=True) for h in headers] + [_cell(sheet, ERROR_HEADER, bold=True)])
        problems = "; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors)
        sheet.append([_cell(sheet, value) for value in cells] + [_cell(sheet, problems)])
        self.count += 1

    def save(self) -> bytes:
        """The workbook, or nothing when no row was refused."""
        return _saved(self.book) if self.count else b""


def persons_workbook(persons: Iterable[Person], *, reveal: bool = False) -> bytes:
    """A roster of ``persons`` (tags prefetched) in the template's columns; numbers masked unless ``reveal``."""
    book = Workbook(write_only=True)
    sheet = _sheet(book, _("Persons"), EXPORT_KEYS)
    for serial, person in enumerate(persons, 1):
        values = [
            serial,
            person.name,
            {"M": "男", "F": "女"}.get(person.sex, ""),
            person.id_number if reveal else person.masked_id_number,
            person.phone if reveal else person.masked_phone,
            person.address,
            person.org_unit.name,
            "、".join(str(tag) for tag in person.tags.all()),
        ]
        sheet.append(_row(sheet, EXPORT_KEYS, values))
    return _saved(book)
