"""Reading a roster workbook as counties keep it: every visible sheet, its header found below titles.

Rows come one at a time, with merged cells filled down and across, blank rows and total rows (合计,
总计, 小计) left out. Nothing here knows what a valid value is.

python-calamine reads fast but holds a whole sheet in memory, about five times its XML; a sheet whose
XML is larger than ``STREAM_ABOVE`` (some 250,000 rows) is parsed piece by piece from the zip instead
(``_xml_rows``), in constant memory; openpyxl's read-only reader keeps a little of every row it has read.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import count
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from django.utils.translation import gettext_lazy
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from bastion.core.imports import Column, Refused, _in_every_language, check_upload, unreadable

MAX_BYTES = 100 * 1024 * 1024
STREAM_ABOVE = 64 * 1024 * 1024  # uncompressed sheet XML
HEADER_SCAN = 10

Cell = int | float | str | bool | time | date | datetime | timedelta

SERIAL = Column("serial", gettext_lazy("Serial number"), width=6)
NAME = Column("name", gettext_lazy("Name"), required=True, width=12)
SEX = Column("sex", gettext_lazy("Sex"), width=6)
ID_NUMBER = Column("id_number", gettext_lazy("ID number"), width=22)
PHONE = Column("phone", gettext_lazy("Phone"), width=14)
ADDRESS = Column("address", gettext_lazy("Address"), width=28)
UNIT_NAME = Column("unit_name", gettext_lazy("Village or community"), width=14)
UNIT_CODE = Column("unit_code", gettext_lazy("Division code"), width=14)
TAGS = Column("tags", gettext_lazy("Categories"), width=16)
FROM_REGION = Column("from_region", gettext_lazy("Returned from"), width=16)
ARRIVAL_DATE = Column("arrival_date", gettext_lazy("Arrival date"), width=12)
MODE = Column("mode", gettext_lazy("Transport"), width=8)
TRANSPORT_NUMBER = Column("transport_number", gettext_lazy("Train, flight or plate"), width=14)
REPORTING_UNIT = Column("reporting_unit", gettext_lazy("Reporting unit"))

COLUMNS = (
    SERIAL,
    NAME,
    SEX,
    ID_NUMBER,
    PHONE,
    ADDRESS,
    UNIT_NAME,
    UNIT_CODE,
    TAGS,
    FROM_REGION,
    ARRIVAL_DATE,
    MODE,
    TRANSPORT_NUMBER,
)

# The headers counties write (the first is the template's), beside the interface labels in every language.
VARIANTS: dict[str, tuple[str, ...]] = {
    "serial": ("序号", "编号", "no", "no."),
    "name": ("姓名", "名字", "人员姓名"),
    "sex": ("性别",),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "id", "idno"),
    "phone": ("联系电话", "手机号", "手机号码", "电话", "联系方式", "电话号码", "mobile"),
    "address": ("现住址", "住址", "家庭住址", "详细地址", "居住地址"),
    "unit_name": ("所属村(社区)", "村(社区)", "所属单位", "所属村", "所属社区", "村", "社区", "村居", "unit"),
    "unit_code": ("区划代码", "行政区划代码"),
    "tags": ("人员类别", "人员类型", "类别"),
    "from_region": ("从何地返回", "来源地", "返回前所在地", "出发地", "从何地来", "from"),
    "arrival_date": ("返回日期", "返乡日期", "到达日期", "抵达日期", "返回时间", "到达时间"),
    "mode": ("交通方式", "交通工具", "返回方式"),
    "transport_number": ("车次航班车牌", "车次/航班/车牌", "车次", "航班号", "车牌号", "车次/航班号/车牌号"),
}
TOTALS = ("合计", "总计", "小计")
_REPORTING_UNIT = re.compile(r"填报单位:?(.+?)(?:填报日期|填报人|联系电话|$)")


def norm(value: object) -> str:
    """A header as compared: NFKC (full-width made plain), no spaces or line breaks, no trailing *, casefolded."""
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", "", text).rstrip("*").casefold()


@lru_cache(maxsize=1)
def _header_names() -> dict[str, str]:
    """Normalised header -> column key; the same in every interface language, so computed once."""
    names: dict[str, str] = {}
    for column in COLUMNS:
        for name in (*VARIANTS[column.key], column.key, *_in_every_language(column.label)):
            names.setdefault(norm(name), column.key)
    return names


@dataclass
class SheetRows:
    """One sheet with a header: where each known column is, and its data rows as (Excel row number, cells)."""

    name: str
    header_row: int
    headers: list[str]
    positions: dict[str, int]
    reporting_unit: str
    rows: Iterator[tuple[int, list[Cell]]]


@dataclass
class Roster:
    """A roster workbook; ``sheets()`` yields the sheets with a header and notes the others in ``skipped``."""

    data: bytes
    skipped: list[str] = field(default_factory=list)
    rows_seen: int = 0  # rows of the sheets loaded so far, titles included: the progress bar's total

    def __post_init__(self) -> None:
        check_upload(len(self.data), self.data[:4], MAX_BYTES)
        try:
            self.streamed = max(sheet_xml_sizes(self.data), default=0) > STREAM_ABOVE
            if not self.streamed:  # calamine keeps a copy of the whole file: not for the big ones
                self.book = CalamineWorkbook.from_filelike(io.BytesIO(self.data))
                self.visible = [m.name for m in self.book.sheets_metadata if m.visible == SheetVisibleEnum.Visible]
        except Exception as exc:  # zipfile and calamine raise several unrelated types for a damaged file
            raise Refused(unreadable()) from exc

    def sheets(self) -> Iterator[SheetRows]:
        if self.streamed:
            yield from self._streamed_sheets()
            return
        for name in self.visible:
            try:
                sheet = self.book.get_sheet_by_name(name)
            except Exception as exc:
                raise Refused(unreadable()) from exc
            start = sheet.start or (0, 0)
            end = sheet.end
            self.rows_seen += end[0] - start[0] + 1 if end is not None else 0
            yield from self._with_header(name, _filled(sheet.iter_rows(), start, sheet.merged_cell_ranges or []))

    def _with_header(self, name: str, rows: Iterator[tuple[int, list[Cell]]]) -> Iterator[SheetRows]:
        """The sheet, if a header is found among its first rows; else it is noted as skipped."""
        found = _header(rows, _header_names())
        if found is None:
            self.skipped.append(name)
            return
        header_row, headers, positions, reporting_unit = found
        yield SheetRows(name, header_row, headers, positions, reporting_unit, _data(rows))

    def _streamed_sheets(self) -> Iterator[SheetRows]:
        try:
            archive = zipfile.ZipFile(io.BytesIO(self.data))
            strings = _shared_strings(archive)
            sheets = _workbook_sheets(archive)
        except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
            raise Refused(unreadable()) from exc
        for name, member in sheets:
            merged = _merged_ranges(archive, member)
            yield from self._with_header(name, _filled(_xml_rows(archive, member, strings), (0, 0), merged))


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _workbook_sheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(name, zip member) of every visible sheet, in the workbook's order."""
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter(f"{_RELS}Relationship")
    }
    sheets = []
    for sheet in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter(f"{_MAIN}sheet"):
        if sheet.get("state", "visible") != "visible":
            continue
        target = targets.get(sheet.get(f"{_DOC_RELS}id"), "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        sheets.append((sheet.get("name", ""), member))
    return sheets


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in item.iter(f"{_MAIN}t")) for item in root.iter(f"{_MAIN}si")]


def _xml_rows(archive: zipfile.ZipFile, member: str, strings: Sequence[str]) -> Iterator[list[Cell]]:
    """The sheet's rows from its XML, parsed piece by piece and dropped once read: constant memory.

    Rows start at row 1, missing rows are empty lists, missing cells "". Numbers stay numbers, so a
    date the sheet stores as a number arrives as its Excel serial, which ``date_clean`` reads.
    """
    expected = 1
    with archive.open(member) as xml:
        events = ElementTree.iterparse(xml, events=("start", "end"))
        sheet_data = None
        for event, element in events:
            if event == "start":
                if element.tag == f"{_MAIN}sheetData":
                    sheet_data = element
                continue
            if element.tag != f"{_MAIN}row":
                continue
            number = int(element.get("r") or expected)
            while expected < number:
                yield []
                expected += 1
            cells: list[Cell] = []
            for cell in element.iter(f"{_MAIN}c"):
                match = _CELL_REF.match(cell.get("r", ""))
                column = _column(match[1].encode()) if match else len(cells)
                cells.extend([""] * (column - len(cells)))
                cells.append(_cell_value(cell, strings))
            yield cells
            expected = number + 1
            if sheet_data is not None:
                sheet_data.clear()


def _cell_value(cell: Element, strings: Sequence[str]) -> Cell:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{_MAIN}t"))
    value = cell.findtext(f"{_MAIN}v")
    if value is None:
        return ""
    if kind == "s":
        return strings[int(value)]
    if kind == "b":
        return value == "1"
    if kind in ("str", "e"):
        return value
    number = float(value)
    return int(number) if number.is_integer() and "." not in value and "E" not in value.upper() else number


_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number - 1


def _merged_ranges(archive: zipfile.ZipFile, member: str) -> list[Range]:
    """The merged ranges of a sheet, 0-based, read by scanning its XML once in 1 MB pieces."""
    ranges: list[Range] = []
    with archive.open(member) as xml:
        tail = b""
        while piece := xml.read(1 << 20):
            window = tail + piece
            for match in _MERGE.finditer(window):
                if match.end() > len(tail):
                    top, left = int(match[2]) - 1, _column(match[1])
                    ranges.append(((top, left), (int(match[4]) - 1, _column(match[3]))))
            tail = window[-200:]
    return ranges


def sheet_xml_sizes(data: bytes) -> list[int]:
    """Uncompressed sizes of the worksheets' XML, from the zip directory: what calamine will hold in memory."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [i.file_size for i in archive.infolist() if i.filename.startswith("xl/worksheets/sheet")]


Range = tuple[tuple[int, int], tuple[int, int]]


def _filled(
    cells: Iterator[list[Cell]], start: tuple[int, int], merged: Sequence[Range]
) -> Iterator[tuple[int, list[Cell]]]:
    """(Excel row number, cells), each merged range's value (Excel keeps it in the top-left cell) copied over it."""
    first_row, first_col = start
    if not merged:  # most sheets: number the rows without looking at each
        yield from zip(count(first_row + 1), cells)
        return
    starting: dict[int, list[Range]] = {}
    for cell_range in merged:
        starting.setdefault(cell_range[0][0], []).append(cell_range)
    active: list[tuple[int, int, int, Cell]] = []  # last row, first column, last column (0-based in the row), value
    for index, row in enumerate(cells):
        absolute = first_row + index
        if absolute in starting:
            for (_r0, c0), (r1, c1) in starting.pop(absolute):
                left, right = c0 - first_col, c1 - first_col
                if 0 <= left < len(row):
                    active.append((r1, left, min(right, len(row) - 1), row[left]))
        if active:
            active = [a for a in active if a[0] >= absolute]
            for _last, left, right, value in active:
                for column in range(left, right + 1):
                    row[column] = value
        yield absolute + 1, row


def _header(
    rows: Iterator[tuple[int, list[Cell]]], names: dict[str, str]
) -> tuple[int, list[str], dict[str, int], str] | None:
    """The first of the first ``HEADER_SCAN`` rows naming the name column and one other known column."""
    reporting_unit = ""
    for _scanned, (number, row) in zip(range(HEADER_SCAN), rows, strict=False):
        positions: dict[str, int] = {}
        for index, value in enumerate(row):
            key = names.get(norm(value)) if isinstance(value, str) and value else None
            if key is not None and key not in positions:
                positions[key] = index
        if "name" in positions and len(positions) >= 2:
            return number, [_label(v) for v in row], positions, reporting_unit
        joined = norm("".join(str(v) for v in row if v != ""))
        match = _REPORTING_UNIT.search(joined) if "填报单位" in joined else None
        if match:
            reporting_unit = match[1]
    return None


def _label(value: Cell) -> str:
    """A header cell as the error list names it: 身份证\n号码 as 身份证号码, full-width characters plain."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return re.sub(r"\s+", " ", re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", text))


def _data(rows: Iterator[tuple[int, list[Cell]]]) -> Iterator[tuple[int, list[Cell]]]:
    for number, row in rows:
        if not any(row):
            continue
        head = [v for v in row[:3] if type(v) is str]
        if "计" in "".join(head) and any("计" in v and norm(v).startswith(TOTALS) for v in head):
            continue  # a 合计 or 总计 row
        yield number, row


def blank(row: Sequence[Cell]) -> bool:
    """Only spaces in every cell: a row that looks empty in Excel."""
    return all(isinstance(v, str) and not v.strip() for v in row if v != "")
