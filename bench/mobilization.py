"""Mobilization benchmarks: the register's Excel import, and "who is on duty now" at county scale.

``run(database, scale, root, repeat)`` works in one county (``bench.observation.pick_county``: the root
if it is a county, else the first county below it), as its HQ admin (role ``county_admin``, scoped to
the county), and measures, like ``bench.run``:

- ``mobilization_register_import``: ``responders_import`` of a register of ``REGISTER_ROWS`` (50,000)
  rows, the whole service path (reading the .xlsx, checking every row, encrypting and hashing the
  phones, writing, the audit event), against the baseline of writing the same rows into the
  responder table (its indexes included), already parsed, their phones already encrypted and hashed
  (``bastion.core.crypto``), their pinyin keys worked out, with one ``executemany`` (as
  ``bench.residents`` does for its baseline, on both databases). The register is written straight as
  sheet XML (``bench.residents``' zip parts), cached under ``var/bench/``: the columns of
  ``bastion.mobilization.jobs.COLUMNS`` as a county keeps them (姓名, 手机号, 类别,
  所属单位行政区划代码, 特长, 可服务时间), the four default categories, valid distinct mobiles, the
  county's active villages by division code (village names repeat between townships). Each side
  runs ``import_repeats`` times (3, or 1 with ``--repeat 1``), alternating which goes first; the
  responders are deleted after each run, and the median of each side is kept.
- ``mobilization_on_duty_now``: the data path of the "who is on duty now" page (``mobilization:on_duty``)
  against the one hand-written query giving the same answer, as for every benchmark here. The ORM side
  runs exactly the queries the view runs for its list: ``selectors.on_duty_now(admin)`` paginated as the
  view does (``Paginator(..., 100).get_page(None)``: its COUNT, then the first page of 100 with the
  selector's ``select_related``), materialised to the turns the template reads (each with its shift,
  unit, post and responder). The baseline: the same COUNT written by hand (turns ``JOIN`` shifts and
  units), plus one hand-written query for the same first page (turns ``JOIN`` shifts, responders and
  units, ``LEFT JOIN`` posts; the county's path range, shifts under way and not cancelled, turns not
  checked out; the selector's order; ``LIMIT 100``), its rows as tuples. Both sides get the admin's
  scope already worked out (the page loads it with the user: that is the request's cost, not the
  list's). The whole page through Django's test client (middleware, session, permission checks, the
  150-unit picker, the template) is timed on its own and given as an absolute figure in the note,
  with a near-empty page of the same layout for scale. The data: the last import's responders kept;
  one checkpoint post per township; for each active village (at its own responders) and each post (at
  the responders of its township) two shifts a day, 08:00-20:00 and 20:00-08:00, over the last
  ``DAYS`` days, 3 to 5 turns each with a lead, written with ``bulk_create``. Turns of past shifts were
  checked in and out; of the shifts under way now, about 80% are checked in, 10% flagged no-shows and
  10% not in yet; one shift in 50 is cancelled. Both sides are checked to give the same count and
  rows, and the page to show the first and last names, then timed with ``bench.run.time_pair`` (the
  two sides alternate call by call).

The target ratio is 2 for both, whatever the tree's scale: the import is 50,000 rows and the page one
county either way.

``python -m bench.mobilization --db sqlite|postgres [--url URL] [--repeat N] [--rows N] [--profile]``
runs them alone, on a county tree, in a SQLite file of their own (``var/bench/mobilization.sqlite3``) or the
PostgreSQL database of ``--url``; ``--profile`` prints a cProfile of one import, of the page's data path and of
one page.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import functools
import hashlib
import importlib
import io
import os
import pstats
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.residents import GIVEN, SURNAMES, sheet_file
from bench.run import BENCH_DATA_DIR

if TYPE_CHECKING:
    from bastion.core.models import OrgUnit, User

REGISTER_ROWS = 50_000
TARGET_RATIO = 2.0
PAGE_ROWS = 100  # the view's page size
DAYS = 7  # days of shifts written, today included
SEED = 2020
ADMIN_USER = "bench-mob-county"
SQLITE_PATH = BENCH_DATA_DIR / "mobilization.sqlite3"  # run alone: not the file a `make bench` beside it uses
PHONE_PREFIX = "15"  # clear of the residents' (138) and observation's (139) numbers
HEADER = ("姓名", "手机号", "类别", "所属单位行政区划代码", "特长", "可服务时间")
CATEGORIES = (("科级以上领导", 3), ("机关、村(社区)党员干部", 10), ("农牧民党员", 20), ("志愿者", 67))
SKILLS = ("", "", "", "驾驶", "医护", "翻译", "厨师", "电工", "心理疏导")
AVAILABILITY = ("", "", "全天", "白天", "夜间", "周末")
RESPONDER_COLUMNS = (
    "org_unit_id",
    "institution_id",
    "name",
    "name_initials",
    "name_pinyin",
    "phone",
    "phone_hash",
    "category_id",
    "skills",
    "availability",
    "user_id",
    "is_active",
    "created_at",
    "updated_at",
)


# --- the register -----------------------------------------------------------------------------------


def register_rows(rows: int, codes: list[str], seed: int = SEED) -> list[tuple[str, ...]]:
    """``rows`` register rows (the cells of ``HEADER``) spread over the units of ``codes``."""
    rng = random.Random(seed)
    names = [name for name, _weight in CATEGORIES]
    weights = [weight for _name, weight in CATEGORIES]
    out: list[tuple[str, ...]] = []
    for i in range(rows):
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        category = rng.choices(names, weights)[0]
        phone, code = f"{PHONE_PREFIX}{i:09d}", codes[i % len(codes)]
        out.append((name, phone, category, code, rng.choice(SKILLS), rng.choice(AVAILABILITY)))
    return out


def register_file(rows: int, codes: list[str]) -> Path:
    """The cached register of ``rows`` rows over the units of ``codes``; written on first use."""
    digest = hashlib.sha1("".join(codes).encode(), usedforsecurity=False).hexdigest()[:10]
    return sheet_file(BENCH_DATA_DIR / f"register-{rows}-{digest}.xlsx", HEADER, register_rows(rows, codes))


def villages(county: OrgUnit) -> list[OrgUnit]:
    """The county's active villages, in path order, each with its township (``parent``) loaded."""
    from bastion.core.models import OrgUnit
    from bastion.core.scope import paths_q

    units = OrgUnit.objects.filter(paths_q([county.path]), kind=OrgUnit.Kind.VILLAGE, is_active=True)
    return list(units.select_related("parent").order_by("path"))


def ensure_defaults() -> None:
    """The roles' groups and the default categories: a flushed database has lost them."""
    from django.apps import apps

    from bastion.core.roles import roles_sync

    roles_sync()
    importlib.import_module("bastion.mobilization.migrations.0002_defaults").add_defaults(apps, None)


def empty_register() -> None:
    from django.db import connection

    from bastion.mobilization.models import Responder, Shift, ShiftTurn

    with connection.cursor() as cursor:
        for model in (ShiftTurn, Shift, Responder):
            cursor.execute(f'DELETE FROM "{model._meta.db_table}"')


@functools.cache
def _name_keys(name: str) -> tuple[str, str]:
    from bastion.residents.validation import name_keys

    return name_keys(name)


def baseline_rows(cells: list[tuple[str, ...]], by_code: dict[str, int]) -> list[tuple[Any, ...]]:
    """The rows the import writes, as the baseline inserts them: parsed, phones encrypted and hashed."""
    from django.db import connection
    from django.utils import timezone

    from bastion.core.crypto import encrypt, keyed_hash
    from bastion.core.imports import _norm
    from bastion.mobilization.models import ResponderCategory

    categories: dict[str, int] = {}
    for entry in ResponderCategory.objects.all():
        for label in entry.names.values():
            categories[_norm(label)] = entry.pk
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows: list[tuple[Any, ...]] = []
    for name, phone, category, code, skills, availability in cells:
        initials, pinyin = _name_keys(name)
        unit, kind = by_code[code], categories[_norm(category)]
        rows.append((unit, None, name, initials, pinyin, encrypt(phone), keyed_hash(phone), kind, skills, availability))
        rows[-1] += (None, True, now, now)
    return rows


def baseline_seconds(rows: list[tuple[Any, ...]]) -> float:
    """One executemany of ``rows`` into the responder table, in a transaction; the rows deleted after."""
    from django.db import connection, transaction

    from bastion.mobilization.models import Responder

    columns = ", ".join(RESPONDER_COLUMNS)
    placeholders = ", ".join(["%s"] * len(RESPONDER_COLUMNS))
    sql = f'INSERT INTO "{Responder._meta.db_table}" ({columns}) VALUES ({placeholders})'
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    seconds = time.perf_counter() - start
    empty_register()
    return seconds


def import_seconds(data: bytes, by: User, county: OrgUnit, rows: int, *, keep: bool = False) -> float:
    """``responders_import`` of ``data``; the responders deleted after, unless ``keep``."""
    from bastion.mobilization.jobs import responders_import

    start = time.perf_counter()
    created, errors = responders_import(data, by=by, default_unit=county)
    seconds = time.perf_counter() - start
    if errors or created != rows:
        raise AssertionError(f"register import: {created:,} created; first errors: {errors[:3]}")
    if not keep:
        empty_register()
    return seconds


def measure_import(
    database: str, scale: str, county: OrgUnit, by: User, rows: int, repeats: int
) -> tuple[dict[str, Any], bytes]:
    from python_calamine import CalamineWorkbook

    units = villages(county)
    codes = [u.division_code for u in units if u.division_code]
    data = register_file(rows, codes).read_bytes()
    cells = register_rows(rows, codes)
    prepared = baseline_rows(cells, {u.division_code or "": u.pk for u in units})
    start = time.perf_counter()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    sheet.to_python()
    read = time.perf_counter() - start
    empty_register()
    imports, baselines = [], []
    for i in range(repeats):  # alternate which side goes first, so a busy machine slows both alike
        if i % 2 == 0:
            baselines.append(baseline_seconds(prepared))
            imports.append(import_seconds(data, by, county, rows))
        else:
            imports.append(import_seconds(data, by, county, rows))
            baselines.append(baseline_seconds(prepared))
    seconds, baseline = statistics.median(imports), statistics.median(baselines)
    print(f"  {database}: register import {seconds:.2f} s, baseline {baseline:.2f} s ({seconds / baseline:.2f}x)")
    entry = {
        "name": "mobilization_register_import",
        "database": database,
        "scale": scale,
        "figure": round(seconds * 1000, 1),
        "unit": "ms",
        "baseline_figure": round(baseline * 1000, 1),
        "ratio": round(seconds / baseline, 2),
        "target_ratio": TARGET_RATIO,
        "note": f"responders_import of {rows:,} rows ({len(codes)} villages of {county.name} by division code) "
        f"into an empty register, as its county HQ admin; baseline: the same rows, parsed, phones encrypted and "
        f"hashed beforehand, in one executemany into the responder table; median of {repeats} runs per side "
        f"(import {', '.join(f'{s:.2f}' for s in imports)} s; baseline {', '.join(f'{s:.2f}' for s in baselines)}"
        f" s); reading the file with calamine alone takes {read * 1000:.0f} ms",
    }
    return entry, data


# --- who is on duty now ---------------------------------------------------------------------------


def write_roster(county: OrgUnit, now: dt.datetime, seed: int = SEED) -> dict[str, int]:
    """Posts, shifts and turns of the last ``DAYS`` days over the county (see the module's docstring)."""
    from django.db import transaction
    from django.utils import timezone

    from bastion.checkpoints.models import Post
    from bastion.mobilization.models import Responder, Shift, ShiftTurn

    rng = random.Random(seed)
    units = villages(county)
    townships = {u.parent_id: u.parent for u in units if u.parent is not None}
    by_unit: defaultdict[int, list[int]] = defaultdict(list)
    for pk, unit_id in Responder.objects.filter(org_unit__in=units).values_list("pk", "org_unit_id").order_by("pk"):
        by_unit[unit_id].append(pk)
    by_township: defaultdict[int, list[int]] = defaultdict(list)
    for unit in units:
        by_township[unit.parent_id or 0] += by_unit[unit.pk]
    today = timezone.localdate(now)
    with transaction.atomic():
        posts = [
            Post(org_unit=t, name=f"{t.name}{rng.choice(('东', '西', '南', '北'))}卡点", kind=Post.Kind.VILLAGE_ROAD)
            for t in townships.values()
        ]
        Post.objects.bulk_create(posts)
        places: list[tuple[OrgUnit, Post | None, list[int]]] = [(u, None, by_unit[u.pk]) for u in units]
        places += [(p.org_unit, p, by_township[p.org_unit.pk]) for p in posts]
        shifts: list[Shift] = []
        crews: list[list[int]] = []
        for back in range(DAYS - 1, -1, -1):
            day = today - dt.timedelta(days=back)
            morning = timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
            for unit, post, pool in places:
                for starts, ends in (
                    (morning, morning + dt.timedelta(hours=12)),
                    (morning + dt.timedelta(hours=12), morning + dt.timedelta(hours=24)),
                ):
                    shifts.append(
                        Shift(
                            org_unit=unit,
                            post=post,
                            day=day,
                            starts_at=starts,
                            ends_at=ends,
                            cancelled=starts > now - dt.timedelta(hours=12) and rng.random() < 0.02,
                        )
                    )
                    crews.append(rng.sample(pool, rng.randint(3, 5)))
        Shift.objects.bulk_create(shifts, batch_size=1000)
        turns = []
        for shift, crew in zip(shifts, crews, strict=True):
            for position, responder in enumerate(crew):
                turn = ShiftTurn(shift=shift, responder_id=responder, is_lead=position == 0)
                if shift.ends_at <= now:
                    turn.checked_in_at = shift.starts_at + dt.timedelta(minutes=rng.randint(-10, 20))
                    turn.checked_out_at = shift.ends_at + dt.timedelta(minutes=rng.randint(-5, 30))
                elif shift.starts_at <= now:
                    draw = rng.random()
                    late = min(now, shift.starts_at + dt.timedelta(minutes=rng.randint(-10, 30)))
                    if draw < 0.8:
                        turn.checked_in_at = late
                    elif draw < 0.9:
                        turn.no_show_at = shift.starts_at + dt.timedelta(minutes=15)
                turns.append(turn)
        ShiftTurn.objects.bulk_create(turns, batch_size=1000)
    return {"posts": len(posts), "shifts": len(shifts), "turns": len(turns)}


def _on_duty_where(paths: list[str], now: dt.datetime) -> tuple[str, list[Any]]:
    """The hand-written WHERE of turns under way below ``paths`` (aliases ``t``, ``s``, ``u``) and its parameters."""
    from django.db import connection

    from bastion.core.models.orgunits import subtree_upper_bound

    ranges = " OR ".join(["(u.path >= %s AND u.path < %s)"] * len(paths))
    params: list[Any] = [bound for path in paths for bound in (path, subtree_upper_bound(path))]
    stamp = connection.ops.adapt_datetimefield_value(now)
    where = f"({ranges}) AND NOT s.cancelled AND s.starts_at <= %s AND s.ends_at > %s AND t.checked_out_at IS NULL"
    return where, [*params, stamp, stamp]


def sql_on_duty(paths: list[str], now: dt.datetime) -> list[tuple[Any, ...]]:
    """The first page of who is on duty now below ``paths``, as one hand-written query: every column the
    template reads (the unit's short name too, for its display name)."""
    from django.db import connection

    where, params = _on_duty_where(paths, now)
    sql = f"""
        SELECT t.id, t.is_lead, t.checked_in_at, t.no_show_at, t.shift_id, r.name, s.starts_at, s.ends_at,
               u.name, u.short_name, p.name
        FROM mobilization_shiftturn t
        JOIN mobilization_shift s ON s.id = t.shift_id
        JOIN core_orgunit u ON u.id = s.org_unit_id
        JOIN mobilization_responder r ON r.id = t.responder_id
        LEFT JOIN checkpoints_post p ON p.id = s.post_id
        WHERE {where}
        ORDER BY u.path, p.name, t.is_lead DESC, r.name, t.id
        LIMIT {PAGE_ROWS}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def sql_on_duty_count(paths: list[str], now: dt.datetime) -> int:
    """How many turns are under way below ``paths``, as one hand-written COUNT (the page shows it)."""
    from django.db import connection

    where, params = _on_duty_where(paths, now)
    sql = f"""
        SELECT COUNT(*)
        FROM mobilization_shiftturn t
        JOIN mobilization_shift s ON s.id = t.shift_id
        JOIN core_orgunit u ON u.id = s.org_unit_id
        WHERE {where}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def sql_data_path(paths: list[str], now: dt.datetime) -> tuple[int, list[tuple[Any, ...]]]:
    """The baseline: the count and the first page, hand-written."""
    return sql_on_duty_count(paths, now), sql_on_duty(paths, now)


def orm_data_path(user: User, now: dt.datetime | None = None) -> tuple[int, list[dict[str, Any]]]:
    """What the view's list costs: the selector paginated as the view paginates it (its COUNT, then the first
    page of rows), materialised as the template iterates them."""
    from django.core.paginator import Paginator
    from django.utils import timezone

    from bastion.mobilization.selectors import on_duty_now

    page = Paginator(on_duty_now(user, now=now or timezone.now()), PAGE_ROWS).get_page(None)  # the first, as the view
    return page.paginator.count, list(page)


def measure_page(
    database: str, scale: str, county: OrgUnit, admin: User, repeat: int, profile_to: list[str] | None = None
) -> dict[str, Any]:
    from django.urls import reverse
    from django.utils import timezone

    from bastion.core.scope import scope_paths
    from bench.observation import client_for, get, page_queries, pages_served
    from bench.run import analyze, time_pair

    start = time.perf_counter()
    made = write_roster(county, timezone.now())
    print(
        f"  {database}: wrote {made['posts']} posts, {made['shifts']:,} shifts and {made['turns']:,} turns in "
        f"{time.perf_counter() - start:.1f} s"
    )
    analyze(database)
    paths = scope_paths(admin)  # worked out once and kept on ``admin``: both sides start from it
    assert paths is not None, "the county admin has a scope"
    now = timezone.now()
    sql_count, sql_rows = sql_data_path(paths, now)
    orm_count, orm_turns = orm_data_path(admin, now)
    if (orm_count, [t["id"] for t in orm_turns]) != (sql_count, [row[0] for row in sql_rows]):
        raise AssertionError("on duty now: the selector's count or first page and the SQL queries disagree")
    turn = orm_turns[-1]
    if (turn["name"], turn["post_name"]) != (sql_rows[-1][5], sql_rows[-1][10]):
        raise AssertionError("on duty now: the last row's responder, unit or post differ")
    orm_queries = count_queries(lambda: orm_data_path(admin))
    # The view passes no ``now`` (the selector takes the time itself); the baseline takes it the same way.
    orm_ms, sql_ms = time_pair(lambda: orm_data_path(admin), lambda: sql_data_path(paths, timezone.now()), repeat)
    url = reverse("mobilization:on_duty")
    with pages_served():
        client = client_for(admin)
        page = get(client, url).content.decode()
        if sql_rows[0][5] not in page or sql_rows[-1][5] not in page:
            raise AssertionError("on duty now: the page does not show the query's first and last rows")
        queries = page_queries(client, url)
        # The whole page, for the record, and the same layout, session and permission checks around next to
        # no content, for scale; page and floor alternate so a busy machine slows both alike.
        floor_url = reverse("core:notifications")
        page_ms, floor_ms = time_pair(lambda: get(client, url), lambda: get(client, floor_url), max(5, repeat // 2))
        if profile_to is not None:
            profile_to.append(profiled(lambda: orm_data_path(admin)))
            profile_to.append(profiled(lambda: get(client, url)))
    print(
        f"  {database}: on duty now, data path {orm_ms:.2f} ms, SQL {sql_ms:.2f} ms ({orm_ms / sql_ms:.2f}x); "
        f"the whole page {page_ms:.1f} ms, a near-empty page of the same layout {floor_ms:.1f} ms"
    )
    return {
        "name": "mobilization_on_duty_now",
        "database": database,
        "scale": scale,
        "figure": round(orm_ms, 3),
        "unit": "ms",
        "baseline_figure": round(sql_ms, 3),
        "ratio": round(orm_ms / sql_ms, 2),
        "target_ratio": TARGET_RATIO,
        "note": f"the data path of GET {url} as the county HQ admin of {county.name}: on_duty_now paginated as "
        f"the view does ({orm_queries} queries: its COUNT of {orm_count:,} turns under way, then the first "
        f"{PAGE_ROWS} with shift, unit, post and responder), in {made['shifts']:,} shifts ({DAYS} days) and "
        f"{made['turns']:,} turns; baseline: a hand-written COUNT (turns JOIN shift, unit) and one SELECT of "
        f"turns JOIN shift, responder, unit, LEFT JOIN post, same filters and order, LIMIT {PAGE_ROWS}; median "
        f"of {repeat} samples per side. The whole page (test client: middleware, session, permissions, the "
        f"unit picker, the template; {len(queries)} queries) takes {page_ms:.1f} ms, and GET {floor_url} (the "
        f"same layout and middleware, next to no content) {floor_ms:.1f} ms",
    }


def count_queries(fn: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries.captured_queries)


def profiled(fn: Any, top: int = 35) -> str:
    profiler = cProfile.Profile()
    profiler.runcall(fn)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(top)
    return out.getvalue()


def run(
    database: str,
    scale: str,
    root: OrgUnit,
    repeat: int,
    rows: int = REGISTER_ROWS,
    profile_to: list[str] | None = None,
) -> list[dict[str, Any]]:
    """The register import and the on-duty page on ``database``, in a county of ``root``."""
    from bench.observation import account, pick_county

    ensure_defaults()
    county = pick_county(root)
    admin = account(ADMIN_USER, "county_admin", county)
    empty_register()
    entry, data = measure_import(database, scale, county, admin, rows, max(1, min(3, repeat)))
    if profile_to is not None:
        profile_to.append(profiled(lambda: import_seconds(data, admin, county, rows)))
    import_seconds(data, admin, county, rows, keep=True)  # the register the roster draws on
    return [entry, measure_page(database, scale, county, admin, repeat, profile_to)]


def main(argv: list[str] | None = None) -> int:
    from bench.run import standalone_county

    parser = argparse.ArgumentParser(prog="python -m bench.mobilization", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--url", help="DATABASE_URL of the PostgreSQL database (SQLite uses var/bench/, recreated)")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rows", type=int, default=REGISTER_ROWS, help="rows of the register imported")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one import and one page")
    args = parser.parse_args(argv)
    root = standalone_county(parser, args.db, args.url, SQLITE_PATH)
    profiles: list[str] | None = [] if args.profile else None
    for item in run(args.db, "county", root, args.repeat, args.rows, profiles):
        print(
            f"  {item['name']}: {item['figure']} {item['unit']} "
            f"(baseline {item['baseline_figure']}, ratio {item['ratio']})"
        )
        print(f"    {item['note']}")
    for text in profiles or []:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
