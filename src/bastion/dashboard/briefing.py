"""The daily briefing (每日简报) of a unit for a day: gathered in a constant number of queries, then drawn as a PDF
to print and written as an Excel workbook to work on.

What it holds: the day's figures (flows over the day, levels as they stood at its end, with the day before for
comparison), a table of the figures per unit directly below (the townships of a county), the immediate reports
filed in the 24 hours before the briefing, and the action items due that day, unfinished first. No personal data:
an immediate report is shown by its category, severity, unit, time and state, never by its text.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bastion.command.models import ActionItem
from bastion.core.models import OrgUnit, User
from bastion.core.pdf import styles, text
from bastion.core.scope import scoped
from bastion.dashboard.figures import FIGURES, figure_by_child, figure_totals
from bastion.dashboard.models import Briefing
from bastion.observation.exports import row_append, sheet_with_header, workbook_bytes
from bastion.reporting.models import ImmediateReport

# The document's name as the county office files it. It heads the page in every language (the translated name
# follows it when it differs), so that a printed briefing is recognised whatever the language of whoever made it.
DOCUMENT_NAME = "每日简报"
# The order of the areas in the figures, as the February 2020 county report lists them; unknown areas come last.
AREA_ORDER = (
    "reporting",
    "residents",
    "observation",
    "checkpoints",
    "mobilization",
    "supplies",
    "outreach",
    "command",
)
IMMEDIATE_WINDOW = dt.timedelta(hours=24)
# Figure columns per table of the units below: more do not fit across an A4 page.
COLUMNS_PER_TABLE = 6


@dataclass(frozen=True)
class FigureLine:
    key: str
    label: str
    value: int
    previous: int
    """The same figure the day before: the flow of that day, the level at its end."""


def _line(key: str, value: int, previous: int) -> FigureLine:
    """A figure as the briefing prints it: money kept in fen is shown in whole yuan."""
    if key.endswith("_fen"):
        return FigureLine(key, _("Cash donated (yuan)"), round(value / 100), round(previous / 100))
    return FigureLine(key, str(FIGURES[key].label), value, previous)


@dataclass(frozen=True)
class ChildRow:
    name: str
    values: list[int]


@dataclass(frozen=True)
class IncidentLine:
    occurred_at: dt.datetime
    filed_at: dt.datetime
    unit: str
    category: str
    severity: str
    state: str


@dataclass(frozen=True)
class ItemLine:
    title: str
    owner: str
    unit: str
    priority: str
    status: str
    finished: bool


@dataclass(frozen=True)
class BriefingData:
    unit: OrgUnit
    day: dt.date
    at: dt.datetime
    """The moment the briefing stands at: now for today, the end of the day for a past day."""
    figures: list[FigureLine]
    child_kind: str
    child_keys: list[str]
    children: list[ChildRow]
    incidents: list[IncidentLine]
    items: list[ItemLine]

    @property
    def whole_day(self) -> bool:
        return timezone.localtime(self.at).date() > self.day

    @property
    def child_labels(self) -> list[str]:
        return [str(FIGURES[key].label) for key in self.child_keys]

    @property
    def child_totals(self) -> list[int]:
        return [sum(row.values[index] for row in self.children) for index in range(len(self.child_keys))]


def briefing_keys() -> list[str]:
    """The figures registered now, area by area in the report's order, each area's in the order it declares."""
    rank = {area: index for index, area in enumerate(AREA_ORDER)}
    order = {key: index for index, key in enumerate(FIGURES)}
    return sorted(FIGURES, key=lambda key: (rank.get(key.split(".", 1)[0], len(rank)), order[key]))


def briefing_moment(day: dt.date, now: dt.datetime | None = None) -> dt.datetime:
    """Now when ``day`` is today (or later), else the end of ``day`` (local midnight after it)."""
    now = now or timezone.now()
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return min(now, end)


def _owner(item: ActionItem) -> str:
    if item.owner_member is not None:
        return item.owner_member.name
    if item.owner_unit is not None:
        return item.owner_unit.display_name
    return str(item.owner or "")


def briefing_gather(unit: OrgUnit, day: dt.date, *, now: dt.datetime | None = None) -> BriefingData:
    """Everything the briefing shows, for ``unit``'s subtree: ten queries at most, whatever the volume."""
    at = briefing_moment(day, now)
    keys = briefing_keys()
    totals = figure_totals(unit, keys, day, day)
    before = figure_totals(unit, keys, day - dt.timedelta(days=1), day - dt.timedelta(days=1))
    figures = [_line(key, totals[key], before[key]) for key in keys]

    by_child = figure_by_child(unit, keys, day, day)
    children_units = list(OrgUnit.objects.filter(pk__in=list(by_child)).order_by("sort_order", "path"))
    children = [ChildRow(child.display_name, [by_child[child.pk][key] for key in keys]) for child in children_units]
    child_kind = children_units[0].get_kind_display() if children_units else ""

    low, high = unit.subtree_bounds
    reports = (
        ImmediateReport.objects.filter(
            org_unit__path__gte=low, org_unit__path__lt=high, filed_at__gt=at - IMMEDIATE_WINDOW, filed_at__lte=at
        )
        .select_related("org_unit", "category")
        .order_by("filed_at", "pk")
    )
    incidents = [
        IncidentLine(
            occurred_at=report.occurred_at,
            filed_at=report.filed_at,
            unit=report.org_unit.display_name,
            category=str(report.category),
            severity=report.get_severity_display(),
            state=report.get_state_display(),
        )
        for report in reports
    ]

    unfinished_first = Case(When(status__in=ActionItem.UNFINISHED, then=Value(0)), default=Value(1))
    due = (
        ActionItem.objects.filter(
            Q(command_post__org_unit__path__gte=low, command_post__org_unit__path__lt=high)
            | Q(owner_unit__path__gte=low, owner_unit__path__lt=high),
            due_on=day,
        )
        .select_related("command_post__org_unit", "owner_member", "owner_group", "owner_unit")
        .annotate(finished_rank=unfinished_first)
        .order_by("finished_rank", "priority", "pk")
    )
    items = [
        ItemLine(
            title=item.title,
            owner=_owner(item),
            unit=item.command_post.org_unit.display_name,
            priority=item.get_priority_display(),
            status=item.get_status_display(),
            finished=item.is_finished,
        )
        for item in due
    ]
    return BriefingData(
        unit=unit,
        day=day,
        at=at,
        figures=figures,
        child_kind=child_kind,
        child_keys=keys,
        children=children,
        incidents=incidents,
        items=items,
    )


# Reads of the briefings kept.


def briefings_for_user(
    user: User, *, unit: OrgUnit | None = None, first: dt.date | None = None, last: dt.date | None = None
) -> QuerySet[Briefing]:
    """Briefings of units in the user's scope (and in ``unit``'s subtree when given), newest day first."""
    briefings = scoped(Briefing.objects.select_related("org_unit", "created_by"), user, within=unit)
    if first is not None:
        briefings = briefings.filter(day__gte=first)
    if last is not None:
        briefings = briefings.filter(day__lte=last)
    return briefings.order_by("-day", "org_unit__path", "-created_at", "-pk")


def briefing_get_for_user(user: User, briefing_id: int) -> Briefing:
    return get_object_or_404(scoped(Briefing.objects.select_related("org_unit"), user), pk=briefing_id)


# The words the two files share.


def title_lines(data: BriefingData) -> list[str]:
    """The heading under the document's name: the unit and the day, then what the figures cover."""
    day = f"{data.day:%Y-%m-%d}"
    if data.whole_day:
        covers = _("Figures of the whole day %(day)s.") % {"day": day}
    else:
        covers = _("Figures of %(day)s up to %(time)s.") % {"day": day, "time": f"{timezone.localtime(data.at):%H:%M}"}
    return [f"{data.unit.name} · {day}", covers]


def _time(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%m-%d %H:%M}"


def incident_header() -> list[str]:
    return [_("Time"), _("Unit"), _("Category"), _("Severity"), _("Status")]


def incident_row(line: IncidentLine) -> list[str]:
    return [_time(line.occurred_at), line.unit, line.category, line.severity, line.state]


def item_header() -> list[str]:
    return [_("Action item"), _("Owner"), _("Set by"), _("Priority"), _("Status")]


def item_row(line: ItemLine) -> list[str]:
    return [line.title, line.owner, line.unit, line.priority, line.status]


def filename(briefing_unit: OrgUnit, day: dt.date, extension: str) -> str:
    code = briefing_unit.division_code or str(briefing_unit.pk)
    return f"briefing-{code}-{day:%Y%m%d}.{extension}"


# The PDF.

_GRID = [
    ("GRID", (0, 0), (-1, -1), 0.5, "#555555"),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("BACKGROUND", (0, 0), (-1, 0), "#e6e6e6"),
]
_NUMBERS = [("ALIGN", (1, 1), (-1, -1), "RIGHT")]


def _table(rows: Sequence[Sequence[object]], widths: Sequence[float], cell: ParagraphStyle, *, numbers: bool) -> Table:
    body = [[Paragraph(text(value), cell) if isinstance(value, str) else value for value in row] for row in rows]
    table = Table(body, colWidths=list(widths), repeatRows=1)
    table.setStyle(TableStyle(_GRID + (_NUMBERS if numbers else [])))
    return table


def briefing_pdf(data: BriefingData) -> bytes:
    """The briefing on A4 pages, Chinese drawn with the embedded font."""
    look = styles()
    heading = ParagraphStyle("heading", parent=look.body, fontSize=14, leading=20, spaceBefore=4 * mm)
    cell = ParagraphStyle("cell", parent=look.small)
    number = ParagraphStyle("number", parent=look.small, alignment=2)
    centred = ParagraphStyle("centred", parent=look.body, alignment=1, spaceAfter=1 * mm)
    width = A4[0] - 30 * mm

    story: list[Flowable] = [Paragraph(text(DOCUMENT_NAME), look.title)]
    translated = _("Daily briefing")
    if translated != DOCUMENT_NAME:
        story.append(Paragraph(text(translated), centred))
    story += [Paragraph(text(line), centred) for line in title_lines(data)]

    def figure(value: int) -> Paragraph:
        return Paragraph(f"{value:,}", number)

    story.append(Paragraph(text(_("1. The day's figures")), heading))
    if data.figures:
        rows: list[list[object]] = [[_("Figure"), f"{data.day:%m-%d}", _("The day before")]]
        rows += [[line.label, figure(line.value), figure(line.previous)] for line in data.figures]
        story.append(_table(rows, [width - 60 * mm, 30 * mm, 30 * mm], cell, numbers=True))
    else:
        story.append(Paragraph(text(_("No figure is kept yet.")), look.body))

    shown = [index for index in range(len(data.child_keys)) if any(row.values[index] for row in data.children)]
    if data.children:
        title = _("2. Figures by %(kind)s") % {"kind": data.child_kind}
        story.append(Paragraph(text(title), heading))
        if not shown:
            story.append(Paragraph(text(_("Nothing recorded below this unit on the day.")), look.body))
        totals = data.child_totals
        for start in range(0, len(shown), COLUMNS_PER_TABLE):
            columns = shown[start : start + COLUMNS_PER_TABLE]
            rows = [[data.child_kind, *[data.child_labels[index] for index in columns]]]
            rows += [[row.name, *[figure(row.values[index]) for index in columns]] for row in data.children]
            rows.append([_("Total"), *[figure(totals[index]) for index in columns]])
            first = 35 * mm
            story += [
                _table(rows, [first] + [(width - first) / len(columns)] * len(columns), cell, numbers=True),
                Spacer(1, 3 * mm),
            ]
        if shown and len(shown) < len(data.child_keys):
            story.append(Paragraph(text(_("Figures with nothing recorded on the day are left out.")), look.small))

    number_of = 3 if data.children else 2
    story.append(Paragraph(text(_("%(n)s. Immediate reports of the last 24 hours") % {"n": number_of}), heading))
    if data.incidents:
        story.append(
            _table(
                [incident_header(), *map(incident_row, data.incidents)],
                [25 * mm, 40 * mm, width - 125 * mm, 25 * mm, 35 * mm],
                cell,
                numbers=False,
            )
        )
    else:
        story.append(Paragraph(text(_("No immediate report.")), look.body))

    due_title = _("%(n)s. Action items due %(day)s") % {"n": number_of + 1, "day": f"{data.day:%Y-%m-%d}"}
    story.append(Paragraph(text(due_title), heading))
    if data.items:
        story.append(
            _table(
                [item_header(), *map(item_row, data.items)],
                [width - 115 * mm, 35 * mm, 35 * mm, 20 * mm, 25 * mm],
                cell,
                numbers=False,
            )
        )
    else:
        story.append(Paragraph(text(_("No action item is due.")), look.body))

    made = _("Made by Bastion at %(time)s.") % {"time": f"{timezone.localtime():%Y-%m-%d %H:%M}"}
    story += [Spacer(1, 8 * mm), Paragraph(text(made), look.small)]
    buffer = io.BytesIO()
    title = f"{DOCUMENT_NAME} {data.unit.name} {data.day:%Y-%m-%d}"
    SimpleDocTemplate(
        buffer, pagesize=A4, title=title, author="Bastion", leftMargin=15 * mm, rightMargin=15 * mm, topMargin=18 * mm
    ).build(story)
    return buffer.getvalue()


# The workbook.


def briefing_xlsx(data: BriefingData) -> bytes:
    """Four sheets: the figures, the figures by unit below, the immediate reports, the action items due."""
    book = Workbook(write_only=True)
    figures = sheet_with_header(
        book, _("Figures"), [_("Figure"), _("Key"), f"{data.day:%Y-%m-%d}", _("The day before")]
    )
    for line in data.figures:
        row_append(figures, [line.label, line.key, line.value, line.previous])
    row_append(figures, [])
    for heading in [DOCUMENT_NAME, *title_lines(data)]:
        row_append(figures, [heading])

    kind = data.child_kind or _("Unit")
    by_child = sheet_with_header(book, _("By %(kind)s") % {"kind": kind}, [kind, *data.child_labels])
    for row in data.children:
        row_append(by_child, [row.name, *row.values])
    if data.children:
        row_append(by_child, [_("Total"), *data.child_totals])

    incidents = sheet_with_header(book, _("Immediate reports"), [*incident_header(), _("Filed at")])
    for incident in data.incidents:
        row_append(incidents, [*incident_row(incident), f"{timezone.localtime(incident.filed_at):%Y-%m-%d %H:%M}"])

    items = sheet_with_header(book, _("Action items due"), item_header())
    for item in data.items:
        row_append(items, item_row(item))
    return workbook_bytes(book)
