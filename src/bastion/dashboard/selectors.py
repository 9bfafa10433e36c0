"""What the dashboard shows for a unit and a day (issue 11, points 1, 4 and 5).

Everything comes from the live figures (``figures.py``: a query or two per call whatever the volume) and from a
few small grouped counts of the records (units and institutions by kind, responders by category and batch,
screening rounds, today's reports by child unit), so the dashboard costs a constant number of queries. A figure
whose app has not registered it is left out, never shown as zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bastion.core.models import Institution, OrgUnit, User
from bastion.core.selectors import institution_subtree_counts, orgunit_roots_for_user, orgunit_subtree_counts
from bastion.dashboard.figures import FIGURES, FLOW, Window, figure_series, figure_values, figure_windows
from bastion.dashboard.maps import prefecture_shape_file

TREND_DAYS = 30
SHORT_TREND_DAYS = 14
COVER_WINDOW_DAYS = 7
NO_USE_COVER = 999
"""Days of cover shown when nothing was issued over the window: the stock lasts "for ever"."""

COVERED = ("masks", "disinfectant")
"""The supplies whose days of cover the dashboard shows (the February 2020 report's two)."""

PANELS: list[tuple[str, Promise, list[str]]] = [
    ("reports", _("Daily reports"), ["reporting.immediate"]),
    (
        "checkpoints",
        _("Checkpoints"),
        ["checkpoints.passages_in", "checkpoints.passages_out", "checkpoints.arrivals_open"],
    ),
    ("observation", _("Observation"), ["observation.active", "observation.alerts_open"]),
    ("residents", _("Screening"), ["residents.round_targets", "residents.round_visited", "residents.visits"]),
    ("mobilization", _("Mobilization"), ["mobilization.assigned", "mobilization.reported", "mobilization.seconded"]),
    (
        "supplies",
        _("Supplies"),
        [f"supplies.{what}_{category}" for category in COVERED for what in ("stock", "issued")]
        + ["supplies.donations", "supplies.donated_fen"],
    ),
    ("outreach", _("Outreach"), ["outreach.reach", "outreach.activities"]),
    ("command", _("Command"), []),
]
"""The headline panels: their figures in order. A registered figure not named here joins the panel of its app
(the part of its key before the dot), or a last panel; the stock and issues of other supplies stay on the
supplies pages."""

CHARTS: list[tuple[str, Promise, list[str]]] = [
    ("passages", _("Passages in and out"), ["checkpoints.passages_in", "checkpoints.passages_out"]),
    ("observation", pgettext_lazy("chart", "Under observation"), ["observation.active"]),
    ("reports", _("Reports filed"), ["reporting.filed_on_time", "reporting.filed_late", "reporting.filed_zero"]),
    ("outreach", _("Outreach reach"), ["outreach.reach"]),
]

CHILD_KEYS = [
    "checkpoints.passages_in",
    "checkpoints.passages_out",
    "checkpoints.arrivals_open",
    "observation.active",
    "observation.alerts_open",
    "residents.round_visited",
    "outreach.reach",
]
OPEN_BY_DUE = "command.open_by_due"
DONATED_FEN = "supplies.donated_fen"

UNIT_KINDS: list[tuple[str, Promise]] = [
    (OrgUnit.Kind.PREFECTURE, _("prefectures")),
    (OrgUnit.Kind.COUNTY, _("counties")),
    (OrgUnit.Kind.TOWNSHIP, _("townships")),
    (OrgUnit.Kind.VILLAGE, _("villages")),
    (OrgUnit.Kind.COMMUNITY, _("communities")),
    (OrgUnit.Kind.COMPOUND, _("residential compounds")),
    (OrgUnit.Kind.BUILDING, _("buildings")),
    (OrgUnit.Kind.TEN_HOUSEHOLD, _("ten-household groups")),
]
ALWAYS_COUNTED = {OrgUnit.Kind.TOWNSHIP, OrgUnit.Kind.VILLAGE, OrgUnit.Kind.COMMUNITY, OrgUnit.Kind.COMPOUND}


@dataclass
class Shown:
    """One figure as the dashboard shows it: ``value`` on the day (a flow's day, a level as it stands), and for
    a flow ``total`` since the first record; ``text`` where the value is not a plain count (cash)."""

    key: str
    label: str
    value: int
    total: int | None = None
    url: str = ""
    text: str = ""
    total_text: str = ""
    warn: bool = False


@dataclass
class Panel:
    key: str
    title: str
    figures: list[Shown]


@dataclass
class Series:
    key: str
    label: str
    values: list[int]


@dataclass
class Chart:
    key: str
    title: str
    series: list[Series]
    rows: list[tuple[dt.date, list[int]]] = field(default_factory=list)
    """The last 14 days as a table, each day with its series' values: the trend without JS."""


@dataclass
class ReportCounts:
    expected: int = 0
    on_time: int = 0
    late: int = 0
    zero: int = 0
    missing: int = 0

    @property
    def status(self) -> str:
        """The colour of the unit on the treemap: none expected, all filed, some late, some missing."""
        if not self.expected:
            return "none"
        if self.missing:
            return "missing"
        return "late" if self.late else "filed"


@dataclass
class ChildRow:
    id: int
    name: str
    kind: str
    url: str
    figures: dict[str, int]
    reports: ReportCounts
    status: str

    @property
    def values(self) -> list[int]:
        return list(self.figures.values())


@dataclass
class Dashboard:
    unit: OrgUnit
    day: dt.date
    panels: list[Panel]
    structure: list[Panel]
    days: list[dt.date]
    charts: list[Chart]
    child_columns: list[tuple[str, str]]
    children: list[ChildRow]
    reports: ReportCounts
    report_form: Any = None
    report_urls: dict[str, str] = field(default_factory=dict)
    map_url: str = ""
    """The county boundaries of a prefecture, for a map of its counties coloured by a chosen figure."""

    @property
    def report_form_id(self) -> int | None:
        return self.report_form.pk if self.report_form is not None else None

    def chart_data(self) -> dict[str, Any]:
        """What ``dashboard.js`` draws: the trends and the treemap of the child units."""
        return {
            "days": [day.isoformat() for day in self.days],
            "short": SHORT_TREND_DAYS,
            "charts": [
                {
                    "key": c.key,
                    "title": c.title,
                    "series": [{"key": s.key, "label": s.label, "values": s.values} for s in c.series],
                }
                for c in self.charts
            ],
            "children": [
                {
                    "name": row.name,
                    "url": row.url,
                    "status": row.status,
                    "expected": row.reports.expected,
                    "on_time": row.reports.on_time,
                    "late": row.reports.late,
                    "zero": row.reports.zero,
                    "missing": row.reports.missing,
                    "figures": row.figures,
                }
                for row in self.children
            ],
            "map": {
                "url": self.map_url,
                "name": f"unit-{self.unit.pk}",
                "columns": [{"key": key, "label": label} for key, label in self.child_columns],
            },
            "labels": {
                "filed": str(_("filed")),
                "on_time": str(_("on time")),
                "late": str(_("late")),
                "zero": str(_("zero report")),
                "missing": str(_("missing")),
                "none": str(_("files no report")),
                "days14": str(_("14 days")),
                "days30": str(_("30 days")),
            },
        }


def dashboard_unit(user: User) -> OrgUnit | None:
    """The unit the dashboard opens on: the first of the user's scope."""
    return orgunit_roots_for_user(user).order_by("path").first()


def _url(name: str, unit: OrgUnit, **params: str | int) -> str:
    if not name:
        return ""
    try:
        return f"{reverse(name)}?{urlencode({'unit': unit.pk, **params})}"
    except NoReverseMatch:  # a list that takes an id, or an app that is not installed
        return ""


def _shown(key: str, unit: OrgUnit, values: dict[str, int], totals: dict[str, int]) -> Shown:
    figure = FIGURES[key]
    shown = Shown(
        key=key,
        label=str(figure.label),
        value=values.get(key, 0),
        total=totals.get(key) if figure.kind == FLOW else None,
        url=_url(figure.list_url, unit),
    )
    if key == DONATED_FEN:  # kept in fen, shown in yuan
        shown.text = _yuan(shown.value)
        shown.total_text = _yuan(shown.total or 0)
    return shown


def _yuan(fen: int) -> str:
    return "¥" + number_format(fen / 100, 2, force_grouping=True)


def _cover(stock: int, issued: int) -> int:
    """Days the stock lasts at the last week's pace of issues."""
    if issued <= 0:
        return NO_USE_COVER
    return min(stock * COVER_WINDOW_DAYS // issued, NO_USE_COVER)


def _panel_keys() -> list[tuple[str, Promise, list[str]]]:
    """The headline panels with the registered figures only, the unplaced ones added to their app's panel."""
    placed = {key for _key, _title, keys in PANELS for key in keys} | {OPEN_BY_DUE}
    placed |= {key for _key, _title, keys in CHARTS for key in keys if key.startswith("reporting.filed_")}
    extra: dict[str, list[str]] = {}
    for key in FIGURES:
        if key in placed or key.startswith(("supplies.stock_", "supplies.issued_")):
            continue
        extra.setdefault(key.split(".", 1)[0], []).append(key)
    panels = [
        (name, title, [key for key in keys if key in FIGURES] + extra.pop(name, [])) for name, title, keys in PANELS
    ]
    leftover = [key for keys in extra.values() for key in keys]
    if leftover:
        panels.append(("other", _("Other figures"), leftover))
    return panels


def _report_form(user: User, unit: OrgUnit) -> Any:
    """The daily form whose filing the dashboard counts: the first active daily form owned at or above the unit,
    else one owned inside it (as the reporting pages choose their default)."""
    from bastion.reporting.models import ReportForm
    from bastion.reporting.selectors import forms_for_user

    forms = list(forms_for_user(user, active_only=True).filter(period=ReportForm.Period.DAILY).order_by("pk"))
    above = [form for form in forms if unit.path.startswith(form.owner_unit.path)]
    inside = [form for form in forms if form.owner_unit.path.startswith(unit.path)]
    return next(iter(above or inside), None)


def _reports(user: User, unit: OrgUnit, day: dt.date) -> tuple[Any, ReportCounts, dict[int, ReportCounts]]:
    """Today's filing of the daily form by each child unit: one grouped query (and one for the children)."""
    from bastion.reporting.selectors import completeness_by_child

    form = _report_form(user, unit)
    if form is None:
        return None, ReportCounts(), {}
    rows, total = completeness_by_child(form, unit, day, day)

    def counts(row: Any) -> ReportCounts:
        return ReportCounts(row.expected, row.on_time, row.late, row.zero, row.missing)

    by_child = {row.unit.pk: counts(row) for row in rows if row.unit is not None and row.unit.pk != unit.pk}
    return form, counts(total), by_child


def _report_urls(form: Any, unit: OrgUnit, day: dt.date) -> dict[str, str]:
    if form is None:
        return {}
    params = {"form": form.pk, "date": day.isoformat()}
    urls = {"expected": _url("reporting:completeness", unit, **params)}
    for status in ("on_time", "late", "zero", "missing"):
        urls[status] = _url("reporting:missing", unit, status=status, **params)
    return urls


def _structure(user: User, unit: OrgUnit) -> list[Panel]:
    """The February 2020 report's structural figures, counted from the records: units and institutions by kind,
    responders mobilised by category and batch, seconded today, screening rounds."""
    from bastion.mobilization.models import Assignment
    from bastion.mobilization.selectors import assignments_for_user, mobilised_figures
    from bastion.residents.models import ScreeningRound

    units = orgunit_subtree_counts(unit, active_only=True)
    # The tree's search by kind covers the whole scope; the unit's own page lists what lies below it.
    below = reverse("core:unit", args=[unit.pk])
    area = [
        Shown(key=f"units.{kind}", label=str(label), value=units.get(kind, 0), url=below)
        for kind, label in UNIT_KINDS
        if kind in ALWAYS_COUNTED or units.get(kind)
    ]
    institutions = institution_subtree_counts(unit)
    area += [
        Shown(
            key=f"institutions.{kind}",
            label=str(label),
            value=institutions.get(kind, 0),
            url=f"{reverse('core:institutions')}?{urlencode({'kind': kind})}",
        )
        for kind, label in Institution.Kind.choices
        if institutions.get(kind) or kind != Institution.Kind.OTHER
    ]
    mobilised = mobilised_figures(user, unit=unit)
    overview = _url("mobilization:overview", unit)
    people = [Shown(key="mobilization.mobilised", label=str(_("mobilised")), value=mobilised.mobilised, url=overview)]
    people += [
        Shown(
            key=f"mobilization.category.{pk}",
            label=name,
            value=n,
            url=_url("mobilization:responder_list", unit, category=pk),
        )
        for name, pk, n in sorted(mobilised.by_category, key=lambda row: row[1])
    ]
    batches = (
        assignments_for_user(user, unit=unit, status=Assignment.Status.REPORTED)
        .order_by()
        .values("batch_id", "batch__number", "batch__name")
        .annotate(n=Count("pk"), in_compounds=Count("pk", filter=Q(unit__kind=OrgUnit.Kind.COMPOUND)))
    )
    batch_rows = sorted(batches, key=lambda row: (row["batch__number"], row["batch_id"]))
    people.append(Shown(key="mobilization.batches", label=str(_("batches")), value=len(batch_rows), url=overview))
    people += [
        Shown(
            key=f"mobilization.batch.{row['batch_id']}",
            label=row["batch__name"] or str(_("Batch %(number)s") % {"number": row["batch__number"]}),
            value=row["n"],
            url=reverse("mobilization:batch_detail", args=[row["batch_id"]]),
        )
        for row in batch_rows
    ]
    people.append(
        Shown(
            key="mobilization.in_compounds",
            label=str(_("sent down into residential compounds")),
            value=sum(row["in_compounds"] for row in batch_rows),
            url=overview,
        )
    )
    people.append(
        Shown(
            key="mobilization.seconded_today",
            label=str(_("seconded today")),
            value=sum(n for _name, _pk, n in mobilised.seconded),
            url=_url("mobilization:secondment_list", unit),
        )
    )
    low, high = unit.subtree_bounds
    around = Q(campaign__org_unit__path__gte=low, campaign__org_unit__path__lt=high)
    around |= Q(campaign__org_unit_id__in=unit.ancestor_ids)  # the county's campaign runs in its townships too
    rounds = ScreeningRound.objects.filter(around).aggregate(
        planned=Count("pk"), opened=Count("pk", filter=~Q(status=ScreeningRound.Status.PLANNED))
    )
    for key, label in (("planned", _("screening rounds")), ("opened", _("screening rounds opened"))):
        people.append(
            Shown(
                key=f"residents.rounds_{key}",
                label=str(label),
                value=int(rounds[key]),
                url=reverse("residents:campaign_list"),
            )
        )
    return [
        Panel("area", str(_("The area")), area),
        Panel("people", str(_("People and rounds")), people),
    ]


def dashboard_data(user: User, unit: OrgUnit, day: dt.date) -> Dashboard:
    """Every panel of the dashboard of ``unit`` (already checked to be in the user's scope) on ``day``."""
    panel_keys = _panel_keys()
    shown_keys = [key for _name, _title, keys in panel_keys for key in keys]
    covered_keys = [
        key for category in COVERED for key in (f"supplies.stock_{category}", f"supplies.issued_{category}")
    ]
    wanted = [key for key in dict.fromkeys([*shown_keys, *covered_keys, OPEN_BY_DUE]) if key in FIGURES]
    week_first = day - dt.timedelta(days=COVER_WINDOW_DAYS - 1)
    windows: dict[str, Window] = {
        "day": (day, day),
        "to_day": (None, day),
        "week": (week_first, day),
        "to_yesterday": (None, day - dt.timedelta(days=1)),
        "ever": (None, None),
    }
    sums = figure_windows([unit.pk], wanted, windows)[unit.pk]
    values = figure_values(sums, wanted, flow="day", level="to_day")
    totals = sums["to_day"]  # a flow's total since its first record
    issued_week = sums["week"]

    panels: list[Panel] = []
    for name, title, keys in panel_keys:
        figures = [_shown(key, unit, values, totals) for key in keys]
        if name == "supplies":
            figures = _with_cover(figures, values, issued_week)
        if name == "command" and OPEN_BY_DUE in FIGURES:
            figures = _action_items(unit, sums["to_yesterday"][OPEN_BY_DUE], sums["ever"][OPEN_BY_DUE]) + figures
        panels.append(Panel(name, str(title), figures))

    form, reports, reports_by_child = _reports(user, unit, day)
    report_urls = _report_urls(form, unit, day)
    if form is not None:
        filed = [
            Shown("reports.expected", str(_("units to report")), reports.expected, url=report_urls["expected"]),
            Shown("reports.on_time", str(_("on time")), reports.on_time, url=report_urls["on_time"]),
            Shown("reports.late", str(_("late")), reports.late, url=report_urls["late"], warn=bool(reports.late)),
            Shown("reports.zero", str(_("zero report")), reports.zero, url=report_urls["zero"]),
            Shown(
                "reports.missing",
                str(_("missing")),
                reports.missing,
                url=report_urls["missing"],
                warn=bool(reports.missing),
            ),
        ]
        panels[0].figures = filed + panels[0].figures
    panels = [panel for panel in panels if panel.figures]

    first = day - dt.timedelta(days=TREND_DAYS - 1)
    chart_keys = [key for _name, _title, keys in CHARTS for key in keys if key in FIGURES]
    series = figure_series(unit, chart_keys, first, day) if chart_keys else {}
    charts = [
        Chart(name, str(title), [Series(key, str(FIGURES[key].label), series[key]) for key in keys if key in series])
        for name, title, keys in CHARTS
    ]
    charts = [chart for chart in charts if chart.series]
    days = [first + dt.timedelta(days=n) for n in range(TREND_DAYS)]
    for chart in charts:
        chart.rows = [
            (days[n], [s.values[n] for s in chart.series]) for n in range(TREND_DAYS - SHORT_TREND_DAYS, TREND_DAYS)
        ]

    columns, children = _children(unit, day, reports_by_child)
    return Dashboard(
        unit=unit,
        day=day,
        panels=panels,
        structure=_structure(user, unit),
        days=days,
        charts=charts,
        child_columns=columns,
        children=children,
        reports=reports,
        report_form=form,
        report_urls=report_urls,
        map_url=reverse("dashboard:map_shape", args=[unit.pk]) if prefecture_shape_file(unit) else "",
    )


def _with_cover(figures: list[Shown], values: dict[str, int], issued_week: dict[str, int]) -> list[Shown]:
    """Each covered supply's days of cover right after its stock."""
    result: list[Shown] = []
    for shown in figures:
        result.append(shown)
        category = shown.key.removeprefix("supplies.stock_")
        if shown.key.startswith("supplies.stock_") and f"supplies.issued_{category}" in FIGURES:
            cover = _cover(values.get(shown.key, 0), issued_week.get(f"supplies.issued_{category}", 0))
            result.append(
                Shown(
                    key=f"supplies.cover_{category}",
                    label=str(_("days of cover: %(supply)s") % {"supply": _supply_label(category)}),
                    value=cover,
                    url=shown.url,
                    warn=cover < 3,
                )
            )
    return result


def _supply_label(category: str) -> str:
    from bastion.supplies.models import Item

    return str(dict(Item.Category.choices).get(category, category))


def _action_items(unit: OrgUnit, overdue: int, open_items: int) -> list[Shown]:
    """Open action items overdue (the level kept by due date, up to yesterday) and all open ones."""
    url = FIGURES[OPEN_BY_DUE].list_url
    return [
        Shown(
            "command.overdue",
            str(_("action items overdue")),
            overdue,
            url=_url(url, unit, overdue=1),
            warn=bool(overdue),
        ),
        Shown("command.open", str(_("action items open")), open_items, url=_url(url, unit)),
    ]


def _children(
    unit: OrgUnit, day: dt.date, reports: dict[int, ReportCounts]
) -> tuple[list[tuple[str, str]], list[ChildRow]]:
    """The main figures of each unit directly below ``unit``, with its filing of the day's reports."""
    keys = [key for key in CHILD_KEYS if key in FIGURES]
    columns = [(key, str(FIGURES[key].label)) for key in keys]
    children = list(OrgUnit.objects.filter(parent=unit, is_active=True).order_by("sort_order", "name"))
    windows: dict[str, Window] = {"day": (day, day), "to_day": (None, day)}
    overdue = OPEN_BY_DUE in FIGURES
    if overdue:
        windows["to_yesterday"] = (None, day - dt.timedelta(days=1))
        columns.append(("command.overdue", str(_("action items overdue"))))
    sums = figure_windows([child.pk for child in children], [*keys, OPEN_BY_DUE] if overdue else keys, windows)
    board = reverse("dashboard:board")
    rows = []
    for child in children:
        mine = sums[child.pk]
        figures = figure_values(mine, keys, flow="day", level="to_day")
        if overdue:
            figures["command.overdue"] = mine["to_yesterday"][OPEN_BY_DUE]
        counts = reports.get(child.pk, ReportCounts())
        rows.append(
            ChildRow(
                id=child.pk,
                name=child.display_name,
                kind=child.kind,
                url=f"{board}?{urlencode({'unit': str(child.pk), 'day': day.isoformat()})}",
                figures=figures,
                reports=counts,
                status=counts.status,
            )
        )
    return columns, rows
