"""Reporting benchmarks: completeness and roll-up for one day over the generated tree.

``generate_reports(root)`` adds one daily report form owned by ``root`` (filed
by villages and communities, five whole-number indicators) and, for one day
(``DAY``), the reports of most filing units: on time, late, zero reports (some
of them late), and a few units that did not report. Reports and their values
are written with ``bulk_create`` (``ReportValue.org_unit`` and ``.period``
copied from the report, as ``report_submit`` does): the service would take
minutes for 17,000 units and write an audit event per report.

``run(database, scale, root, repeat)`` then measures, like ``bench.run``:

- ``reporting_completeness_by_child``: ``completeness_by_child(form, root, day,
  day)`` against one statement, the filing units LEFT JOIN their reports of the
  day, grouped by the child of the root they lie in, with conditional counts;
- ``reporting_rollup_by_child``: ``rollup_by_child(form, root, day, day)``
  against one statement summing the values of the lowest filing level per child
  of the root and indicator;
- ``reporting_rollup_table``: ``rollup(form, child, day, day)``, the full table
  (a row per filing unit, a subtotal per township) for the largest child, with
  no target: its baseline is only the per-unit sums it is built from.

Both sides of each pair are checked to give the same figures before timing,
and the selectors' query counts (``CaptureQueriesContext``) must not depend on
the size of the subtree: they are compared below the root, the largest child
and the smallest county.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, Final

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bastion.core.models import OrgUnit
from bastion.core.models.orgunits import PATH_STEP, subtree_upper_bound
from bastion.core.scope import paths_q
from bastion.reporting import selectors
from bastion.reporting.models import Indicator, Report, ReportForm, ReportValue, Status
from bastion.reporting.services.common import deadline_at
from bastion.reporting.services.forms import indicator_add, reportform_create
from bench.generate import DEFAULT_SEED

DAY: Final = dt.date(2026, 2, 3)
FORM_CODE: Final = "bench-daily"
LEVELS: Final = (OrgUnit.Kind.VILLAGE, OrgUnit.Kind.COMMUNITY)
# code, Chinese name, English name, largest figure of a day
INDICATORS: Final = (
    ("returnees", "新增返乡人员", "New returnees", 30),
    ("fever", "发热人员", "People with fever", 3),
    ("quarantined", "居家隔离人员", "People in home quarantine", 12),
    ("visits", "入户走访", "Home visits", 80),
    ("masks", "发放口罩", "Masks handed out", 500),
)
# Shares of the filing units: what each one did about the day's report.
MISSING_SHARE: Final = 0.06
ZERO_SHARE: Final = 0.05
LATE_SHARE: Final = 0.08  # of the units that filed (zero reports included)
BLANK_SHARE: Final = 0.05  # a figure left blank on a report with figures (all but the first indicator)
BATCH_SIZE: Final = 1000

Figures = dict[str, tuple[int, int, int, int, int]]  # group path -> expected, on time, late, zero, zero and late
Totals = dict[Any, dict[int, Decimal]]  # group path (or unit id) -> indicator id -> sum


@dataclass
class Filing:
    form: ReportForm
    day: dt.date
    units: int  # filing units (active villages and communities below the owner)
    statuses: Counter[str]  # Status value -> units, missing included
    zero_late: int
    values: int  # ReportValue rows


def report_form(owner: OrgUnit) -> ReportForm:
    """The daily form owned by ``owner``, filed by villages and communities, through the services."""
    form = reportform_create(
        by=None,
        owner_unit=owner,
        code=FORM_CODE,
        names={"zh-hans": "疫情防控日报告", "en": "Daily epidemic report"},
        period=ReportForm.Period.DAILY,
        deadline=dt.time(18, 0),
        levels=list(LEVELS),
    )
    for order, (code, zh, en, high) in enumerate(INDICATORS):
        indicator_add(
            by=None,
            form=form,
            code=code,
            value_type=Indicator.ValueType.INTEGER,
            required=order == 0,
            min_value=0,
            max_value=high * 10,
            names={"zh-hans": zh, "en": en},
            sort_order=order + 1,
        )
    return form_as_views_load_it(form.pk)


def form_as_views_load_it(form_id: int) -> ReportForm:
    """The form with its owner and indicators loaded, as ``form_get_for_user`` and the report pages give it."""
    return ReportForm.objects.select_related("owner_unit").prefetch_related("indicators").get(pk=form_id)


@transaction.atomic
def generate_reports(root: OrgUnit, *, day: dt.date = DAY, seed: int = DEFAULT_SEED) -> Filing:
    """One daily form owned by ``root`` and the reports of one day for most of its filing units."""
    form = report_form(root)
    indicators = list(form.indicators.all())
    unit_ids = list(selectors.filing_units(form, root).order_by("path").values_list("pk", flat=True))
    deadline = deadline_at(form, day)
    rng = random.Random(seed)
    statuses: Counter[str] = Counter()
    zero_late = 0
    reports: list[Report] = []
    for unit_id in unit_ids:
        draw = rng.random()
        if draw < MISSING_SHARE:
            statuses[Status.MISSING] += 1
            continue
        is_zero = draw < MISSING_SHARE + ZERO_SHARE
        is_late = rng.random() < LATE_SHARE
        if is_late:  # within the next morning
            submitted_at = deadline + dt.timedelta(minutes=rng.randint(1, 15 * 60))
        else:  # during the day, before 18:00
            submitted_at = deadline - dt.timedelta(minutes=rng.randint(1, 10 * 60))
        statuses[Status.ZERO if is_zero else Status.LATE if is_late else Status.ON_TIME] += 1
        zero_late += is_zero and is_late
        reports.append(
            Report(
                form_id=form.pk,
                org_unit_id=unit_id,
                period=day,
                form_version=form.version,
                is_zero=is_zero,
                is_late=is_late,
                submitted_at=submitted_at,
            )
        )
    Report.objects.bulk_create(reports, batch_size=BATCH_SIZE)
    values = [
        ReportValue(
            report_id=report.pk,
            indicator_id=indicator.pk,
            org_unit_id=report.org_unit_id,
            period=report.period,
            number=Decimal(rng.randint(0, high)),
        )
        for report in reports
        if not report.is_zero
        for indicator, (*_, high) in zip(indicators, INDICATORS, strict=True)
        if indicator.required or rng.random() >= BLANK_SHARE
    ]
    ReportValue.objects.bulk_create(values, batch_size=BATCH_SIZE)
    return Filing(form, day, len(unit_ids), statuses, zero_late, len(values))


# The hand-written side. Tables are quoted from the models; everything else is a parameter.


def _table(model: type[Any]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _fetchall(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _range(form: ReportForm, unit: OrgUnit) -> tuple[str, str]:
    """The path range of the units both below ``unit`` and below the form's owner."""
    owner = form.owner_unit.path
    return max(unit.path, owner), min(subtree_upper_bound(unit.path), subtree_upper_bound(owner))


def _in(values: list[str] | tuple[str, ...]) -> str:
    return ", ".join(["%s"] * len(values))


def sql_completeness(form: ReportForm, unit: OrgUnit, first: dt.date, last: dt.date) -> list[tuple[Any, ...]]:
    """Per child of ``unit``: filing units, then reports on time, late, zero, zero and late; one statement.

    Over one period a unit has at most one report (the unique constraint on
    form, unit and period), so ``COUNT(*)`` counts the units; over several
    periods it would have to be ``COUNT(DISTINCT u.id)``.
    """
    low, high = _range(form, unit)
    day = connection.ops.adapt_datefield_value
    sql = (
        f"SELECT SUBSTR(u.path, 1, %s) AS grp, {'COUNT(*)' if first == last else 'COUNT(DISTINCT u.id)'},"
        " COUNT(CASE WHEN NOT r.is_zero AND NOT r.is_late THEN 1 END),"
        " COUNT(CASE WHEN NOT r.is_zero AND r.is_late THEN 1 END),"
        " COUNT(CASE WHEN r.is_zero THEN 1 END),"
        " COUNT(CASE WHEN r.is_zero AND r.is_late THEN 1 END)"
        f" FROM {_table(OrgUnit)} u LEFT JOIN {_table(Report)} r"
        "  ON r.org_unit_id = u.id AND r.form_id = %s AND r.period >= %s AND r.period <= %s"
        f" WHERE u.path >= %s AND u.path < %s AND u.kind IN ({_in(form.levels)}) AND u.is_active"
        " GROUP BY grp ORDER BY grp"
    )
    params = [len(unit.path) + PATH_STEP, form.pk, day(first), day(last), low, high, *form.levels]
    return _fetchall(sql, params)


def sql_rollup_by_child(form: ReportForm, unit: OrgUnit, first: dt.date, last: dt.date) -> list[tuple[Any, ...]]:
    """Per child of ``unit`` and indicator: the sum of the lowest filing level's figures; one statement."""
    levels = selectors.base_levels(form)
    day = connection.ops.adapt_datefield_value
    sql = (
        f"SELECT SUBSTR(u.path, 1, %s) AS grp, v.indicator_id, SUM(v.number)"
        f" FROM {_table(ReportValue)} v"
        f" JOIN {_table(Indicator)} i ON i.id = v.indicator_id"
        f" JOIN {_table(OrgUnit)} u ON u.id = v.org_unit_id"
        " WHERE i.form_id = %s AND v.period >= %s AND v.period <= %s AND v.number IS NOT NULL"
        f" AND u.path >= %s AND u.path < %s AND u.kind IN ({_in(levels)})"
        " GROUP BY grp, v.indicator_id"
    )
    params = [len(unit.path) + PATH_STEP, form.pk, day(first), day(last), *unit.subtree_bounds, *levels]
    return _fetchall(sql, params)


def sql_unit_totals(form: ReportForm, unit: OrgUnit, first: dt.date, last: dt.date) -> list[tuple[Any, ...]]:
    """Per unit below ``unit`` and indicator: the sum of its figures (what the roll-up table is built from)."""
    day = connection.ops.adapt_datefield_value
    sql = (
        f"SELECT v.org_unit_id, v.indicator_id, SUM(v.number) FROM {_table(ReportValue)} v"
        f" JOIN {_table(Indicator)} i ON i.id = v.indicator_id"
        f" JOIN {_table(OrgUnit)} u ON u.id = v.org_unit_id"
        " WHERE i.form_id = %s AND v.period >= %s AND v.period <= %s AND v.number IS NOT NULL"
        " AND u.path >= %s AND u.path < %s"
        " GROUP BY v.org_unit_id, v.indicator_id"
    )
    return _fetchall(sql, [form.pk, day(first), day(last), *unit.subtree_bounds])


# Both sides in the same shape, to compare.


def orm_completeness_figures(form: ReportForm, unit: OrgUnit, first: dt.date, last: dt.date) -> Figures:
    rows, total = selectors.completeness_by_child(form, unit, first, last)
    figures: Figures = {}
    for row in rows:
        assert row.unit is not None
        figures[row.unit.path] = (row.expected, row.on_time, row.late, row.zero, row.zero_late)
    if sum(row.expected for row in rows) != total.expected or sum(row.filed for row in rows) != total.filed:
        raise AssertionError("completeness_by_child: the total is not the sum of the rows")
    return figures


def sql_completeness_figures(form: ReportForm, unit: OrgUnit, first: dt.date, last: dt.date) -> Figures:
    periods = selectors.periods_between(form, first, last)
    return {
        group: (units * periods, on_time, late, zero, zero_late)
        for group, units, on_time, late, zero, zero_late in sql_completeness(form, unit, first, last)
    }


def _totals(rows: list[tuple[Any, ...]]) -> Totals:
    totals: Totals = {}
    for key, indicator_id, total in rows:
        totals.setdefault(key, {})[indicator_id] = Decimal(str(total))  # SQLite sums come back as int or float
    return totals


def sql_rollup_by_child_totals(form: ReportForm, unit: OrgUnit, first: dt.date, last: dt.date) -> Totals:
    return _totals(sql_rollup_by_child(form, unit, first, last))


def check_completeness(form: ReportForm, unit: OrgUnit, first: dt.date, last: dt.date) -> Figures:
    orm = orm_completeness_figures(form, unit, first, last)
    sql = sql_completeness_figures(form, unit, first, last)
    if orm != sql:
        raise AssertionError(f"completeness below {unit}: ORM {orm} != SQL {sql}")
    return sql


def check_rollup_by_child(form: ReportForm, unit: OrgUnit, first: dt.date, last: dt.date) -> Totals:
    orm = selectors.rollup_by_child(form, unit, first, last)
    sql = sql_rollup_by_child_totals(form, unit, first, last)
    if orm != sql:
        raise AssertionError(f"roll-up by child below {unit}: ORM {orm} != SQL {sql}")
    return sql


def check_rollup_table(form: ReportForm, unit: OrgUnit, first: dt.date, last: dt.date) -> selectors.Rollup:
    """The table's unit rows carry each unit's own sums, and its grand total the sum of the base level's."""
    table = selectors.rollup(form, unit, first, last)
    sql = _totals(sql_unit_totals(form, unit, first, last))
    rows = {row.unit.pk: row.values for row in table.rows if row.kind == "unit"}
    if any(rows.get(unit_id) != values for unit_id, values in sql.items()) or any(
        values and values != sql.get(unit_id) for unit_id, values in rows.items()
    ):
        raise AssertionError(f"roll-up table below {unit}: its unit rows differ from the per-unit sums")
    grand: dict[int, Decimal] = {}
    for values in rows.values():
        for indicator_id, value in values.items():
            grand[indicator_id] = grand.get(indicator_id, Decimal(0)) + value
    if table.total.values != grand:
        raise AssertionError(f"roll-up table below {unit}: the total is not the sum of its unit rows")
    return table


def query_count(fn: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries.captured_queries)


def query_counts(
    form: ReportForm, units: list[OrgUnit], first: dt.date, last: dt.date
) -> dict[str, dict[OrgUnit, int]]:
    """Queries each selector runs below each of ``units``; the form comes as the report pages load it."""
    counts: dict[str, dict[OrgUnit, int]] = {"completeness_by_child": {}, "rollup_by_child": {}, "rollup": {}}
    for unit in units:
        counts["completeness_by_child"][unit] = query_count(
            partial(selectors.completeness_by_child, form, unit, first, last)
        )
        counts["rollup_by_child"][unit] = query_count(partial(selectors.rollup_by_child, form, unit, first, last))
        counts["rollup"][unit] = query_count(partial(selectors.rollup, form, unit, first, last))
    return counts


def constant_count(counts: dict[OrgUnit, int], name: str) -> int:
    """The one query count of a selector below every unit measured; an error if it varies with the subtree."""
    if len(set(counts.values())) != 1:
        shown = ", ".join(f"{unit.kind} {unit.name}: {n}" for unit, n in counts.items())
        raise AssertionError(f"{name}: the number of queries depends on the size of the subtree ({shown})")
    return next(iter(counts.values()))


def _subtree_sizes(units: list[OrgUnit]) -> dict[OrgUnit, int]:
    return {unit: OrgUnit.objects.filter(paths_q([unit.path])).count() for unit in units}


def run(database: str, scale: str, root: OrgUnit, repeat: int) -> list[dict[str, Any]]:
    """Generate the day's reports below ``root`` and measure the three reporting benchmarks."""
    from bench.run import analyze, entry, time_one, time_pair

    start = time.perf_counter()
    filing = generate_reports(root)
    seconds = time.perf_counter() - start
    print(
        f"  {database}: wrote {filing.units - filing.statuses[Status.MISSING]:,} reports and "
        f"{filing.values:,} values for {filing.units:,} filing units in {seconds:.1f} s"
    )
    analyze(database)
    form, day = form_as_views_load_it(filing.form.pk), filing.day

    # The largest child of the root, and the smallest county anywhere below it, for the query counts.
    children = _subtree_sizes(list(root.children.all()))
    child = max(children, key=lambda unit: (children[unit], -unit.pk))
    counties = _subtree_sizes(list(OrgUnit.objects.filter(paths_q([root.path]), kind=OrgUnit.Kind.COUNTY)))
    county = min(counties, key=lambda unit: (counties[unit], unit.pk))
    measured = list(dict.fromkeys([root, child, county]))
    sizes = {**children, **counties, root: OrgUnit.objects.filter(paths_q([root.path])).count()}
    counts = query_counts(form, measured, day, day)
    n_completeness = constant_count(counts["completeness_by_child"], "completeness_by_child")
    n_rollup_by_child = constant_count(counts["rollup_by_child"], "rollup_by_child")
    n_rollup = constant_count(counts["rollup"], "rollup")
    below = " and ".join(f"{unit.kind} ({sizes[unit]:,} units)" for unit in measured)
    shares = ", ".join(
        f"{filing.statuses[status]:,} {status}" for status in (Status.ON_TIME, Status.LATE, Status.ZERO, Status.MISSING)
    )
    results = []

    # a. Completeness and timeliness by child of the root.
    figures = check_completeness(form, root, day, day)
    for unit in measured[1:]:
        check_completeness(form, unit, day, day)
    orm_ms, sql_ms = time_pair(
        lambda: selectors.completeness_by_child(form, root, day, day),
        lambda: sql_completeness(form, root, day, day),
        repeat,
    )
    results.append(
        entry(
            "reporting_completeness_by_child",
            database,
            scale,
            orm_ms,
            sql_ms,
            f"{root.kind} {root.name}, {day}: {filing.units:,} filing units ({shares}; "
            f"{filing.zero_late:,} zero reports late) in {len(figures)} children; ORM: completeness_by_child, "
            f"{n_completeness} queries below {below} alike; baseline: 1 statement, units LEFT JOIN reports "
            f"GROUP BY the child's path prefix with conditional counts",
        )
    )

    # b. Totals per indicator by child of the root.
    totals = check_rollup_by_child(form, root, day, day)
    for unit in measured[1:]:
        check_rollup_by_child(form, unit, day, day)
    orm_ms, sql_ms = time_pair(
        lambda: selectors.rollup_by_child(form, root, day, day),
        lambda: sql_rollup_by_child(form, root, day, day),
        repeat,
    )
    results.append(
        entry(
            "reporting_rollup_by_child",
            database,
            scale,
            orm_ms,
            sql_ms,
            f"{root.kind} {root.name}, {day}: {filing.values:,} values of {len(INDICATORS)} indicators summed "
            f"into {len(totals)} children; ORM: rollup_by_child, {n_rollup_by_child} query below {below} alike; "
            f"baseline: 1 statement, values JOIN indicators and units GROUP BY the child's path prefix and indicator",
        )
    )

    # c. The full roll-up table of the largest child, on its own (no target: it builds the table in Python).
    table = check_rollup_table(form, child, day, day)
    orm_ms = time_one(lambda: selectors.rollup(form, child, day, day), repeat)
    sql_ms = time_one(lambda: sql_unit_totals(form, child, day, day), repeat)
    item = entry(
        "reporting_rollup_table",
        database,
        scale,
        orm_ms,
        sql_ms,
        f"{child.kind} {child.name}, {day}: {sum(row.kind == 'unit' for row in table.rows):,} unit rows and "
        f"{sum(row.kind == 'subtotal' for row in table.rows):,} subtotals; ORM: rollup, {n_rollup} queries "
        f"below {below} alike (the form's indicators prefetched, as the pages load it); for information only, "
        f"no target: the baseline is just the per-unit sums it is built from (1 statement)",
    )
    item["target_ratio"] = None
    results.append(item)
    return results
