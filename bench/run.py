"""Run the benchmarks against one database, in a process of its own.

``python -m bench.run --db sqlite|postgres --url DATABASE_URL --out FILE``
points Django at the database (settings can be configured only once per
process, hence one process per database), migrates, empties it, generates the
tree, and writes the measured entries to ``FILE`` as JSON. ``python -m bench``
runs this for each database and collects the results.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DATA_DIR = PROJECT_DIR / "var" / "bench"
SQLITE_PATH = BENCH_DATA_DIR / "bench.sqlite3"
TARGET_RATIO = 1.5
TARGET_SCALE = "province"  # the targets are set for the province tree; smaller trees are for quick looks
WARMUP = 3
SAMPLE_SECONDS = 0.01


def configure(url: str) -> None:
    """Point Django at ``url`` and set it up; must run before any model is imported."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bastion.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["BASTION_DEBUG"] = "0"  # DEBUG would log every query on both sides
    os.environ["BASTION_DATA_DIR"] = str(BENCH_DATA_DIR)
    BENCH_DATA_DIR.mkdir(parents=True, exist_ok=True)  # huey's SQLite queue lives there without Redis
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
    os.environ.setdefault("BASTION_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def recreate_sqlite(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def standalone_county(parser: argparse.ArgumentParser, database: str, url: str | None, sqlite_path: Path) -> Any:
    """For a benchmark module run alone: set up ``database`` (a fresh SQLite file, or the PostgreSQL database
    at ``url``, created if missing), migrate it and generate a county; its root."""
    if database == "sqlite":
        recreate_sqlite(sqlite_path)
        configure(f"sqlite:///{sqlite_path}")
    elif url:
        problem = importlib.import_module("bench.__main__").ensure_postgres(url)
        if problem:
            parser.error(problem)
        configure(url)
    else:
        parser.error("--url is required for postgres")
    prepare_database(database)
    from bench.generate import generate

    return generate("county")


def _loops_for(fn: Callable[[], object]) -> int:
    """How many calls make one sample last about ``SAMPLE_SECONDS`` (timeit's approach for short calls)."""
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    return max(1, math.ceil(SAMPLE_SECONDS / max(once, 1e-6)))


def time_pair(orm: Callable[[], object], sql: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median milliseconds per call of ``orm`` and of ``sql`` over ``repeat`` samples each, after a warm-up.

    A sample is a run of back-to-back calls lasting about ``SAMPLE_SECONDS`` per
    side (the same number of calls for both), so sub-millisecond queries are not
    lost in timer and scheduler noise. Within a sample the two sides alternate
    call by call, each going first half the time, so a busy machine slows both
    alike; each call is timed on its own with ``time.perf_counter``. The garbage
    collector is paused while timing, as ``timeit`` does.
    """
    for _ in range(WARMUP):
        orm()
        sql()
    loops = _loops_for(sql)
    pair = (("orm", orm), ("sql", sql))
    samples: dict[str, list[float]] = {"orm": [], "sql": []}
    gc.collect()
    gc.disable()
    try:
        for i in range(repeat):
            spent = {"orm": 0.0, "sql": 0.0}
            for j in range(loops):
                for side, fn in pair if (i + j) % 2 == 0 else pair[::-1]:
                    start = time.perf_counter()
                    fn()
                    spent[side] += time.perf_counter() - start
            for side, total in spent.items():
                samples[side].append(total / loops)
    finally:
        gc.enable()
    return statistics.median(samples["orm"]) * 1000, statistics.median(samples["sql"]) * 1000


def time_one(fn: Callable[[], object], repeat: int) -> float:
    for _ in range(WARMUP):
        fn()
    loops = _loops_for(fn)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(loops):
            fn()
        samples.append((time.perf_counter() - start) / loops)
    return statistics.median(samples) * 1000


def entry(name: str, database: str, scale: str, orm_ms: float, sql_ms: float, note: str) -> dict[str, Any]:
    return {
        "name": name,
        "database": database,
        "scale": scale,
        "figure": round(orm_ms, 3),
        "unit": "ms",
        "baseline_figure": round(sql_ms, 3),
        "ratio": round(orm_ms / sql_ms, 2),
        "target_ratio": TARGET_RATIO if scale == TARGET_SCALE else None,
        "note": note,
    }


def prepare_database(database: str) -> None:
    """Migrate and empty the database, so ids start at 1 and the generator's codes are free."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if database != "sqlite":  # the SQLite file was recreated; PostgreSQL's database is reused
        call_command("flush", interactive=False, verbosity=0)


def analyze(database: str) -> None:
    """Refresh planner statistics, as autovacuum (PostgreSQL) or PRAGMA optimize (SQLite) would."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if database == "sqlite" else "VACUUM ANALYZE")


def server_version(database: str) -> str:
    from django.db import connection

    if database == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


def run(database: str, scale: str, repeat: int) -> dict[str, Any]:
    from bastion.core.models import Institution, OrgUnit
    from bastion.core.scope import paths_q
    from bench import checkpoints_load, observation, queries, reporting, residents
    from bench.generate import generate

    prepare_database(database)
    start = time.perf_counter()
    root = generate(scale)
    generate_seconds = time.perf_counter() - start
    units, institutions = OrgUnit.objects.count(), Institution.objects.count()
    print(f"  {database}: generated {units:,} units and {institutions:,} institutions in {generate_seconds:.1f} s")
    analyze(database)

    # The child of the root with the largest subtree: a prefecture at province scale.
    sizes = {child: OrgUnit.objects.filter(paths_q([child.path])).count() for child in root.children.all()}
    child = max(sizes, key=lambda unit: (sizes[unit], -unit.pk))
    user = queries.superuser()
    results = []

    # a. Subtree listing.
    orm_rows = queries.orm_subtree_listing(user, child)
    sql_rows = queries.sql_subtree_listing(child)
    cte_rows = queries.cte_subtree_listing(child)
    if orm_rows != sql_rows:
        raise AssertionError("subtree listing: the ORM and the SQL query disagree")
    if sorted(r[0] for r in cte_rows) != sorted(r[0] for r in sql_rows):
        raise AssertionError("subtree listing: the recursive CTE over parent_id finds other units than the path range")
    orm_ms, sql_ms = time_pair(
        lambda: queries.orm_subtree_listing(user, child), lambda: queries.sql_subtree_listing(child), repeat
    )
    cte_ms = time_one(lambda: queries.cte_subtree_listing(child), repeat)
    results.append(
        entry(
            "orgunit_subtree_listing",
            database,
            scale,
            orm_ms,
            sql_ms,
            f"{child.kind} {child.name} and all below: {len(sql_rows):,} rows of id, name, kind, path "
            f"in path order; ORM: orgunit_search(within=...).values_list; baseline: path-range SELECT; "
            f"recursive CTE over parent_id: {cte_ms:.3f} ms",
        )
    )

    # b. Subtree counts by kind, below the root and below the largest child.
    for label, unit in (("root", root), ("child", child)):
        orm_counts = queries.orm_subtree_counts(unit)
        sql_counts = queries.sql_subtree_counts(unit)
        if orm_counts != sql_counts:
            raise AssertionError(f"subtree counts below {unit}: ORM {orm_counts} != SQL {sql_counts}")
        orm_ms, sql_ms = time_pair(
            lambda unit=unit: queries.orm_subtree_counts(unit),
            lambda unit=unit: queries.sql_subtree_counts(unit),
            repeat,
        )
        results.append(
            entry(
                f"orgunit_subtree_counts_{label}",
                database,
                scale,
                orm_ms,
                sql_ms,
                f"below {unit.kind} {unit.name}: {sum(sql_counts.values()):,} units in "
                f"{len(sql_counts)} kinds; ORM: orgunit_subtree_counts; baseline: GROUP BY kind over the path range",
            )
        )

    # c. Reporting: completeness and roll-up of one day's reports below the root (bench/reporting.py).
    results += reporting.run(database, scale, root, repeat)

    # d. Residents: the Excel roster import, its peak memory, person search (bench/residents.py).
    results += residents.run(database, scale, root, repeat)

    # e. Observation: today's checks and the township overview over 5,000 active cases (bench/observation.py).
    results += observation.run(database, scale, root, repeat)

    # f. Checkpoints: passages/s and p99 through gunicorn under locust, against GET /api/v1/health
    # (bench/checkpoints_load.py).
    results += checkpoints_load.run(database, scale, root, repeat)

    # g. Mobilization: the 50,000-row register import and the "on duty now" page (bench/mobilization.py).
    from bench import mobilization

    results += mobilization.run(database, scale, root, repeat)

    # g. Supplies: the stock of every item in every store over ~10 million movements, a hand-out to 200 recipients
    # (bench/supplies.py).
    from bench import supplies

    results += supplies.run(database, scale, root, repeat)

    # h. Outreach: the median latency of a village's public notice page (30 notices) through gunicorn under locust,
    # against GET /api/v1/health, and whether it is cacheable (bench/outreach_public.py).
    from bench import outreach_public

    results += outreach_public.run(database, scale, root, repeat)

    # i. Dashboard: dashboard_data at the province over ~3 million live figures, and the outreach figures against
    # their ~790,000 raw activities (bench/dashboard.py).
    from bench import dashboard

    results += dashboard.run(database, scale, root, repeat)
    return {
        "database": database,
        "server": server_version(database),
        "scale": scale,
        "units": units,
        "institutions": institutions,
        "generate_seconds": round(generate_seconds, 2),
        "entries": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--url", help="DATABASE_URL of the PostgreSQL database (SQLite uses var/bench/, recreated)")
    parser.add_argument("--scale", default="province", choices=("county", "prefecture", "province"))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--out", type=Path, required=True, help="write the results here as JSON")
    args = parser.parse_args(argv)
    if args.db == "sqlite":
        if args.url:
            parser.error("--url is for postgres; SQLite always uses a fresh file under var/bench/")
        recreate_sqlite(SQLITE_PATH)
        configure(f"sqlite:///{SQLITE_PATH}")
    elif args.url:
        configure(args.url)
    else:
        parser.error("--url is required for postgres")
    outcome = run(args.db, args.scale, args.repeat)
    args.out.write_text(json.dumps(outcome, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
