"""Supplies benchmarks: the stock of every item in every store, and a hand-out to 200 recipients.

``run(database, scale, root, repeat)`` writes one store per org unit of the tree (19,965 at province scale,
with ``INSERT … SELECT`` from the units) and 500 movements per store (9,982,500 at province scale, about 10
million), generated in the database itself with one ``INSERT … SELECT`` over a series (``generate_series``
on PostgreSQL, a recursive CTE on SQLite): for each store, 6 items, each first received (100,000) then issued
1 to 5 at a time, so no stock is ever negative. The balances the ledger keeps are then computed from the
movements with one ``INSERT … SELECT … GROUP BY`` (the ledger service keeps them in step row by row), and
``ANALYZE`` runs. Then:

- ``supplies_stock_every_store``: ``stock_levels(superuser)`` (the selector the stock pages and API read: the
  balance table grouped by store and item) against the hand-written aggregate over the movements,
  ``SELECT store_id, item_id, SUM(quantity) FROM supplies_movement GROUP BY store_id, item_id``. Both are
  checked to give the same rows first. Target 1.5 at province scale.
- ``supplies_stock_from_movements``: the same aggregate over the movements written with the ORM
  (``values().annotate(Sum)``), against the same SQL: what the ORM costs on the 10 million rows themselves.
- ``supplies_hand_out_200``: ``stock_issue_to_list`` of 2 items to 200 recipients (400 movements, one
  distribution, one audit event) in one transaction, against inserting the same 400 rows with one
  ``executemany`` and updating the two balances; no target, for the record.

``python -m bench.supplies --db sqlite|postgres [--url URL] [--scale S] [--repeat N]`` runs them alone.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

ITEMS = 6
PER_STORE = 500
RECEIPT = 100_000
SQLITE_FULL_SCAN_LIMIT = 1_000_000
BIG_REPEAT = 3  # samples per side of the 10-million-row aggregate (each call takes seconds on SQLite)

SQLITE_SERIES = "WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < %(last)s) SELECT n FROM g"
POSTGRES_SERIES = "SELECT n FROM generate_series(0, %(last)s) AS g(n)"


def _execute(sql: str, params: list[Any] | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # no params: '%' stays the modulo operator
        return int(cursor.rowcount)


def _fetchall(sql: str) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def write_stores() -> tuple[int, int]:
    """One store per unit; returns the first store id and the number of stores (ids are consecutive)."""
    from django.utils import timezone

    kinds = "CASE kind WHEN 'county' THEN 'county_warehouse' WHEN 'township' THEN 'township' ELSE 'village' END"
    _execute(
        "INSERT INTO supplies_store (org_unit_id, name, kind, keeper, is_active, created_at) "
        f"SELECT id, name || '物资库', {kinds}, '', %s, %s FROM core_orgunit ORDER BY id",
        [True, timezone.now()],
    )
    first, last, count = _fetchall("SELECT MIN(id), MAX(id), COUNT(*) FROM supplies_store")[0]
    if last - first + 1 != count:
        raise AssertionError("store ids are not consecutive")
    return int(first), int(count)


def write_movements(database: str, first_store: int, stores: int, item_ids: list[int]) -> int:
    """``PER_STORE`` movements per store, generated in the database: per store and item one receipt, then issues."""
    total = stores * PER_STORE
    series = (SQLITE_SERIES if database == "sqlite" else POSTGRES_SERIES) % {"last": total - 1}
    items = len(item_ids)
    item_case = " ".join(f"WHEN {i} THEN {pk}" for i, pk in enumerate(item_ids))
    # round = n / stores: the store's round-th movement; its item is round % items, its rank within the item
    # round / items (0: the receipt).
    at = (
        "datetime('2020-01-20 08:00:00', '+' || (s.n / 40) || ' seconds')"
        if database == "sqlite"
        else "timestamptz '2020-01-20 08:00:00+08' + (s.n / 40) * interval '1 second'"
    )
    sql = f"""
        INSERT INTO supplies_movement
            (store_id, org_unit_id, item_id, kind, quantity, at, recipient_kind, recipient_name, note)
        SELECT st.id, st.org_unit_id,
               CASE (s.n / {stores}) % {items} {item_case} END,
               CASE WHEN s.n / {stores} / {items} = 0 THEN 'purchase' ELSE 'issue' END,
               CASE WHEN s.n / {stores} / {items} = 0 THEN {RECEIPT} ELSE -(1 + s.n % 5) END,
               {at},
               CASE WHEN s.n / {stores} / {items} = 0 THEN '' ELSE 'person' END,
               CASE WHEN s.n / {stores} / {items} = 0 THEN '' ELSE '联户长' END,
               ''
        FROM ({series}) AS s JOIN supplies_store st ON st.id = {first_store} + s.n % {stores}
    """
    indexes = _secondary_indexes(database)
    for name, _definition in indexes:
        _execute(f"DROP INDEX {name}")
    with _without_foreign_key_checks(database):
        _execute(sql)
    for _name, definition in indexes:  # built once over the loaded rows, faster than row by row
        _execute(definition)
    return total


def _secondary_indexes(database: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the movement table's indexes other than its primary key."""
    if database == "sqlite":
        query = (
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = 'supplies_movement' AND sql IS NOT NULL"
        )
    else:
        query = (
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = 'supplies_movement' AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        )
    return [(str(name), str(definition)) for name, definition in _fetchall(query)]


@contextmanager
def _without_foreign_key_checks(database: str) -> Iterator[None]:
    """The generated rows point at stores, units and items joined in the same statement, so checking each
    reference again (PostgreSQL's deferred triggers, three per row) only slows the bulk insert down."""
    from django.db import transaction

    if database == "sqlite":
        _execute("PRAGMA foreign_keys = OFF")
        try:
            yield
        finally:
            _execute("PRAGMA foreign_keys = ON")
        return
    with transaction.atomic():
        _execute("SET LOCAL session_replication_role = replica")  # needs a superuser, as the bench database has
        yield


def write_balances() -> int:
    return _execute(
        "INSERT INTO supplies_balance (store_id, item_id, batch_id, quantity) "
        "SELECT store_id, item_id, batch_id, SUM(quantity) FROM supplies_movement GROUP BY store_id, item_id, batch_id"
    )


def sql_stock() -> list[tuple[Any, ...]]:
    return _fetchall("SELECT store_id, item_id, SUM(quantity) FROM supplies_movement GROUP BY store_id, item_id")


def _median_pair(orm: Any, sql: Any, repeat: int, *, warm_up: bool = True) -> tuple[float, float]:
    """For calls of a second or more: one warm-up each (unless just run), then ``repeat`` alternating samples."""
    if warm_up:
        orm()
        sql()
    samples: dict[str, list[float]] = {"orm": [], "sql": []}
    for i in range(repeat):
        for side, fn in (("orm", orm), ("sql", sql)) if i % 2 == 0 else (("sql", sql), ("orm", orm)):
            start = time.perf_counter()
            fn()
            samples[side].append(time.perf_counter() - start)
    return statistics.median(samples["orm"]) * 1000, statistics.median(samples["sql"]) * 1000


def _hand_out_pair(store_id: int, item_ids: list[int], repeat: int) -> tuple[float, float]:
    from django.db import connection, transaction
    from django.utils import timezone

    from bastion.supplies.models import Item, Store
    from bastion.supplies.services.ledger import stock_issue_to_list

    store = Store.objects.select_related("org_unit").get(pk=store_id)
    items = [(Item.objects.get(pk=pk), 1) for pk in item_ids[:2]]
    names = [f"联户长{n}" for n in range(200)]

    def orm() -> None:
        stock_issue_to_list(by=None, store=store, items=items, recipients=names, note="bench")

    def sql() -> None:
        now = timezone.now()
        rows = [
            (store.pk, store.org_unit_id, item.pk, "issue", -1, now, "person", name, "bench")
            for item, _each in items
            for name in names
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            for item, _each in items:
                cursor.execute(
                    "UPDATE supplies_balance SET quantity = quantity - %s WHERE store_id = %s AND item_id = %s",
                    [len(names), store.pk, item.pk],
                )
            cursor.executemany(
                "INSERT INTO supplies_movement (store_id, org_unit_id, item_id, kind, quantity, at, recipient_kind, "
                "recipient_name, note) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )

    return _median_pair(orm, sql, repeat)


def run(database: str, scale: str, root: Any, repeat: int) -> list[dict[str, Any]]:
    from django.apps import apps
    from django.db.models import Sum

    from bastion.supplies.models import Item, Movement
    from bastion.supplies.selectors.stock import stock_levels
    from bench.queries import superuser
    from bench.run import analyze, entry

    importlib.import_module("bastion.supplies.migrations.0002_defaults").add_defaults(apps, None)
    item_ids = list(Item.objects.order_by("sort_order").values_list("pk", flat=True)[:ITEMS])
    start = time.perf_counter()
    first_store, stores = write_stores()
    movements = write_movements(database, first_store, stores, item_ids)
    write_seconds = time.perf_counter() - start
    write_balances()
    analyze(database)
    print(
        f"  {database}: wrote {stores:,} stores and {movements:,} movements in {write_seconds:.1f} s, "
        f"balances and ANALYZE in {time.perf_counter() - start - write_seconds:.1f} s"
    )
    user = superuser()

    def orm() -> list[tuple[Any, ...]]:
        return list(stock_levels(user))

    orm_rows, sql_rows = sorted(orm()), sorted(sql_stock())  # also the warm-up
    if orm_rows != sql_rows:
        raise AssertionError("supplies stock: the balances and the sum of movements disagree")
    samples = min(repeat, BIG_REPEAT)
    orm_ms, sql_ms = _median_pair(orm, sql_stock, samples, warm_up=False)
    results = [
        entry(
            "supplies_stock_every_store",
            database,
            scale,
            orm_ms,
            sql_ms,
            f"{len(sql_rows):,} store-item stocks over {stores:,} stores and {movements:,} movements; ORM: "
            f"stock_levels(superuser), the ledger's balances grouped by store and item; baseline: SUM(quantity) "
            f"over the movements GROUP BY store_id, item_id; median of {samples} samples per side",
        )
    ]
    # The same sums over the movements through the ORM: one timed run (the baseline's median is reused), since
    # each call reads every movement; skipped on SQLite above a million movements, where one call takes minutes.
    if database == "sqlite" and movements > SQLITE_FULL_SCAN_LIMIT:
        return [*results, _hand_out_entry(database, scale, first_store + stores - 1, item_ids, repeat)]
    began = time.perf_counter()
    over = sorted(Movement.objects.values_list("store_id", "item_id").annotate(total=Sum("quantity")).order_by())
    over_ms = (time.perf_counter() - began) * 1000
    if over != sql_rows:
        raise AssertionError("supplies stock: the ORM and the SQL sums of movements disagree")
    over_movements = entry(
        "supplies_stock_from_movements",
        database,
        scale,
        over_ms,
        sql_ms,
        f"the same stocks summed over the {movements:,} movements with the ORM (values_list().annotate(Sum)), one "
        f"run, against the baseline's median, for the record (no target): what a ledger without balances costs",
    )
    over_movements["target_ratio"] = None
    results.append(over_movements)
    results.append(_hand_out_entry(database, scale, first_store + stores - 1, item_ids, repeat))
    return results


def _hand_out_entry(database: str, scale: str, store_id: int, item_ids: list[int], repeat: int) -> dict[str, Any]:
    from bastion.supplies.selectors.stock import balances_verify
    from bench.run import entry

    hand_ms, raw_ms = _hand_out_pair(store_id, item_ids, min(repeat, 15))
    if balances_verify([store_id]):
        raise AssertionError("after the hand-outs, a balance differs from the sum of its movements")
    hand = entry(
        "supplies_hand_out_200",
        database,
        scale,
        hand_ms,
        raw_ms,
        "stock_issue_to_list: 2 items to 200 recipients (400 movements, 1 distribution, 1 audit event, balances "
        "locked) in one transaction; baseline: executemany of the same 400 rows and 2 balance updates; no target",
    )
    hand["target_ratio"] = None
    return hand


def main(argv: list[str] | None = None) -> int:
    from bench.run import SQLITE_PATH, configure, prepare_database, recreate_sqlite

    parser = argparse.ArgumentParser(prog="python -m bench.supplies", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--url", help="DATABASE_URL of the PostgreSQL database (SQLite uses var/bench/, recreated)")
    parser.add_argument("--scale", default="county", choices=("county", "prefecture", "province"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if args.db == "sqlite":
        recreate_sqlite(SQLITE_PATH)
        configure(f"sqlite:///{SQLITE_PATH}")
    elif args.url:
        problem = importlib.import_module("bench.__main__").ensure_postgres(args.url)
        if problem:
            parser.error(problem)
        configure(args.url)
    else:
        parser.error("--url is required for postgres")
    prepare_database(args.db)
    from bench.generate import generate

    for item in run(args.db, args.scale, generate(args.scale), args.repeat):
        print(f"  {item['name']}: {item['figure']} ms against {item['baseline_figure']} ms, ratio {item['ratio']}")
        print(f"    {item['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
