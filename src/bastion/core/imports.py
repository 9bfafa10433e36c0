"""Excel in and out for the org-unit tree and institutions: workbooks, templates, reading and checking rows.

Checking never writes and runs outside any transaction, so the progress it reports is visible to the
page that follows the job. Writing goes through the services (``services/jobs.py``), which check again.
"""

from __future__ import annotations

import gc
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypedDict, TypeVar

from django.conf import settings
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

from bastion.core.models import Institution, OrgUnit, User
from bastion.core.scope import unit_in_scope
from bastion.core.services.orgunits import DIVISION_CODE_RE

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
PROGRESS_EVERY = 50
XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive

Cell = int | float | str | bool | time | date | datetime | timedelta
Progress = Callable[[int, int], None]
T = TypeVar("T")


class RowError(TypedDict):
    row: int | None  # the Excel row number (the header is row 1); None for the whole file
    field: str
    message: str


class Refused(Exception):
    """A cell, or the whole file, that cannot be taken: the message says why, in the user's language."""

    def __init__(self, message: str, column: object = "") -> None:
        super().__init__(message)
        self.message = message
        self.column = str(column)

    def as_error(self, row: int | None = None) -> RowError:
        return {"row": row, "field": self.column, "message": self.message}


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    required: bool = False
    width: int = 16

    def __str__(self) -> str:
        return str(self.label)


CODE = Column("division_code", gettext_lazy("Division code"))
NAME = Column("name", gettext_lazy("Name"), required=True, width=24)
SHORT_NAME = Column("short_name", gettext_lazy("Display name"))
KIND = Column("kind", gettext_lazy("Kind"), required=True, width=14)
PARENT_CODE = Column("parent_code", gettext_lazy("Parent division code"))
PARENT_NAME = Column("parent_name", gettext_lazy("Parent name"), width=20)
SORT_ORDER = Column("sort_order", gettext_lazy("Sort order"), width=10)
ACTIVE = Column("active", gettext_lazy("Active"), width=8)
UNIT_NAME = Column("unit_name", gettext_lazy("Unit name"), width=20)
UNIT_CODE = Column("unit_code", gettext_lazy("Unit division code"))
NOTE = Column("note", gettext_lazy("Note"), width=30)

UNIT_EXPORT = (CODE, NAME, SHORT_NAME, KIND, PARENT_CODE, PARENT_NAME, SORT_ORDER, ACTIVE)
UNIT_IMPORT = (CODE, NAME, SHORT_NAME, KIND, PARENT_CODE, PARENT_NAME, SORT_ORDER)
INSTITUTION_EXPORT = (NAME, KIND, UNIT_NAME, UNIT_CODE, NOTE, ACTIVE)
INSTITUTION_IMPORT = (NAME, KIND, UNIT_CODE, UNIT_NAME, NOTE)


# --- writing --------------------------------------------------------------------------------------


def _sheet(book: Workbook, title: str, columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> None:
    sheet = book.create_sheet(title=title[:31])
    for index, column in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + index)].width = column.width
    sheet.freeze_panes = "A2"

    def cell(value: object, bold: bool = False) -> WriteOnlyCell:
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith("="):
            written.data_type = "s"  # a name such as "=HYPERLINK(…)" stays text, never a formula
        if bold:
            written.font = Font(bold=True)
        return written

    sheet.append([cell(str(c), bold=True) for c in columns])
    for row in rows:
        sheet.append([cell(value) for value in row])


def _book(
    title: str, columns: Sequence[Column], rows: Iterable[Sequence[object]], kinds: Sequence[tuple[str, Any]] = ()
) -> bytes:
    book = Workbook(write_only=True)
    _sheet(book, title, columns, rows)
    if kinds:
        value_label = [
            Column("value", gettext_lazy("Value"), width=18),
            Column("label", gettext_lazy("Label"), width=24),
        ]
        _sheet(book, _("Allowed kinds"), value_label, [[value, str(label)] for value, label in kinds])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def units_workbook(units: Iterable[OrgUnit]) -> bytes:
    """The units, their parents selected with them, as one sheet in the active language."""
    rows = (
        [u.division_code or "", u.name, u.short_name, u.get_kind_display()]
        + ([u.parent.division_code or "", u.parent.name] if u.parent else ["", ""])
        + [u.sort_order, _yes_no(u.is_active)]
        for u in units
    )
    return _book(_("Org units"), UNIT_EXPORT, rows)


def institutions_workbook(institutions: Iterable[Institution]) -> bytes:
    rows = (
        [i.name, i.get_kind_display(), i.org_unit.name, i.org_unit.division_code or "", i.note, _yes_no(i.is_active)]
        for i in institutions
    )
    return _book(_("Institutions"), INSTITUTION_EXPORT, rows)


def units_template() -> bytes:
    """Header, one example row (its parent does not exist, so a forgotten example fails) and the kinds."""
    example = ["", _("Example village"), "", str(OrgUnit.Kind.VILLAGE.label), "", _("Example township"), 0]
    return _book(_("Org units"), UNIT_IMPORT, [example], kinds=OrgUnit.Kind.choices)


def institutions_template() -> bytes:
    example = [_("Example clinic"), str(Institution.Kind.MEDICAL.label), "", _("Example village"), ""]
    return _book(_("Institutions"), INSTITUTION_IMPORT, [example], kinds=Institution.Kind.choices)


# --- reading --------------------------------------------------------------------------------------


def _norm(value: object) -> str:
    return re.sub(r"\s+", "", str(value)).rstrip("*").casefold()


def _in_every_language(label: Promise | str) -> set[str]:
    names = set()
    for code, _language in settings.LANGUAGES:
        with override(code):
            names.add(_norm(label))
    return names


def kind_lookup(choices: Sequence[tuple[str, Any]]) -> dict[str, str]:
    """Normalised value or label (in any interface language) -> the stored value."""
    lookup: dict[str, str] = {}
    for value, label in choices:
        lookup.update(dict.fromkeys(_in_every_language(label) | {_norm(value)}, value))
    return lookup


def text(value: Cell) -> str:
    """A cell as text; whole numbers lose the ".0" Excel gives them (division codes)."""
    if type(value) is str:  # most cells: skip the float test and the str() call
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def unreadable() -> str:
    return _("This is not an Excel workbook (.xlsx), or it is damaged. Save it from Excel as .xlsx and try again.")


def check_upload(size: int, head: bytes, max_bytes: int = MAX_BYTES) -> None:
    """Refuse what is plainly no .xlsx, or too big, before it is stored."""
    if size > max_bytes:
        raise Refused(_("The file is larger than %(size)s MB.") % {"size": max_bytes // (1024 * 1024)})
    if not head.startswith(XLSX_MAGIC):
        raise Refused(unreadable())


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while an import builds its rows.

    An import makes hundreds of thousands of containers that all live until it ends, and each
    collection walks every one of them again (a fifth of a 50,000-row import's time). Whatever cycles
    the import leaves are collected once the collector runs again.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def read_sheet(
    data: bytes,
    columns: Sequence[Column],
    *,
    one_of: Sequence[Column],
    max_rows: int | None = None,
    max_bytes: int | None = None,
) -> list[tuple[int, dict[str, str]]]:
    """The first sheet's data rows as (Excel row number, {column key: text, "" when absent}).

    The first non-empty row is the header; a header matches its label in any interface language.
    The limits default to ``MAX_ROWS`` and ``MAX_BYTES``.
    """
    max_rows = max_rows or MAX_ROWS
    check_upload(len(data), data[:4], max_bytes or MAX_BYTES)
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        end = sheet.end
        if end is not None and end[0] > max_rows:  # end is 0-based and row 1 is the header
            message = _("The sheet has %(count)s rows; at most %(limit)s can be imported at once.")
            raise Refused(message % {"count": end[0], "limit": max_rows})
        grid = sheet.to_python(skip_empty_area=False)
    except Refused:
        raise
    except Exception as exc:  # calamine raises several unrelated types for a damaged file
        raise Refused(unreadable()) from exc
    numbered = enumerate(grid, 1)
    header: list[str] | None = None
    for _number, row in numbered:  # the first row with a cell that is not blank
        cells = [text(v) for v in row]
        if any(cells):
            header = [_norm(v) for v in cells]
            break
    if header is None:
        raise Refused(_("The sheet is empty."))
    positions: dict[str, int] = {}
    for column in columns:
        names = _in_every_language(column.label) | {_norm(column.key)}
        found = next((i for i, name in enumerate(header) if name in names), None)
        if found is not None:
            positions[column.key] = found
        elif column.required:
            raise Refused(_("The column %(column)s is missing.") % {"column": column}, column)
    if not any(c.key in positions for c in one_of):
        either = _(" or ").join(str(c) for c in one_of)
        raise Refused(_("The column %(column)s is missing.") % {"column": either}, either)
    # Each wanted cell is made text once, inline for the strings most cells are, straight into the row's
    # dict: a call per cell and a list per row kept besides cost about twice as much on 50,000 rows.
    pairs = list(positions.items())
    empty = dict.fromkeys((c.key for c in columns), "")
    rows: list[tuple[int, dict[str, str]]] = []
    for number, row in numbered:
        size = len(row)
        texts = {key: v.strip() if type(v := row[i]) is str else text(v) for key, i in pairs if i < size}
        if any(texts.values()) or any(text(v) for v in row):  # a blank row is skipped
            rows.append((number, empty | texts))
    return rows


def chunks(items: Sequence[str], size: int = 2000) -> Iterable[Sequence[str]]:
    """Keeps IN lists well under SQLite's limit on query parameters."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- checking -------------------------------------------------------------------------------------


@dataclass
class UnitRow:
    row: int
    kind: str
    name: str
    short_name: str
    division_code: str | None
    sort_order: int
    parent: OrgUnit | int | None  # an int is the earlier row of the file that creates the parent
    parent_column: Column


@dataclass
class InstitutionRow:
    row: int
    kind: str
    name: str
    note: str
    org_unit: OrgUnit
    unit_column: Column


@dataclass
class Finder:
    """Finds a unit by division code or by (display) name: in the user's scope, or on an earlier row."""

    by: User
    code_column: Column
    name_column: Column
    by_code: dict[str, OrgUnit] = field(default_factory=dict)
    by_name: defaultdict[str, list[OrgUnit]] = field(default_factory=lambda: defaultdict(list))
    earlier_code: dict[str, int] = field(default_factory=dict)
    earlier_name: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    later: dict[str, int] = field(default_factory=dict)  # code or name -> the first row that has it

    def load(self, codes: set[str], names: set[str]) -> None:
        """Two queries per 2,000 distinct codes or names, whatever the number of rows."""
        for chunk in chunks(sorted(codes - {""})):
            self.by_code.update((u.division_code or "", u) for u in OrgUnit.objects.filter(division_code__in=chunk))
        for chunk in chunks(sorted(names - {""})):
            for unit in OrgUnit.objects.filter(Q(name__in=chunk) | Q(short_name__in=chunk)):
                for name in {unit.name, unit.short_name} & set(chunk):
                    self.by_name[name].append(unit)

    def remember(self, row: int, code: str, *names: str) -> None:
        if code:
            self.earlier_code.setdefault(code, row)
        for name in set(names) - {""}:
            self.earlier_name[name].append(row)

    def find(self, code: str, name: str) -> OrgUnit | int | None:
        """The unit, the row number that creates it, or None when neither code nor name is given."""
        column, value = (self.code_column, code) if code else (self.name_column, name)
        if code and not DIVISION_CODE_RE.match(code):
            raise Refused(_("A division code has exactly 12 digits."), column)
        if code:
            unit = self.by_code.get(code)
            found: list[OrgUnit | int] = [self.earlier_code[code]] if code in self.earlier_code else []
            found = found or ([unit] if unit else [])
        elif name:
            found = [*self.by_name.get(name, []), *self.earlier_name.get(name, [])]
        else:
            return None
        visible = [f for f in found if isinstance(f, int) or unit_in_scope(self.by, f)]
        if len(visible) > 1:
            message = _("More than one unit is named %(name)s: give its division code instead.")
            raise Refused(message % {"name": value}, column)
        if visible:
            return visible[0]
        if found:
            who = found[0].display_name if code and isinstance(found[0], OrgUnit) else value
            raise Refused(_("%(unit)s is outside your scope.") % {"unit": who}, column)
        if value in self.later:
            message = _("%(unit)s is on a later row (%(row)s): put a unit above the rows that name it.")
            raise Refused(message % {"unit": value, "row": self.later[value]}, column)
        raise Refused(_("No unit %(unit)s was found in your scope.") % {"unit": value}, column)


def _attempt(problems: list[RowError], row: int, check: Callable[..., T], *args: Any) -> T | None:
    try:
        return check(*args)
    except Refused as refused:
        problems.append(refused.as_error(row))
        return None


def _kind(value: str, lookup: dict[str, str], unknown: str) -> str:
    if _norm(value) not in lookup:
        raise Refused(unknown % {"kind": value} if value else _("Give the kind."), KIND)
    return lookup[_norm(value)]


def _name(value: str, message: str) -> str:
    if not value:
        raise Refused(message, NAME)
    return value


def _new_code(code: str, finder: Finder) -> str:
    if code and not DIVISION_CODE_RE.match(code):
        raise Refused(_("A division code has exactly 12 digits."), CODE)
    if code in finder.earlier_code:
        message = _("Division code %(code)s is already on row %(row)s.")
        raise Refused(message % {"code": code, "row": finder.earlier_code[code]}, CODE)
    if code in finder.by_code:
        message = _("Division code %(code)s already belongs to %(unit)s.")
        raise Refused(message % {"code": code, "unit": finder.by_code[code].display_name}, CODE)
    return code


def _sort_order(value: str) -> int:
    if value and not re.fullmatch(r"-?\d{1,9}", value):
        raise Refused(_("The sort order is a whole number."), SORT_ORDER)
    return int(value or 0)


def check_units(data: bytes, *, by: User, progress: Progress) -> tuple[list[UnitRow], list[RowError]]:
    """Every row checked without writing: the rows that passed, and one error per bad cell."""
    rows = read_sheet(data, UNIT_IMPORT, one_of=(PARENT_CODE, PARENT_NAME))
    kinds = kind_lookup(OrgUnit.Kind.choices)
    finder = Finder(by, PARENT_CODE, PARENT_NAME)
    finder.load(
        {v[k] for _n, v in rows for k in ("division_code", "parent_code")}, {v["parent_name"] for _n, v in rows}
    )
    for number, v in reversed(rows):
        finder.later.update(dict.fromkeys({v["division_code"], v["name"], v["short_name"]} - {""}, number))
    passed: list[UnitRow] = []
    errors: list[RowError] = []
    failed: set[int] = set()
    progress(0, len(rows))
    for done, (number, v) in enumerate(rows, 1):
        problems: list[RowError] = []
        kind = _attempt(problems, number, _kind, v["kind"], kinds, _("Unknown kind of unit: %(kind)s."))
        _attempt(problems, number, _name, v["name"], _("Give the unit a name."))
        code = _attempt(problems, number, _new_code, v["division_code"], finder)
        sort_order = _attempt(problems, number, _sort_order, v["sort_order"])
        parent = _attempt(problems, number, finder.find, v["parent_code"], v["parent_name"])
        parent_column = PARENT_CODE if v["parent_code"] else PARENT_NAME
        if isinstance(parent, int) and parent in failed:
            message = _("Its parent, on row %(row)s, has errors.") % {"row": parent}
            problems.append(Refused(message, parent_column).as_error(number))
        elif not (v["parent_code"] or v["parent_name"] or by.is_superuser):
            problems.append(Refused(_("Give the parent's division code or name."), PARENT_NAME).as_error(number))
        finder.remember(number, v["division_code"], v["name"], v["short_name"])
        if problems or kind is None or sort_order is None:
            failed.add(number)
            errors += problems
        else:
            item = UnitRow(number, kind, v["name"], v["short_name"], code or None, sort_order, parent, parent_column)
            passed.append(item)
        if done % PROGRESS_EVERY == 0 or done == len(rows):
            progress(done, len(rows))
    return passed, errors


def check_institutions(data: bytes, *, by: User, progress: Progress) -> tuple[list[InstitutionRow], list[RowError]]:
    """Every row checked without writing: the rows that passed, and one error per bad cell."""
    rows = read_sheet(data, INSTITUTION_IMPORT, one_of=(UNIT_CODE, UNIT_NAME))
    kinds = kind_lookup(Institution.Kind.choices)
    finder = Finder(by, UNIT_CODE, UNIT_NAME)
    finder.load({v["unit_code"] for _n, v in rows}, {v["unit_name"] for _n, v in rows})
    passed: list[InstitutionRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[int, str], int] = {}
    progress(0, len(rows))
    for done, (number, v) in enumerate(rows, 1):
        problems: list[RowError] = []
        kind = _attempt(problems, number, _kind, v["kind"], kinds, _("Unknown kind of institution: %(kind)s."))
        name = _attempt(problems, number, _name, v["name"], _("Give the institution a name."))
        unit = _attempt(problems, number, finder.find, v["unit_code"], v["unit_name"])
        if not (v["unit_code"] or v["unit_name"]):
            problems.append(Refused(_("Give the unit's division code or name."), UNIT_NAME).as_error(number))
        if isinstance(unit, OrgUnit) and name:
            if (unit.pk, name) in seen:
                message = _("%(name)s is already on row %(row)s for the same unit.")
                problems.append(Refused(message % {"name": name, "row": seen[unit.pk, name]}, NAME).as_error(number))
            seen.setdefault((unit.pk, name), number)
        if problems or kind is None or name is None or not isinstance(unit, OrgUnit):
            errors += problems
        else:
            unit_column = UNIT_CODE if v["unit_code"] else UNIT_NAME
            passed.append(InstitutionRow(number, kind, name, v["note"], unit, unit_column))
        if done % PROGRESS_EVERY == 0 or done == len(rows):
            progress(done, len(rows))
    return passed, errors
