"""Reads of the reporting area, every one scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, FilteredRelation, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404

from bastion.core.models import OrgUnit, User, UserScope
from bastion.core.models.orgunits import PATH_STEP
from bastion.core.scope import paths_q, scope_paths, scoped
from bastion.core.services.orgunits import KIND_RANK
from bastion.reporting.models import ImmediateReport, Indicator, Report, ReportForm, ReportValue, Status


def forms_for_user(user: User, *, active_only: bool = False) -> QuerySet[ReportForm]:
    """Forms owned by a unit at or above one of the user's scope roots, or inside the scope."""
    forms = ReportForm.objects.select_related("owner_unit")
    if active_only:
        forms = forms.filter(is_active=True)
    paths = scope_paths(user)
    if paths is None:
        return forms
    above = {path[:end] for path in paths for end in range(PATH_STEP, len(path) + 1, PATH_STEP)}
    return forms.filter(Q(owner_unit__path__in=above) | paths_q(paths, "owner_unit"))


def form_get_for_user(user: User, form_id: int) -> ReportForm:
    return get_object_or_404(forms_for_user(user).prefetch_related("indicators"), pk=form_id)


def indicator_get_for_user(user: User, indicator_id: int) -> Indicator:
    indicator = get_object_or_404(Indicator.objects.select_related("form__owner_unit"), pk=indicator_id)
    form_get_for_user(user, indicator.form_id)
    return indicator


def filing_units(form: ReportForm, within: OrgUnit) -> QuerySet[OrgUnit]:
    """The active units at or below ``within`` that file ``form``."""
    return OrgUnit.objects.filter(
        paths_q([within.path]), paths_q([form.owner_unit.path]), kind__in=form.levels, is_active=True
    )


def report_of(form: ReportForm, unit: OrgUnit, period: dt.date) -> Report | None:
    return (
        Report.objects.filter(form=form, org_unit=unit, period=period)
        .select_related("submitted_by")
        .prefetch_related(Prefetch("values", queryset=ReportValue.objects.select_related("indicator")))
        .first()
    )


def report_get_for_user(user: User, report_id: int) -> Report:
    return get_object_or_404(
        scoped(Report.objects.select_related("form", "org_unit", "submitted_by"), user), pk=report_id
    )


@dataclass
class DueReport:
    form: ReportForm
    unit: OrgUnit
    period: dt.date
    report: Report | None

    @property
    def status(self) -> Status:
        return self.report.status if self.report else Status.MISSING


def due_reports_for_user(user: User, today: dt.date) -> list[DueReport]:
    """For each unit the user answers for and each form it files: the current period's report, if any."""
    units = [s.org_unit for s in UserScope.objects.filter(user=user).select_related("org_unit")]
    due: list[DueReport] = []
    forms = list(forms_for_user(user, active_only=True))
    keys = [(form, unit, form.period_start(today)) for form in forms for unit in units]
    keys = [
        (f, u, p) for f, u, p in keys if u.is_active and u.kind in f.levels and u.path.startswith(f.owner_unit.path)
    ]
    if not keys:
        return due
    reports = {
        (r.form_id, r.org_unit_id, r.period): r
        for r in Report.objects.filter(
            form__in=[k[0] for k in keys], org_unit__in=[k[1] for k in keys], period__in=[k[2] for k in keys]
        )
    }
    return [DueReport(f, u, p, reports.get((f.pk, u.pk, p))) for f, u, p in keys]


def periods_between(form: ReportForm, first: dt.date, last: dt.date) -> int:
    """How many periods of the form start between ``first`` and ``last``."""
    if last < first:
        return 0
    if form.period == ReportForm.Period.WEEKLY:
        start = form.period_start(first)
        if start < first:
            start += dt.timedelta(days=7)
        return 0 if start > last else (last - start).days // 7 + 1
    return (last - first).days + 1


@dataclass
class Completeness:
    unit: OrgUnit | None
    expected: int = 0
    on_time: int = 0
    late: int = 0
    zero: int = 0
    zero_late: int = 0

    @property
    def filed(self) -> int:
        return self.on_time + self.late + self.zero

    @property
    def missing(self) -> int:
        return max(self.expected - self.filed, 0)

    @property
    def completeness(self) -> float | None:
        return self.filed / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return (self.on_time + self.zero - self.zero_late) / self.expected if self.expected else None

    def add(self, other: Completeness) -> None:
        for name in ("expected", "on_time", "late", "zero", "zero_late"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def completeness_by_child(
    form: ReportForm, unit: OrgUnit, first: dt.date, last: dt.date
) -> tuple[list[Completeness], Completeness]:
    """Completeness and timeliness of each unit directly below ``unit`` (and of ``unit``'s own report).

    One grouped query over the subtree, whatever its size: units joined to their
    reports of the date range, grouped by the child of ``unit`` they lie in.
    Over one day a unit has at most one report of the form (unique per form,
    unit and period), so the join gives one row per unit and the units are
    counted without DISTINCT, which would sort every row again (bench/README.md).
    """
    periods = periods_between(form, first, last)
    in_range = Q(reports__form=form, reports__period__gte=first, reports__period__lte=last)
    grouped = (
        filing_units(form, unit)
        .annotate(r=FilteredRelation("reports", condition=in_range))
        .annotate(group=Substr("path", 1, len(unit.path) + PATH_STEP))
        .values("group")
        .annotate(
            units=Count("pk", distinct=first != last),
            on_time=Count("r__id", filter=Q(r__is_zero=False, r__is_late=False)),
            late=Count("r__id", filter=Q(r__is_zero=False, r__is_late=True)),
            zero=Count("r__id", filter=Q(r__is_zero=True)),
            zero_late=Count("r__id", filter=Q(r__is_zero=True, r__is_late=True)),
        )
        .order_by()  # sorted below by the units' order: the database may hash the groups instead of sorting
    )
    figures = list(grouped)
    units = OrgUnit.objects.in_bulk([row["group"] for row in figures], field_name="path")
    rows = [
        Completeness(
            unit=units[row["group"]],
            expected=row["units"] * periods,
            on_time=row["on_time"],
            late=row["late"],
            zero=row["zero"],
            zero_late=row["zero_late"],
        )
        for row in figures
    ]
    rows.sort(
        key=lambda row: (
            row.unit is None or row.unit.pk != unit.pk,
            row.unit.sort_order if row.unit else 0,
            row.unit.name if row.unit else "",
        )
    )
    total = Completeness(unit=unit)
    for row in rows:
        total.add(row)
    return rows, total


def unit_statuses(form: ReportForm, unit: OrgUnit, period: dt.date, status: str = "") -> QuerySet[OrgUnit]:
    """The filing units below ``unit`` with their report of ``period`` (or none), in tree order."""
    units = (
        filing_units(form, unit)
        .annotate(r=FilteredRelation("reports", condition=Q(reports__form=form, reports__period=period)))
        .annotate(
            report_id=F("r__id"),
            report_zero=F("r__is_zero"),
            report_late=F("r__is_late"),
            report_at=F("r__submitted_at"),
        )
        .select_related("parent")
        .order_by("path")
    )
    if status == Status.MISSING:
        units = units.filter(r__id__isnull=True)
    elif status == Status.ZERO:
        units = units.filter(r__is_zero=True)
    elif status == Status.LATE:
        units = units.filter(r__is_zero=False, r__is_late=True)
    elif status == Status.ON_TIME:
        units = units.filter(r__is_zero=False, r__is_late=False)
    return units


def status_of(unit: OrgUnit) -> Status:
    """The status of a unit annotated by ``unit_statuses``."""
    if getattr(unit, "report_id", None) is None:
        return Status.MISSING
    if unit.report_zero:  # type: ignore[attr-defined]
        return Status.ZERO
    return Status.LATE if unit.report_late else Status.ON_TIME  # type: ignore[attr-defined]


def responsible_by_unit(units: list[OrgUnit]) -> dict[int, list[User]]:
    """For each unit, the active accounts whose scope is exactly that unit: one query."""
    people: dict[int, list[User]] = defaultdict(list)
    for scope in UserScope.objects.filter(org_unit__in=units, user__is_active=True).select_related("user"):
        people[scope.org_unit_id].append(scope.user)
    return people


def base_levels(form: ReportForm) -> list[str]:
    """The lowest levels that file the form: their figures are the ones that add up to every total."""
    lowest = max(KIND_RANK[OrgUnit.Kind(kind)] for kind in form.levels)
    return [kind for kind in form.levels if KIND_RANK[OrgUnit.Kind(kind)] == lowest]


def numeric_indicators(form: ReportForm) -> list[Indicator]:
    return [i for i in form.indicators.all() if i.is_numeric]


@dataclass
class RollupRow:
    unit: OrgUnit
    values: dict[int, Decimal]
    kind: str = "unit"  # "unit", "subtotal" or "total"
    own: dict[int, Decimal] | None = None  # the subtotal unit's own figures, where it files too
    mismatched: set[int] = field(default_factory=set)


@dataclass
class Rollup:
    indicators: list[Indicator]
    rows: list[RollupRow]
    total: RollupRow

    @property
    def mismatches(self) -> list[RollupRow]:
        return [row for row in self.rows if row.mismatched]


def _sum_into(target: dict[int, Decimal], values: dict[int, Decimal]) -> None:
    for key, value in values.items():
        target[key] = target.get(key, Decimal(0)) + value


def rollup(form: ReportForm, unit: OrgUnit, first: dt.date, last: dt.date) -> Rollup:
    """Totals of every numeric indicator: a row per filing unit, a subtotal per parent, the grand total.

    Totals add up the lowest filing level only. Where a higher unit files the
    form too, its own figure is shown beside the subtotal and flagged when it
    differs from the sum of the units below it. Three queries whatever the size.
    """
    indicators = numeric_indicators(form)
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    in_range = ReportValue.objects.filter(
        paths_q([unit.path], "org_unit"),
        indicator__form=form,
        period__gte=first,
        period__lte=last,
        number__isnull=False,
    )
    for row in in_range.values("org_unit_id", "indicator_id").annotate(total=Sum("number")).order_by():
        values[row["org_unit_id"]][row["indicator_id"]] = row["total"]
    base = set(base_levels(form))
    units = list(
        OrgUnit.objects.filter(paths_q([unit.path]), paths_q([form.owner_unit.path]), kind__in=form.levels)
        .filter(Q(is_active=True) | Q(pk__in=in_range.values("org_unit_id")))
        .select_related("parent")
        .order_by("path")
    )
    upper = {u.pk: u for u in units if u.kind not in base}
    total = RollupRow(unit=unit, values={}, kind="total")
    rows: list[RollupRow] = []
    groups: dict[int | None, list[OrgUnit]] = defaultdict(list)
    for u in units:
        if u.kind in base:
            groups[u.parent_id].append(u)
    for members in groups.values():
        subtotal = RollupRow(unit=members[0].parent or members[0], values={}, kind="subtotal")
        for member in members:
            rows.append(RollupRow(unit=member, values=values.get(member.pk, {})))
            _sum_into(subtotal.values, values.get(member.pk, {}))
        _sum_into(total.values, subtotal.values)
        if subtotal.unit.pk in upper:
            subtotal.own = values.get(subtotal.unit.pk, {})
        rows.append(subtotal)
    # The sum of the lowest level below each higher filer: one pass, walking each unit's ancestors.
    below_sums: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for members in groups.values():
        for member in members:
            for ancestor_id in member.ancestor_ids:
                if ancestor_id in upper:
                    _sum_into(below_sums[ancestor_id], values.get(member.pk, {}))
    subtotals = {r.unit.pk: r for r in rows if r.kind == "subtotal"}
    for u in upper.values():
        own = values.get(u.pk)
        if not own:
            continue
        below = below_sums.get(u.pk, {})
        mismatched = {
            key for key in own.keys() | below.keys() if own.get(key, Decimal(0)) != below.get(key, Decimal(0))
        }
        if mismatched:
            target = subtotals.get(u.pk)
            if target is None:
                target = RollupRow(unit=u, values=below, kind="subtotal", own=own)
                rows.append(target)
            target.mismatched = mismatched
    return Rollup(indicators=indicators, rows=rows, total=total)


def rollup_by_child(form: ReportForm, unit: OrgUnit, first: dt.date, last: dt.date) -> dict[str, dict[int, Decimal]]:
    """Totals per indicator for each unit directly below ``unit`` (by path): one grouped query.

    Only the lowest filing level is added up, as in ``rollup``.
    """
    result: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for row in (
        ReportValue.objects.filter(
            paths_q([unit.path], "org_unit"),
            indicator__form=form,
            period__gte=first,
            period__lte=last,
            org_unit__kind__in=base_levels(form),
            number__isnull=False,
        )
        .annotate(group=Substr("org_unit__path", 1, len(unit.path) + PATH_STEP))
        .values("group", "indicator_id")
        .annotate(total=Sum("number"))
        .order_by()
    ):
        result[row["group"]][row["indicator_id"]] = row["total"]
    return dict(result)


def immediate_reports_for_user(
    user: User, *, state: str = "", category: str = "", q: str = "", unit: OrgUnit | None = None
) -> QuerySet[ImmediateReport]:
    reports = scoped(ImmediateReport.objects.select_related("org_unit", "category", "waiting_unit"), user)
    if state == "active":
        reports = reports.exclude(state=ImmediateReport.State.CLOSED)
    elif state:
        reports = reports.filter(state=state)
    if category:
        reports = reports.filter(category__code=category)
    if unit is not None:
        reports = reports.filter(paths_q([unit.path], "org_unit"))
    if q.strip():
        reports = reports.filter(Q(description__icontains=q.strip()) | Q(org_unit__name__icontains=q.strip()))
    return reports


def immediate_get_for_user(user: User, immediate_id: int) -> ImmediateReport:
    return get_object_or_404(
        immediate_reports_for_user(user)
        .select_related("filed_by", "acknowledged_by")
        .prefetch_related("events__by", "events__org_unit"),
        pk=immediate_id,
    )
