"""Dashboard benchmarks (issue 11): the dashboard's data at province scale, and the same figures from the records.

``run(database, scale, root, repeat)`` writes the live figures of 30 days (``WINDOW``, ending on the reporting
benchmark's day, 2026-02-03) straight into ``dashboard_dailyfigure`` with ``bulk_create``, for every village and
community of the tree (17,556 at province scale), from a seeded random generator:

- flows, a row per unit and day: ``reporting.filed_on_time`` / ``filed_late`` / ``filed_zero`` (one of them a
  day, or none: missing), ``residents.visits``, ``outreach.reach`` and ``outreach.activities``, and
  ``checkpoints.passages_in`` / ``passages_out`` on the one unit in ten that has a post;
- levels, a row on the days the level changes (half the days, never below zero): ``observation.active``,
  ``checkpoints.arrivals_open``, ``mobilization.reported``, ``supplies.stock_masks``, ``command.open_by_due``;

and, as ``figure_add`` keeps them, a row for every unit above the villages holding its subtree's sum;
3,008,322 village rows in all at province scale. The outreach figures are computed from raw records written alongside
them: 0 to 3 ``outreach.Activity`` rows per unit and day (790,926), each with a default channel and a reach of 5
to 200, so that the figures can be timed against aggregating the records themselves. Then ``ANALYZE``, and:

- ``dashboard_<kind>_p50`` / ``_p95``: ``dashboard_data(superuser, unit, day)``, what the dashboard page and its
  API compute, at the root (the province), its largest child (a prefecture), that child's first county and that
  county's first township; median and 95th percentile of ``max(repeat, 31)`` calls, each timed alone, in ms.
  Targets at province scale, for the root: 100 ms at the median, 300 ms at p95.
- ``dashboard_queries``: the queries of one ``dashboard_data`` call (``CaptureQueriesContext``); the run fails if
  the count differs between the levels measured.
- ``dashboard_figure_totals`` / ``_series`` / ``_by_child``: the engine's three reads at the root with the
  dashboard's keys, alone, for the record.
- ``dashboard_outreach_figures_vs_raw``: the outreach figures the dashboard shows at the root (reach and
  activities on the day and since the first record, 30 days of reach, reach by child unit) from the figures
  (``figure_totals`` twice, ``figure_series``, ``figure_by_child``) against the same numbers aggregated from the
  ``Activity`` rows over the subtree (checked equal first); ratio = figures / records, no target: the point of
  the design is how small it is.

``python -m bench.dashboard --db sqlite|postgres [--url URL] [--scale S] [--repeat N] [--profile]`` runs them
alone (on the province tree by default, with the reporting benchmark's daily form and reports, which the
dashboard counts); ``--profile`` prints the slowest queries of the root's dashboard and their plans.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

DAY = dt.date(2026, 2, 3)  # the reporting benchmark's day: the dashboard counts its reports
WINDOW = 30
FIRST = DAY - dt.timedelta(days=WINDOW - 1)
EPOCH = dt.date(2000, 1, 1)  # before any record: a flow's total since its first
SEED = 2020
POST_SHARE = 0.1
LEVEL_CHANGE_SHARE = 0.5
MISSING_SHARE, ZERO_SHARE, LATE_SHARE = 0.05, 0.07, 0.08
MIN_REPEAT = 31
FLUSH = 50_000
BATCH_SIZE = 5_000
P50_TARGET_MS = 100.0
P95_TARGET_MS = 300.0

REACH, ACTIVITIES = "outreach.reach", "outreach.activities"
ON_TIME, LATE, ZERO = "reporting.filed_on_time", "reporting.filed_late", "reporting.filed_zero"
VISITS = "residents.visits"
PASSAGES = ("checkpoints.passages_in", "checkpoints.passages_out")
LEVELS = (
    "observation.active",
    "checkpoints.arrivals_open",
    "mobilization.reported",
    "supplies.stock_masks",
    "command.open_by_due",
)


def _days() -> list[dt.date]:
    return [FIRST + dt.timedelta(days=n) for n in range(WINDOW)]


def write_figures(root: Any, seed: int = SEED) -> tuple[int, int, int]:
    """The figures of ``WINDOW`` days for every village and community below ``root``, and the outreach
    activities behind two of them; returns (units, figure rows, activity rows)."""
    from django.apps import apps
    from django.db import transaction

    from bastion.core.models import OrgUnit
    from bastion.core.models.orgunits import path_ids
    from bastion.dashboard.figures import FIGURES
    from bastion.dashboard.models import DailyFigure
    from bastion.outreach.models import Activity, Channel

    missing = [
        key for key in (REACH, ACTIVITIES, ON_TIME, LATE, ZERO, VISITS, *PASSAGES, *LEVELS) if key not in FIGURES
    ]
    if missing:
        raise AssertionError(f"figures not registered: {', '.join(missing)}")
    importlib.import_module("bastion.outreach.migrations.0002_defaults").add_defaults(apps, None)
    channels = list(Channel.objects.order_by("sort_order").values_list("pk", flat=True))
    low, high = root.subtree_bounds
    units = list(
        OrgUnit.objects.filter(path__gte=low, path__lt=high, kind__in=[OrgUnit.Kind.VILLAGE, OrgUnit.Kind.COMMUNITY])
        .order_by("path")
        .values_list("pk", "path")
    )
    rng = random.Random(seed)
    days = _days()
    figures: list[DailyFigure] = []
    above: dict[tuple[int, dt.date, str], int] = defaultdict(int)
    """The rows of the units above the villages, each its subtree's sum, as ``figure_add`` keeps them."""
    activities: list[Activity] = []
    written = [0, 0]

    def flush(final: bool = False) -> None:
        if len(figures) >= FLUSH or final:
            DailyFigure.objects.bulk_create(figures, batch_size=BATCH_SIZE)
            written[0] += len(figures)
            figures.clear()
        if len(activities) >= FLUSH or final:
            Activity.objects.bulk_create(activities, batch_size=BATCH_SIZE)
            written[1] += len(activities)
            activities.clear()

    def add(unit_id: int, day: dt.date, key: str, value: int) -> None:
        if value:
            figures.append(DailyFigure(org_unit_id=unit_id, day=day, key=key, value=value))
            for ancestor in ancestors:
                above[(ancestor, day, key)] += value

    with transaction.atomic():
        for unit_id, path in units:
            ancestors = path_ids(path)[:-1]
            has_post = rng.random() < POST_SHARE
            levels = dict.fromkeys(LEVELS, 0)
            for day in days:
                draw = rng.random()
                if draw >= MISSING_SHARE:
                    key = ZERO if draw < MISSING_SHARE + ZERO_SHARE else LATE if rng.random() < LATE_SHARE else ON_TIME
                    add(unit_id, day, key, 1)
                add(unit_id, day, VISITS, rng.randint(0, 40))
                reach = count = 0
                for _ in range(rng.randint(0, 3)):
                    people = rng.randint(5, 200)
                    activities.append(
                        Activity(org_unit_id=unit_id, on=day, channel_id=rng.choice(channels), reach=people)
                    )
                    reach, count = reach + people, count + 1
                add(unit_id, day, REACH, reach)
                add(unit_id, day, ACTIVITIES, count)
                if has_post:
                    for key in PASSAGES:
                        add(unit_id, day, key, rng.randint(20, 300))
                for key in LEVELS:
                    if rng.random() < LEVEL_CHANGE_SHARE:
                        change = max(-levels[key], rng.randint(-3, 5))
                        levels[key] += change
                        add(unit_id, day, key, change)
            flush()
        figures.extend(
            DailyFigure(org_unit_id=unit_id, day=day, key=key, value=value)
            for (unit_id, day, key), value in above.items()
            if value
        )
        flush(final=True)
    return len(units), written[0], written[1]


def chain(root: Any) -> list[Any]:
    """The units measured: the root, its child with the largest subtree, then first children down to a township."""
    from bastion.core.models import OrgUnit
    from bastion.core.scope import paths_q

    units = [root]
    children = list(root.children.filter(is_active=True))
    if children and root.kind != OrgUnit.Kind.TOWNSHIP:
        sizes = {child: OrgUnit.objects.filter(paths_q([child.path])).count() for child in children}
        units.append(max(sizes, key=lambda unit: (sizes[unit], -unit.pk)))
    while units[-1].kind != OrgUnit.Kind.TOWNSHIP:
        below = units[-1].children.filter(is_active=True).order_by("path").first()
        if below is None:
            break
        units.append(below)
    return units


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of each of ``repeat`` calls (after three warm-up calls), the garbage collector paused."""
    for _ in range(3):
        fn()
    samples = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
    finally:
        gc.enable()
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def captured(fn: Callable[[], object]) -> list[dict[str, str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fn()
    return list(queries.captured_queries)


def figures_side(unit: Any) -> dict[str, Any]:
    """The dashboard's outreach numbers from the live figures, read as ``dashboard_data`` reads them."""
    from bastion.dashboard.figures import figure_by_child, figure_series, figure_totals

    keys = [REACH, ACTIVITIES]
    return {
        "day": figure_totals(unit, keys, DAY, DAY),
        "total": figure_totals(unit, keys, EPOCH, DAY),
        "series": figure_series(unit, [REACH], FIRST, DAY)[REACH],
        "by_child": {pk: row[REACH] for pk, row in figure_by_child(unit, [REACH], DAY, DAY).items()},
    }


def raw_side(unit: Any) -> dict[str, Any]:
    """The same numbers aggregated from the ``Activity`` rows of the subtree (the path range on the unit)."""
    from django.db.models import Count, Sum
    from django.db.models.functions import Substr

    from bastion.core.models import OrgUnit
    from bastion.outreach.models import Activity

    low, high = unit.subtree_bounds
    subtree = Activity.objects.filter(org_unit__path__gte=low, org_unit__path__lt=high).order_by()

    def sums(rows: Any) -> dict[str, int]:
        got = rows.aggregate(reach=Sum("reach"), n=Count("pk"))
        return {REACH: int(got["reach"] or 0), ACTIVITIES: int(got["n"])}

    series = [0] * WINDOW
    for row in subtree.filter(on__gte=FIRST, on__lte=DAY).values("on").annotate(reach=Sum("reach")):
        series[(row["on"] - FIRST).days] = int(row["reach"] or 0)
    children = list(OrgUnit.objects.filter(parent=unit, is_active=True).values_list("pk", "path"))
    by_child = dict.fromkeys((pk for pk, _path in children), 0)
    if children:
        owner = {path: pk for pk, path in children}
        rows = (
            subtree.filter(on=DAY)
            .annotate(prefix=Substr("org_unit__path", 1, len(children[0][1])))
            .values("prefix")
            .annotate(reach=Sum("reach"))
        )
        for row in rows:
            if row["prefix"] in owner:
                by_child[owner[row["prefix"]]] = int(row["reach"] or 0)
    return {
        "day": sums(subtree.filter(on=DAY)),
        "total": sums(subtree.filter(on__lte=DAY)),
        "series": series,
        "by_child": by_child,
    }


def _figure_entry(name: str, database: str, scale: str, ms: float, note: str, target: float | None) -> dict[str, Any]:
    from bench.run import TARGET_SCALE

    return {
        "name": name,
        "database": database,
        "scale": scale,
        "figure": round(ms, 3),
        "unit": "ms",
        "baseline_figure": None,
        "ratio": None,
        "target_ratio": None,
        "target_figure": target if scale == TARGET_SCALE else None,
        "note": note,
    }


def run(database: str, scale: str, root: Any, repeat: int) -> list[dict[str, Any]]:
    from bastion.dashboard.figures import FIGURES, FLOW, figure_by_child, figure_series, figure_totals
    from bastion.dashboard.selectors import CHARTS, CHILD_KEYS, _panel_keys, dashboard_data
    from bench.queries import superuser
    from bench.run import analyze, entry

    start = time.perf_counter()
    units, rows, activities = write_figures(root)
    analyze(database)
    print(
        f"  {database}: wrote {rows:,} daily figures and {activities:,} outreach activities for {units:,} units "
        f"in {time.perf_counter() - start:.1f} s (ANALYZE included)"
    )
    user = superuser()
    repeat = max(repeat, MIN_REPEAT)
    results: list[dict[str, Any]] = []
    measured = chain(root)

    counts = {unit: len(captured(lambda unit=unit: dashboard_data(user, unit, DAY))) for unit in measured}
    if len(set(counts.values())) != 1:
        shown = ", ".join(f"{unit.kind} {unit.name}: {n}" for unit, n in counts.items())
        raise AssertionError(f"dashboard_data: the number of queries depends on the subtree ({shown})")
    queries = counts[root]

    for unit in measured:
        samples = timed(lambda unit=unit: dashboard_data(user, unit, DAY), repeat)
        p50_ms, p95_ms = statistics.median(samples), p95(samples)
        where = f"dashboard_data(superuser, {unit.kind} {unit.name}, {DAY}): {queries} queries"
        stats = f"median {p50_ms:.1f} ms, p95 {p95_ms:.1f} ms, max {max(samples):.1f} ms over {repeat} calls"
        is_root = unit is root
        results.append(
            _figure_entry(
                f"dashboard_{unit.kind}_p50",
                database,
                scale,
                p50_ms,
                f"{where}; {stats}",
                P50_TARGET_MS if is_root else None,
            )
        )
        results.append(
            _figure_entry(
                f"dashboard_{unit.kind}_p95",
                database,
                scale,
                p95_ms,
                f"{where}; {stats}",
                P95_TARGET_MS if is_root else None,
            )
        )
    count_entry = _figure_entry(
        "dashboard_queries",
        database,
        scale,
        queries,
        "queries of one dashboard_data call, the same at " + ", ".join(f"{u.kind} {u.name}" for u in measured),
        None,
    )
    count_entry["unit"] = "queries"
    results.append(count_entry)

    # The engine's three reads at the root, with the dashboard's keys.
    shown = [key for _name, _title, keys in _panel_keys() for key in keys]
    flows = [key for key in shown if FIGURES[key].kind == FLOW]
    chart_keys = [key for _name, _title, keys in CHARTS for key in keys if key in FIGURES]
    child_keys = [key for key in CHILD_KEYS if key in FIGURES]
    reads: list[tuple[str, Callable[[], object], str]] = [
        ("figure_totals_day", lambda: figure_totals(root, shown, DAY, DAY), f"{len(shown)} keys on the day"),
        ("figure_totals_since", lambda: figure_totals(root, flows, EPOCH, DAY), f"{len(flows)} flows since {EPOCH}"),
        ("figure_series", lambda: figure_series(root, chart_keys, FIRST, DAY), f"{len(chart_keys)} keys, 30 days"),
        ("figure_by_child", lambda: figure_by_child(root, child_keys, DAY, DAY), f"{len(child_keys)} keys"),
    ]
    for name, fn, what in reads:
        samples = timed(fn, repeat)
        results.append(
            _figure_entry(
                f"dashboard_{name}",
                database,
                scale,
                statistics.median(samples),
                f"{name.split('_day')[0].split('_since')[0]} at {root.kind} {root.name}: {what}; median of {repeat} "
                f"calls, p95 {p95(samples):.1f} ms; for the record",
                None,
            )
        )

    # The outreach figures from the live figures against the same numbers from the records.
    for unit in measured[:2]:
        from_figures, from_raw = figures_side(unit), raw_side(unit)
        if from_figures != from_raw:
            raise AssertionError(f"outreach below {unit}: the figures and the activities disagree")
        fig_ms = statistics.median(timed(lambda unit=unit: figures_side(unit), max(5, repeat // 3)))
        raw_ms = statistics.median(timed(lambda unit=unit: raw_side(unit), max(5, repeat // 3)))
        item = entry(
            f"dashboard_outreach_figures_vs_raw_{unit.kind}",
            database,
            scale,
            fig_ms,
            raw_ms,
            f"outreach at {unit.kind} {unit.name} (reach and activities on {DAY} and since the first record, 30 "
            f"days of reach, reach by child): live figures (figure_totals x2, figure_series, figure_by_child) "
            f"against the same aggregates over the {activities:,} Activity rows; the records take "
            f"{raw_ms / fig_ms:.1f}x as long; no target",
        )
        item["target_ratio"] = None
        results.append(item)
    return results


def profile(root: Any) -> None:
    """The slowest queries of the root's dashboard, with their plans."""
    from django.db import connection

    from bastion.dashboard.selectors import dashboard_data
    from bench.queries import superuser

    user = superuser()
    dashboard_data(user, root, DAY)
    queries = captured(lambda: dashboard_data(user, root, DAY))
    total = sum(float(q["time"]) for q in queries)
    print(f"{len(queries)} queries, {total * 1000:.1f} ms in the database")
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    for query in sorted(queries, key=lambda q: -float(q["time"]))[:8]:
        print(f"\n{float(query['time']) * 1000:.1f} ms: {query['sql'][:600]}")
        with connection.cursor() as cursor:
            cursor.execute(explain + query["sql"])
            for row in cursor.fetchall():
                print("   ", " | ".join(str(column) for column in row))


def main(argv: list[str] | None = None) -> int:
    from bench.run import BENCH_DATA_DIR, configure, prepare_database, recreate_sqlite

    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--url", help="DATABASE_URL of the PostgreSQL database (SQLite: var/bench/dashboard.sqlite3)")
    parser.add_argument("--scale", default="province", choices=("county", "prefecture", "province"))
    parser.add_argument("--repeat", type=int, default=MIN_REPEAT)
    parser.add_argument("--profile", action="store_true", help="print the root dashboard's slowest queries and plans")
    args = parser.parse_args(argv)
    if args.db == "sqlite":
        sqlite_path = BENCH_DATA_DIR / "dashboard.sqlite3"  # its own file: another benchmark may be running
        recreate_sqlite(sqlite_path)
        configure(f"sqlite:///{sqlite_path}")
    elif args.url:
        problem = importlib.import_module("bench.__main__").ensure_postgres(args.url)
        if problem:
            parser.error(problem)
        configure(args.url)
    else:
        parser.error("--url is required for postgres")
    prepare_database(args.db)
    from bench.generate import generate
    from bench.reporting import generate_reports

    root = generate(args.scale)
    generate_reports(root)  # the daily form and the day's reports the dashboard counts, as in the full run
    for item in run(args.db, args.scale, root, args.repeat):
        baseline = "" if item["baseline_figure"] is None else f" against {item['baseline_figure']} ms"
        print(f"  {item['name']}: {item['figure']} {item['unit']}{baseline}")
        print(f"    {item['note']}")
    if args.profile:
        profile(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
