"""Benchmarks of the org-unit tree: ``python -m bench [--scale S] [--db sqlite|postgres|all] [--repeat N]``.

Each database is measured in a subprocess (``python -m bench.run``), because
Django's settings can be configured only once per process. The results are
printed as a table and merged into ``bench/results/latest.json``; the exit
status is non-zero if a ratio is over its target or a run failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from typing import Any
from urllib.parse import unquote, urlsplit

from rich.console import Console
from rich.table import Table

from bench.run import PROJECT_DIR

RESULTS_DIR = PROJECT_DIR / "bench" / "results"
LATEST = RESULTS_DIR / "latest.json"
DATABASES = ("sqlite", "postgres")
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bastion_bench")
MAINTENANCE_DATABASES = ("postgres", "test")

console = Console(width=None if sys.stdout.isatty() else 150)


def ensure_postgres(url: str) -> str | None:
    """Create the benchmark database if missing; return why PostgreSQL cannot be used, or None."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    server = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username or "postgres"),
        "password": unquote(parts.password) if parts.password else None,
        "connect_timeout": 3,
    }
    errors = []
    for maintenance in MAINTENANCE_DATABASES:
        try:
            with psycopg.connect(dbname=maintenance, autocommit=True, **server) as conn:
                if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                    console.print(f"Created PostgreSQL database {name}.")
                return None
        except psycopg.Error as exc:
            errors.append(f"{maintenance}: {str(exc).strip().splitlines()[0]}")
    return f"cannot reach PostgreSQL at {server['host']}:{server['port']} ({'; '.join(errors)})"


def run_database(database: str, scale: str, repeat: int) -> dict[str, Any] | None:
    """Run ``bench.run`` for one database; None if it failed (its output says why)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"run-{database}.tmp"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.run", "--db", database, "--scale", scale, "--repeat", str(repeat)]
    command += ["--out", str(out)]
    if database == "postgres":
        command += ["--url", POSTGRES_URL]
    console.print(f"[bold]{database}[/]: migrating, generating the {scale} tree, measuring…")
    finished = subprocess.run(command, cwd=PROJECT_DIR, check=False)
    if finished.returncode != 0 or not out.exists():
        console.print(f"[red]{database}: the benchmark run failed (exit status {finished.returncode}).[/]")
        return None
    outcome: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return outcome


def merge_results(entries: list[dict[str, Any]]) -> None:
    """Write ``entries`` into latest.json, keeping other benchmarks' entries and replacing same-keyed ones."""

    def key(item: dict[str, Any]) -> tuple[str, str, str]:
        return item["name"], item["database"], item["scale"]

    existing: list[dict[str, Any]] = []
    if LATEST.exists():
        try:
            loaded = json.loads(LATEST.read_text(encoding="utf-8"))
            existing = loaded if isinstance(loaded, list) else []
        except json.JSONDecodeError:
            console.print(f"[yellow]{LATEST} is not valid JSON; starting it afresh.[/]")
    new = {key(item): item for item in entries}
    merged = [new.pop(key(item), item) for item in existing]
    merged += new.values()
    tmp = LATEST.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(merged, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(LATEST)


def over_target(item: dict[str, Any]) -> bool:
    """Over its target ratio or, for an entry without a baseline, over its ``target_figure`` (in its unit).

    An entry with ``higher_is_better`` (a throughput) misses its target when the ratio is *under* it.
    """
    if item.get("target_figure") is not None:
        return bool(item["figure"] > item["target_figure"])
    if item["target_ratio"] is None:
        return False
    if item.get("higher_is_better"):
        return bool(item["ratio"] < item["target_ratio"])
    return bool(item["ratio"] > item["target_ratio"])


def has_target(item: dict[str, Any]) -> bool:
    return item["target_ratio"] is not None or item.get("target_figure") is not None


def _number(value: float | None, digits: int) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _target(item: dict[str, Any]) -> str:
    if item.get("target_figure") is not None:
        return f"{item['target_figure']:g} {item['unit']}"
    if item.get("higher_is_better") and item["target_ratio"] is not None:
        return f"≥ {item['target_ratio']:.2f}"
    return _number(item["target_ratio"], 2)


def show(outcomes: list[dict[str, Any]]) -> None:
    table = Table(title="Org-unit tree: ORM against hand-written SQL (median ms per call)")
    for column in ("benchmark", "database", "scale", "ORM ms", "SQL ms", "ratio", "target"):
        table.add_column(column, justify="right" if column.endswith(("ms", "ratio", "target")) else "left")
    for outcome in outcomes:
        for item in outcome["entries"]:
            style = "red" if over_target(item) else "green" if has_target(item) else "default"
            by_figure = item.get("target_figure") is not None  # no baseline: the figure itself is judged
            table.add_row(
                item["name"],
                item["database"],
                item["scale"],
                f"[{style}]{item['figure']:.3f}[/]" if by_figure else f"{item['figure']:.3f}",
                _number(item["baseline_figure"], 3),
                _number(item["ratio"], 2) if by_figure else f"[{style}]{_number(item['ratio'], 2)}[/]",
                _target(item),
            )
    console.print(table)
    for outcome in outcomes:
        console.print(
            f"[bold]{outcome['database']}[/] ({outcome['server']}): {outcome['units']:,} units, "
            f"{outcome['institutions']:,} institutions, generated in {outcome['generate_seconds']} s"
        )
        for item in outcome["entries"]:
            console.print(f"  {item['name']}: {item['note']}", highlight=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="province", choices=("county", "prefecture", "province"))
    parser.add_argument("--db", default="all", choices=(*DATABASES, "all"))
    parser.add_argument("--repeat", type=int, default=15, help="timed samples per side (default 15)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    failed = False
    outcomes = []
    for database in DATABASES if args.db == "all" else (args.db,):
        if database == "postgres":
            problem = ensure_postgres(POSTGRES_URL)
            if problem:
                console.print(f"[yellow]PostgreSQL skipped: {problem}.[/]")
                failed = failed or args.db == "postgres"  # asked for by name: that is a failure
                continue
        outcome = run_database(database, args.scale, args.repeat)
        if outcome is None:
            failed = True
        else:
            outcomes.append(outcome)

    entries = [item for outcome in outcomes for item in outcome["entries"]]
    if entries:
        show(outcomes)
        merge_results(entries)
        console.print(f"Results written to {LATEST.relative_to(PROJECT_DIR)}.")
    over = [item for item in entries if over_target(item)]
    for item in over:
        if item.get("target_figure") is not None:
            console.print(
                f"[red]FAIL {item['name']} on {item['database']} ({item['scale']}): {item['figure']:.3f} "
                f"{item['unit']}; the target is at most {item['target_figure']:g} {item['unit']}.[/]",
                highlight=False,
            )
            continue
        if item.get("higher_is_better"):
            console.print(
                f"[red]FAIL {item['name']} on {item['database']} ({item['scale']}): {item['ratio']:.2f}x the "
                f"baseline ({item['figure']:.1f} against {item['baseline_figure']:.1f} {item['unit']}); "
                f"the target is at least {item['target_ratio']:.2f}x.[/]",
                highlight=False,
            )
            continue
        console.print(
            f"[red]FAIL {item['name']} on {item['database']} ({item['scale']}): the ORM takes {item['ratio']:.2f}x "
            f"the hand-written SQL ({item['figure']:.3f} ms against {item['baseline_figure']:.3f} ms); "
            f"the target is at most {item['target_ratio']:.2f}x.[/]",
            highlight=False,
        )
    if failed:
        console.print("[red]FAIL: a benchmark run did not complete; see above.[/]")
    if over or failed:
        return 1
    console.print("[green]All figures within their targets.[/]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
