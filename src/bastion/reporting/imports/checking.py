"""Checking an upload of a day's reports: every row read and validated, nothing written."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from python_calamine import CalamineWorkbook

from bastion.core.imports import CODE, MAX_ROWS, Cell, Refused, RowError, check_upload, text, unreadable
from bastion.core.models import OrgUnit, User
from bastion.core.scope import unit_in_scope
from bastion.core.services.orgunits import DIVISION_CODE_RE
from bastion.reporting.imports.layout import (
    EDIT_REASON,
    UNIT,
    ZERO,
    SheetColumn,
    header_key,
    in_every_language,
    period_label,
    reports_by_unit,
    sheet_columns,
)
from bastion.reporting.models import Report, ReportForm
from bastion.reporting.selectors import filing_units
from bastion.reporting.services.common import deadline_at, local_today
from bastion.reporting.services.filing import (
    FALSE_WORDS,
    REASON_SUFFIX,
    TRUE_WORDS,
    clean_values,
    indicators_of,
    parse_value,
)

HEADER_SEARCH = 6  # the header is among the first rows; a title may stand above it


@dataclass
class ReportRow:
    """A row that passed: what ``report_submit`` needs to file (or change) one unit's report."""

    row: int  # the Excel row number
    unit: OrgUnit
    is_zero: bool
    values: dict[str, str]  # indicator code (or code + "__reason") -> the cell as text
    edit_reason: str = ""
    note: str = ""  # a report filed already keeps its note
    replaces: bool = False  # the unit had filed already: this row changes its report


def _grid(data: bytes) -> list[tuple[int, list[Cell]]]:
    check_upload(len(data), data[:4])
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        end = sheet.end
        if end is not None and end[0] > MAX_ROWS:
            message = _("The sheet has %(count)s rows; at most %(limit)s can be imported at once.")
            raise Refused(message % {"count": end[0], "limit": MAX_ROWS})
        grid = sheet.to_python(skip_empty_area=False)
    except Refused:
        raise
    except Exception as exc:  # calamine raises several unrelated types for a damaged file
        raise Refused(unreadable()) from exc
    numbered = [(i + 1, list(row)) for i, row in enumerate(grid) if any(text(v) for v in row)]
    if not numbered:
        raise Refused(_("The sheet is empty."))
    return numbered


def _is_header(positions: dict[str, int]) -> bool:
    return len(positions) >= 2 or bool(positions.keys() & {CODE.key, UNIT.key})


def _header(
    numbered: list[tuple[int, list[Cell]]], layout: Sequence[SheetColumn], form: ReportForm, period: dt.date
) -> tuple[dict[str, int], list[tuple[int, list[Cell]]]]:
    """Column positions by key, and the data rows: the header row names them, the row under it may give codes."""
    lookup = {alias: c.key for c in layout for alias in c.aliases}

    def matches(row: list[Cell]) -> dict[str, int]:
        found = [(lookup[header_key(text(v))], i) for i, v in enumerate(row) if header_key(text(v)) in lookup]
        return dict(reversed(found))  # the first of two columns with the same header wins

    either = _(" or ").join([str(CODE), str(UNIT)])
    index = next(
        (i for i, (_n, row) in enumerate(numbered[:HEADER_SEARCH]) if _is_header(matches(row))),
        None,
    )
    if index is None:
        raise Refused(_("The column %(column)s is missing.") % {"column": either}, either)
    positions, start = matches(numbered[index][1]), index + 1
    if start < len(numbered) and _is_header(codes := matches(numbered[start][1])):
        positions, start = positions | codes, start + 1
    dates = re.findall(r"\d{4}-\d{2}-\d{2}", " ".join(text(v) for _n, r in numbered[:index] for v in r))
    if dates and period.isoformat() not in dates:
        message = _("This sheet is for %(sheet)s, not for %(period)s: download the template of that day.")
        raise Refused(message % {"sheet": dates[0], "period": period_label(form, period)})
    if not positions.keys() & {CODE.key, UNIT.key}:
        raise Refused(_("The column %(column)s is missing.") % {"column": either}, either)
    for column in layout:
        if column.required and column.key not in positions:
            raise Refused(_("The column %(column)s is missing.") % {"column": column.name}, column.name)
    return positions, numbered[start:]


class _Units:
    """The filing units below ``within``, found by division code or by (display) name."""

    def __init__(self, units: Sequence[OrgUnit], within: OrgUnit, form: ReportForm) -> None:
        self.within, self.form = within, form
        self.by_code = {u.division_code: u for u in units if u.division_code}
        self.by_name: defaultdict[str, list[OrgUnit]] = defaultdict(list)
        for u in units:
            for name in {u.name, u.short_name} - {""}:
                self.by_name[name].append(u)

    def find(self, code: str, name: str) -> OrgUnit:
        if code and not DIVISION_CODE_RE.match(code):
            raise Refused(_("A division code has exactly 12 digits."), CODE)
        if not (code or name):
            raise Refused(_("Give the unit's division code or name."), UNIT)
        found = [self.by_code[code]] if code in self.by_code else [] if code else self.by_name.get(name, [])
        if len(found) > 1:
            message = _("More than one unit is named %(name)s: give its division code instead.")
            raise Refused(message % {"name": name}, UNIT)
        if not found:
            message = _("%(unit)s is not one of the units below %(within)s that file %(form)s.")
            values = {"unit": code or name, "within": self.within.name, "form": self.form.name}
            raise Refused(message % values, CODE if code else UNIT)
        unit = found[0]
        if code and name and name not in {unit.name, unit.short_name}:
            message = _("Division code %(code)s belongs to %(unit)s, not to %(name)s.")
            raise Refused(message % {"code": code, "unit": unit.name, "name": name}, UNIT)
        return unit


def _zero(value: str) -> bool | None:
    word = header_key(value)
    if not word:
        return None
    if word in TRUE_WORDS or word in in_every_language(gettext_lazy("Yes")):
        return True
    if word in FALSE_WORDS or word in in_every_language(gettext_lazy("No")):
        return False
    raise Refused(_("Answer yes or no."), ZERO)


def _stored(report: Report) -> tuple[bool, dict[str, tuple[Decimal | None, str]]]:
    return report.is_zero, {v.indicator.code: (v.number, v.text) for v in report.values.all()}


def _as_filed(report: Report | None, form: ReportForm, zero: bool, values: dict[str, str]) -> bool:
    """Whether the row repeats the unit's report as filed: a pre-filled row uploaded again changes nothing,
    even where the figure the system counts has moved since."""
    if report is None or report.is_zero or zero:
        return report is not None and report.is_zero and zero
    try:
        shown = {i.code: parse_value(i, values.get(i.code)) for i in indicators_of(form, report.form_version)}
    except ValueError:
        return False
    return _stored(report) == (False, {code: value for code, value in shown.items() if value != (None, "")})


def check_report_rows(
    data: bytes, *, form: ReportForm, unit: OrgUnit, period: dt.date, by: User, now: dt.datetime | None = None
) -> tuple[list[ReportRow], list[RowError]]:
    """Every row checked without writing: the rows to file, and one error per bad cell.

    Rows without figures and without a zero report are skipped, and so are rows that repeat what the
    unit filed already. Raises ``Refused`` when the whole file, form or period cannot be taken.
    """
    now = now or timezone.now()
    period = form.period_start(period)
    if not by.has_perm("reporting.add_report") or not unit_in_scope(by, unit):
        raise Refused(_("You may not do this for %(unit)s.") % {"unit": unit.display_name})
    if not form.is_active:
        raise Refused(_("This form is no longer in use."))
    if period > local_today(now):
        raise Refused(_("A report cannot be filed for a day that has not come yet."))
    prefetch_related_objects([form], "indicators")  # clean_values reads them for every row
    indicators = indicators_of(form)
    layout = sheet_columns(indicators)
    labels = {c.key: c.name for c in layout}
    positions, rows = _header(_grid(data), layout, form, period)
    units = list(filing_units(form, unit).order_by("path"))
    finder, reports = _Units(units, unit, form), reports_by_unit(form, period, units)
    late = now > deadline_at(form, period)
    codes = {i.code for i in indicators} | {i.code + REASON_SUFFIX for i in indicators if i.source}
    passed: list[ReportRow] = []
    errors: list[RowError] = []
    rows_of: defaultdict[OrgUnit, list[int]] = defaultdict(list)  # unit -> the rows that name it
    for number, row in rows:
        cells = {key: text(row[i]) if i < len(row) else "" for key, i in positions.items()}
        values = {key: value for key, value in cells.items() if key in codes and value}
        figures = values.keys() - {code + REASON_SUFFIX for code in codes}
        problems: list[RowError] = []
        try:
            zero = _zero(cells.get(ZERO.key, ""))
        except Refused as refused:
            problems.append(refused.as_error(number))
            zero = None
        if not (problems or zero or figures):
            continue  # nothing reported on this row
        try:
            found = finder.find(cells.get(CODE.key, ""), cells.get(UNIT.key, ""))
        except Refused as refused:
            errors += [*problems, refused.as_error(number)]
            continue
        rows_of[found].append(number)
        report = reports.get(found.pk)
        version = report.form_version if report else form.version
        if not problems and _as_filed(report, form, bool(zero), values):
            continue
        if zero and figures:
            message = _("A zero report carries no figures: clear the figures or answer No.")
            problems.append(Refused(message, ZERO).as_error(number))
        elif not problems and not zero:
            try:
                cleaned = clean_values(form=form, unit=found, period=period, version=version, values=values)
            except ValidationError as exc:
                problems += [
                    {"row": number, "field": labels.get(key, key), "message": message}
                    for key, messages in exc.message_dict.items()
                    for message in messages
                ]
            else:
                after = {c.indicator.code: (c.number, c.text) for c in cleaned}
                if report is not None and _stored(report) == (False, after):
                    continue  # the same as filed
        if not problems and report is not None and late:
            if not by.has_perm("reporting.edit_late_report"):
                message = _("The deadline has passed: ask the township to change this report.")
                problems.append(Refused(message, UNIT).as_error(number))
            elif not cells.get(EDIT_REASON.key):
                message = _("Say why the report is changed after the deadline.")
                problems.append(Refused(message, EDIT_REASON).as_error(number))
        if problems:
            errors += problems
            continue
        note = report.note if report else ""
        edit_reason = cells.get(EDIT_REASON.key, "")
        passed.append(ReportRow(number, found, bool(zero), values, edit_reason, note, report is not None))
    return _without_repeats(passed, errors, rows_of)


def _without_repeats(
    passed: list[ReportRow], errors: list[RowError], rows_of: dict[OrgUnit, list[int]]
) -> tuple[list[ReportRow], list[RowError]]:
    """A unit on two rows is an error on each of them: which one is right, only the user knows."""
    for unit, numbers in rows_of.items():
        if len(numbers) > 1:
            message = _("%(unit)s is on more than one row: %(rows)s.")
            shown = message % {"unit": unit.name, "rows": ", ".join(map(str, numbers))}
            errors += [Refused(shown, UNIT).as_error(number) for number in numbers]
    kept = [item for item in passed if len(rows_of[item.unit]) == 1]
    return kept, sorted(errors, key=lambda e: e["row"] or 0)
