"""Workbooks written for reports: a day's template to fill in, the roll-up in the layout counties use."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bastion.core.imports import CODE
from bastion.core.models import OrgUnit
from bastion.reporting.imports.layout import (
    BOLD,
    CODE_ROW,
    UNIT,
    ZERO,
    book_bytes,
    cell_number,
    period_label,
    reports_by_unit,
    sheet_columns,
    title_row,
)
from bastion.reporting.models import Indicator, ReportForm
from bastion.reporting.selectors import Rollup, RollupRow, filing_units
from bastion.reporting.services.filing import REASON_SUFFIX, indicators_of

MISMATCH = PatternFill("solid", fgColor="FFC7CE")
EXTRA_ROWS = 200  # the yes/no choice reaches below the last unit, for rows a user adds


def _new_sheet(title: str) -> tuple[Workbook, Worksheet]:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = title[:31]
    return book, sheet


def report_template(form: ReportForm, unit: OrgUnit, period: dt.date) -> bytes:
    """A title, the column names, their codes (row 3, which keeps reading robust), a row per filing unit.

    Units that filed already come pre-filled; uploading such a row unchanged changes nothing.
    """
    period = form.period_start(period)
    columns = sheet_columns(indicators_of(form))
    units = list(filing_units(form, unit).order_by("path"))
    reports = reports_by_unit(form, period, units)
    book, sheet = _new_sheet(_("Reports"))
    shown = {"form": form.name, "unit": unit.name, "period": period_label(form, period)}
    title_row(sheet, _("%(form)s · %(unit)s · %(period)s") % shown, len(columns))
    sheet.append([c.label for c in columns])
    sheet.append([c.key for c in columns])
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.cell(CODE_ROW - 1, index).font = BOLD
        sheet.cell(CODE_ROW, index).font = Font(color="808080", size=8)
        if column.note:
            sheet.cell(CODE_ROW - 1, index).comment = Comment(column.note, "Bastion")
    sheet.cell(CODE_ROW, 1).comment = Comment(_("Keep this row: it tells the columns apart."), "Bastion")
    yes, no = _("Yes"), _("No")
    for u in units:
        report = reports.get(u.pk)
        cells: dict[str, Any] = {CODE.key: u.division_code or "", UNIT.key: u.name}
        if report is not None:
            cells[ZERO.key] = yes if report.is_zero else no
            for value in report.values.all():
                code = value.indicator.code
                cells[code] = cell_number(value.number) if value.number is not None else value.text
                cells[code + REASON_SUFFIX] = value.override_reason or None
        sheet.append([cells.get(c.key) for c in columns])
        sheet.cell(sheet.max_row, 1).number_format = "@"  # a 12-digit code stays text, never 6.52E+11
    choice = DataValidation(type="list", formula1=f'"{yes},{no}"', allow_blank=True)
    sheet.add_data_validation(choice)
    zero_column = get_column_letter([c.key for c in columns].index(ZERO.key) + 1)
    choice.add(f"{zero_column}{CODE_ROW + 1}:{zero_column}{sheet.max_row + EXTRA_ROWS}")
    sheet.freeze_panes = f"{get_column_letter(3)}{CODE_ROW + 1}"
    return book_bytes(book)


# --- the roll-up ----------------------------------------------------------------------------------


def _format(indicator: Indicator) -> str:
    return "0.00" if indicator.value_type == Indicator.ValueType.DECIMAL else "0"


def _figures(
    sheet: Worksheet,
    label: str,
    values: dict[int, Decimal] | None,
    indicators: list[Indicator],
    *,
    font: Font | None = None,
    blank_as_zero: bool = False,
    marked: set[int] | frozenset[int] = frozenset(),
    check: str = "",
) -> None:
    """One row: the label, a number per indicator (blank where nothing was filed), and the check column."""
    figures: list[Any] = []
    for indicator in indicators:
        value = (values or {}).get(indicator.pk)
        figures.append(cell_number(value) if value is not None else (0 if blank_as_zero else None))
    sheet.append([label, *figures, check or None])
    row = sheet.max_row
    for index, indicator in enumerate(indicators, 2):
        cell = sheet.cell(row, index)
        cell.number_format = _format(indicator)
        if indicator.pk in marked:
            cell.fill = MISMATCH
    if font is not None:
        for index in range(1, len(indicators) + 3):
            sheet.cell(row, index).font = font


def _subtotal(sheet: Worksheet, row: RollupRow, indicators: list[Indicator]) -> None:
    """The subtotal of a township in bold; under it, where the township files too, its own figures."""
    names = [i.name for i in indicators if i.pk in row.mismatched]
    check = _("Its own report differs: %(indicators)s") % {"indicators": "、".join(names)} if names else ""
    label = _("%(unit)s subtotal") % {"unit": row.unit.name}
    _figures(sheet, label, row.values, indicators, font=BOLD, blank_as_zero=True, marked=row.mismatched, check=check)
    if row.own is not None:
        own = _("%(unit)s own report") % {"unit": row.unit.name}
        _figures(sheet, own, row.own, indicators, font=Font(italic=True), marked=row.mismatched)


def rollup_workbook(rollup: Rollup, form: ReportForm, unit: OrgUnit, first: dt.date, last: dt.date) -> bytes:
    """``selectors.rollup`` as counties lay it out: units as rows, indicators as columns, a subtotal per
    township, the grand total last; figures are numbers, and a figure that does not add up is marked."""
    indicators = rollup.indicators
    book, sheet = _new_sheet(_("Roll-up"))
    days = first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"
    shown = {"form": form.name, "unit": unit.name, "period": days}
    title_row(sheet, _("%(form)s · %(unit)s · %(period)s") % shown, len(indicators) + 2)
    header = [str(UNIT), *(i.name for i in indicators), _("Check")]
    sheet.append(header)
    for index, name in enumerate(header, 1):
        sheet.cell(2, index).font = BOLD
        sheet.column_dimensions[get_column_letter(index)].width = max(10, 2 * len(name) + 2)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions[get_column_letter(len(header))].width = 30
    for row in rollup.rows:
        if row.kind == "subtotal":
            _subtotal(sheet, row, indicators)
        else:
            _figures(sheet, row.unit.name, row.values, indicators)
    _figures(sheet, _("Total"), rollup.total.values, indicators, font=BOLD, blank_as_zero=True)
    sheet.freeze_panes = "B3"
    return book_bytes(book)
