"""The columns of a report sheet and the small helpers the template, the check and the roll-up share."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from bastion.core.imports import CODE, Column
from bastion.core.models import OrgUnit
from bastion.core.names import localized
from bastion.reporting.models import Indicator, Report, ReportForm
from bastion.reporting.services.filing import REASON_SUFFIX

UNIT = Column("unit", gettext_lazy("Unit"), width=20)
ZERO = Column("is_zero", gettext_lazy("Zero report"), width=10)
EDIT_REASON = Column("edit_reason", gettext_lazy("Reason for a change after the deadline"), width=28)
UNIT_NAMES = (gettext_lazy("Name"), gettext_lazy("Unit name"))  # other headers a county's sheet uses for units
CODE_ROW = 3  # the template's row of column codes, under the row of names
BOLD = Font(bold=True)


@dataclass(frozen=True)
class SheetColumn:
    key: str  # a fixed column's key, an indicator code, or an indicator code + REASON_SUFFIX
    label: str  # in the active language; "*" marks a figure every non-zero report needs
    aliases: frozenset[str]  # normalised headers that name the column, in every language, and its key
    width: int = 14
    note: str = ""

    @property
    def name(self) -> str:
        return self.label.rstrip("*")

    @property
    def required(self) -> bool:
        return self.label.endswith("*")


def header_key(value: object) -> str:
    """A header or a word as compared: no spaces, no trailing "*", case folded."""
    return re.sub(r"\s+", "", str(value)).rstrip("*").casefold()


def in_every_language(label: Promise | str, key: str = "") -> frozenset[str]:
    names = {header_key(key)} if key else set()
    for code, _language in settings.LANGUAGES:
        with override(code):
            names.add(header_key(label))
    return frozenset(names)


def _fixed(column: Column, *more: Promise) -> SheetColumn:
    aliases = in_every_language(column.label, column.key).union(*(in_every_language(m) for m in more))
    return SheetColumn(column.key, str(column), aliases, column.width)


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


def _note(indicator: Indicator) -> str:
    low, high = indicator.bounds()
    parts = [str(indicator.get_value_type_display())]
    if indicator.value_type != Indicator.ValueType.BOOLEAN and (low is not None or high is not None):
        parts.append(f"{'' if low is None else _plain(low)} – {'' if high is None else _plain(high)}")
    if indicator.source:
        parts.append(_("Leave it blank to take the figure the system counts."))
    return "\n".join(parts)


def _reason_label(indicator: Indicator, language: str | None = None) -> str:
    return _("%(indicator)s: why it differs") % {"indicator": localized(indicator.names, language) or indicator.code}


def sheet_columns(indicators: Sequence[Indicator]) -> list[SheetColumn]:
    """Code, unit, zero report, one column per indicator, a reason per figure the system counts, edit reason."""
    columns = [_fixed(CODE), _fixed(UNIT, *UNIT_NAMES), _fixed(ZERO)]
    for i in indicators:
        aliases = frozenset({header_key(i.code), *(header_key(n) for n in i.names.values() if n)})
        label = i.name + ("*" if i.required else "")
        columns.append(SheetColumn(i.code, label, aliases, max(10, len(i.name) * 2 + 2), _note(i)))
    for i in (i for i in indicators if i.source):
        key = i.code + REASON_SUFFIX
        reasons = {header_key(key)}
        for code, _language in settings.LANGUAGES:
            with override(code):
                reasons.add(header_key(_reason_label(i, code)))
        columns.append(SheetColumn(key, _reason_label(i), frozenset(reasons), 24))
    columns.append(_fixed(EDIT_REASON))
    return columns


def cell_number(value: Decimal) -> int | float:
    """A figure as Excel should hold it: a number, whole where it is whole."""
    return int(value) if value == value.to_integral_value() else float(value)


def period_label(form: ReportForm, period: dt.date) -> str:
    last = form.period_end(period)
    return period.isoformat() if last == period else f"{period.isoformat()} – {last.isoformat()}"


def reports_by_unit(form: ReportForm, period: dt.date, units: Sequence[OrgUnit]) -> dict[int, Report]:
    """The period's reports of ``units`` with their values: two queries."""
    reports = Report.objects.filter(form=form, period=period, org_unit__in=units).prefetch_related("values__indicator")
    return {r.org_unit_id: r for r in reports}


def title_row(sheet: Worksheet, title: str, width: int) -> None:
    sheet.append([title])
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 1))


def book_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
