"""Residents benchmarks: the Excel roster import, its peak memory, and person search.

``roster_file(rows)`` writes a roster of ``rows`` persons (the template's twelve columns, unique ID
numbers and phones, three villages) straight as sheet XML into a zip, cached under ``var/bench/``:
openpyxl would take minutes for a million rows. Strings are inline, not shared: calamine reads both.

``run(database, scale, root, repeat)`` then measures, like ``bench.run``:

- ``residents_roster_import``: ``roster_import`` of 100,000 rows into an empty register against the
  baseline of reading the same file with python-calamine and inserting its cells, as they stand, into
  the person table with one ``executemany``; the median of ``IMPORT_RUNS`` runs a side; the target
  ratio is 2;
- ``residents_roster_import_floor``: the least an import could take, against the same baseline (no target):
  the same read, the rows worked out as the register stores them in straight-line Python (the checks,
  encryption and hashing the issue requires), inserted the import's way in one transaction;
- the peak memory (``ru_maxrss``) of a subprocess importing 1,000,000 rows (target: under 400 MB);
- ``residents_search_initials`` and ``residents_search_id``: the median of 200 ``person_search``
  calls over 150,000 persons, by pinyin initials and by exact ID number (no baseline).

``python -m bench.residents --db sqlite|postgres [--url URL]`` runs them alone, on a small tree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import io
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from bench.run import BENCH_DATA_DIR, PROJECT_DIR

IMPORT_ROWS = 100_000
MEMORY_ROWS = 1_000_000
SEARCH_PERSONS = 150_000
SEARCHES = 200
IMPORT_RUNS = 3
PEAK_PREFIX = "  child peak: "
TARGET_RATIO = 2.0
TARGET_PEAK_MB = 400
VILLAGES = ("基准一村", "基准二村", "基准三村")
HEADER = ("序号", "姓名", "性别", "身份证号", "联系电话", "现住址", "所属村(社区)", "人员类别")
HEADER += ("从何地返回", "返回日期", "交通方式", "车次航班车牌")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅海燕斌浩宇欣怡子轩"
PLACES = ("乌鲁木齐市", "昌吉市", "武汉市", "北京市", "上海市", "广州市", "吐鲁番市", "哈密市")
MODES = ("火车", "飞机", "汽车", "自驾", "其他")
TAGS = ("返乡务工人员", "返乡大学生", "其他返乡人员", "常住居民")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(i: int, offset: int = 0) -> str:
    """A valid, unique ID number of Mulei county for each ``i`` below 3,650,000."""
    import datetime as dt

    born = dt.date(1950, 1, 1) + dt.timedelta(days=(i + offset) // 1000)
    first = f"652328{born:%Y%m%d}{(i + offset) % 1000:03d}"
    check = (12 - sum(int(d) * w for d, w in zip(first, WEIGHTS, strict=True)) % 11) % 11
    return first + ("X" if check == 10 else str(check))


def _row_xml(number: int, cells: tuple[object, ...]) -> str:
    parts = []
    for value in cells:
        if isinstance(value, int):
            parts.append(f"<c><v>{value}</v></c>")
        else:
            parts.append(f'<c t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
    return f'<row r="{number}">{"".join(parts)}</row>'


def roster_rows(rows: int, offset: int = 0, seed: int = 2020) -> Any:
    rng = random.Random(seed + offset)
    for i in range(rows):
        number = id_number(i, offset)
        yield (
            i + 1,
            rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
            "男" if int(number[16]) % 2 else "女",
            number,
            f"138{(i + offset) % 100_000_000:08d}",
            f"幸福路{rng.randint(1, 300)}号",
            VILLAGES[i % len(VILLAGES)],
            rng.choice(TAGS),
            rng.choice(PLACES),
            f"2020-01-{rng.randint(1, 31):02d}",
            rng.choice(MODES),
            f"T{rng.randint(1, 9999)}",
        )


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def roster_file(rows: int, offset: int = 0) -> Path:
    """The cached roster of ``rows`` persons whose ID numbers start at ``offset``; written on first use."""
    return sheet_file(BENCH_DATA_DIR / f"roster-{rows}-{offset}.xlsx", HEADER, roster_rows(rows, offset))


def sheet_file(path: Path, header: tuple[object, ...], rows: Iterable[tuple[object, ...]]) -> Path:
    """A one-sheet .xlsx at ``path``, streamed row by row (openpyxl would take minutes for 100,000 rows);
    kept once written, so a later run reads the same file."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
            sheet = io.TextIOWrapper(raw, encoding="utf-8")
            sheet.write('<?xml version="1.0" encoding="UTF-8"?>')
            sheet.write('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            sheet.write(_row_xml(1, header))
            for number, cells in enumerate(rows, 2):
                sheet.write(_row_xml(number, cells))
            sheet.write("</sheetData></worksheet>")
            sheet.flush()
            sheet.detach()
    partial.rename(path)
    return path


def setup_units(root: Any) -> tuple[Any, Any]:
    """The three villages the rosters name, below ``root``, and a superuser to import with."""
    from bastion.core.models import OrgUnit, User
    from bastion.core.services.orgunits import orgunit_create

    township = OrgUnit.objects.filter(parent=root, name="基准镇").first() or orgunit_create(
        by=None, parent=root, kind=OrgUnit.Kind.TOWNSHIP, name="基准镇"
    )
    for name in VILLAGES:
        if not OrgUnit.objects.filter(parent=township, name=name).exists():
            orgunit_create(by=None, parent=township, kind=OrgUnit.Kind.VILLAGE, name=name)
    from django.apps import apps

    defaults = importlib.import_module("bastion.residents.migrations.0002_default_tags_and_symptoms")
    defaults.add_defaults(apps, None)  # a flushed database has lost the categories the migration adds
    by = User.objects.filter(username="bench-importer").first()
    if by is None:
        by = User.objects.create_superuser("bench-importer", password=None)
    return township, by


def empty_register() -> None:
    from django.db import connection

    from bastion.residents.models import Person, TravelEntry

    tables = [TravelEntry._meta.db_table, Person.tags.through._meta.db_table, Person._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'DELETE FROM "{table}"')


PERSON_COLUMNS = ("org_unit_id", "name", "name_initials", "name_pinyin", "sex", "birth_date", "id_number", "id_hash")
PERSON_COLUMNS += ("phone", "phone_hash", "address", "created_at", "updated_at")


TRAVEL_COLUMNS = ("person_id", "from_region", "from_division_code", "arrival_date", "mode", "transport_number")
TRAVEL_COLUMNS += ("created_at",)
MODE_VALUES = {"火车": "train", "飞机": "flight", "汽车": "bus", "自驾": "car", "其他": "other"}


@dataclass
class Register:
    """A roster's rows as the register stores them: persons (with ids), a category and a travel entry each."""

    persons: list[tuple[Any, ...]]
    tags: list[tuple[int, int]]
    travels: list[tuple[Any, ...]]


def stored_register(data: bytes, township: Any) -> Register:
    """The file read with python-calamine, and its rows as ``roster_import`` writes them, in straight-line
    Python: no header to find, no cell to doubt, no error to report, no person registered before.

    Each row's village; the ID and phone numbers checked, encrypted and hashed; birth date and sex from the
    ID number; the name's pinyin keys; the category and the travel entry. Ids from 1: the register is empty.
    """
    from django.db import connection
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from bastion.core.crypto import field_keys
    from bastion.core.models import OrgUnit
    from bastion.residents.models import CategoryTag
    from bastion.residents.validation import id_number_clean, name_keys, phone_clean

    villages = dict(OrgUnit.objects.filter(parent=township).values_list("name", "pk"))
    tags = {name: tag.pk for tag in CategoryTag.objects.all() for name in tag.names.values()}
    keys = field_keys()
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()[1:]
    register = Register([], [], [])
    for pk, cells in enumerate(rows, start=1):
        facts, phone = id_number_clean(cells[3]), phone_clean(str(cells[4]))
        initials, pinyin = name_keys(cells[1])
        birth = ops.adapt_datefield_value(facts.birth_date)
        person = (pk, villages[cells[6]], cells[1], initials, pinyin, facts.sex, birth)
        number = (keys.encrypt(facts.number), keys.keyed_hash(facts.number))
        register.persons.append((*person, *number, keys.encrypt(phone), keys.keyed_hash(phone), cells[5], now, now))
        register.tags.append((pk, tags[cells[7]]))
        arrival = ops.adapt_datefield_value(dt.date.fromisoformat(cells[9]))
        register.travels.append((pk, cells[8], "", arrival, MODE_VALUES[cells[10]], cells[11], now))
    return register


def register_insert(register: Register) -> None:
    """Insert ``register`` the import's way (``rows_insert``), in one transaction."""
    from django.db import connection, transaction

    from bastion.core.prepared import rows_insert
    from bastion.residents.models import Person, TravelEntry

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -32768")  # as the import sets it
    with transaction.atomic():
        rows_insert(Person._meta.db_table, ("id", *PERSON_COLUMNS), register.persons)
        rows_insert(Person.tags.through._meta.db_table, ("person_id", "categorytag_id"), register.tags)
        rows_insert(TravelEntry._meta.db_table, TRAVEL_COLUMNS, register.travels)


def floor_seconds(data: bytes, township: Any) -> float:
    """The least an import of ``data`` can take: ``stored_register`` (the read, and the work on each row the
    issue requires), then ``register_insert``."""
    empty_register()
    start = time.perf_counter()
    register_insert(stored_register(data, township))
    seconds = time.perf_counter() - start
    empty_register()
    return seconds


def baseline_seconds(data: bytes, unit: Any) -> float:
    """Read every row with python-calamine and insert the same rows into the register with one executemany.

    "The same rows" are the persons the import writes, into the table it writes them to, with its
    indexes: each row's cells as they stand, the ID and phone cells also in the hash columns (a
    unique and a plain index), no cleaning, no encryption. The travel entries and categories the
    import also writes, and its look-ups for persons already registered, are the import's own cost.
    """
    from django.db import connection, transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from bastion.residents.models import Person

    empty_register()
    start = time.perf_counter()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    rows = sheet.iter_rows()
    next(rows)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    values = [
        (unit.pk, str(r[1]), "", "", str(r[2]), None, str(r[3]), str(r[3]), str(r[4]), str(r[4]), str(r[5]), now, now)
        for r in rows
    ]
    placeholders = ", ".join(["%s"] * len(PERSON_COLUMNS))
    with transaction.atomic(), connection.cursor() as cursor:
        sql = f'INSERT INTO "{Person._meta.db_table}" ({", ".join(PERSON_COLUMNS)}) VALUES ({placeholders})'
        cursor.executemany(sql, values)
    seconds = time.perf_counter() - start
    empty_register()
    return seconds


def import_seconds(data: bytes, by: Any, unit: Any) -> tuple[float, Any]:
    from bastion.residents.services.roster import roster_import

    start = time.perf_counter()
    result = roster_import(by=by, data=data, default_unit=unit, dry_run=False)
    return time.perf_counter() - start, result


def peak_memory_mb(database_url: str) -> float:
    """Peak RSS of a child process importing ``MEMORY_ROWS`` rows into an empty register, as the child reports it.

    Not ``getrusage(RUSAGE_CHILDREN)``: a child started with vfork runs in this process's memory until it
    execs, and Linux counts this process's peak as the child's (it read 538 MB for a child that peaked at
    390 MB, while this process held the other benchmarks' data).
    """
    path = roster_file(MEMORY_ROWS, offset=2_000_000)
    command = [sys.executable, "-m", "bench.residents", "--child", str(path), "--url", database_url]
    finished = subprocess.run(command, check=True, cwd=PROJECT_DIR, capture_output=True, text=True)
    print(finished.stdout, end="")
    return float(finished.stdout.rsplit(PEAK_PREFIX, 1)[1].split()[0])


def own_peak_mb() -> float:
    """This process's peak RSS since it started its program: ``VmHWM``, else ``ru_maxrss``."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def search_ms(by: Any, queries: list[str]) -> float:
    from bastion.residents.selectors import person_search

    samples = []
    for q in queries:
        start = time.perf_counter()
        list(person_search(by, q)[:50])
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def run(database: str, scale: str, root: Any, repeat: int) -> list[dict[str, Any]]:
    """The roster and search benchmarks on ``database``; ``repeat`` is unused (one import is minutes)."""
    from bastion.residents.models import Person
    from bench.run import analyze

    township, by = setup_units(root)
    data = roster_file(IMPORT_ROWS).read_bytes()
    imports, baselines = [], []
    for turn in range(IMPORT_RUNS):  # alternating which side goes first
        if turn % 2:
            baselines.append(baseline_seconds(data, township))
        seconds, result = import_seconds(data, by, township)
        if result.created != IMPORT_ROWS:
            raise AssertionError(f"roster import: {result.created} created, {result.refused} refused")
        empty_register()
        imports.append(seconds)
        if not turn % 2:
            baselines.append(baseline_seconds(data, township))
    seconds, baseline = statistics.median(imports), statistics.median(baselines)
    floor = statistics.median(floor_seconds(data, township) for _turn in range(IMPORT_RUNS))
    runs = ", ".join(f"{i:.2f}" for i in imports) + " s; baseline " + ", ".join(f"{b:.2f}" for b in baselines)
    print(f"  {database}: roster import {seconds:.2f} s, baseline {baseline:.2f} s ({seconds / baseline:.2f}x)")
    results = [
        {
            "name": "residents_roster_import",
            "database": database,
            "scale": scale,
            "figure": round(seconds * 1000, 1),
            "unit": "ms",
            "baseline_figure": round(baseline * 1000, 1),
            "ratio": round(seconds / baseline, 2),
            "target_ratio": TARGET_RATIO,
            "note": f"{IMPORT_ROWS:,} rows of 12 columns into an empty register; baseline: calamine read + one "
            f"executemany of the same rows' cells as they stand into the person table; median of {IMPORT_RUNS} "
            f"runs a side (import {runs} s); the import at {seconds / floor:.2f}x its floor",
        },
        {
            "name": "residents_roster_import_floor",
            "database": database,
            "scale": scale,
            "figure": round(floor * 1000, 1),
            "unit": "ms",
            "baseline_figure": round(baseline * 1000, 1),
            "ratio": round(floor / baseline, 2),
            "target_ratio": None,
            "note": f"the least an import could take: calamine's read of the same file, the {IMPORT_ROWS:,} rows "
            "worked out in straight-line Python as the register stores them (ID and phone checked, encrypted and "
            "hashed, birth date and sex, pinyin keys, a category and a travel entry each; no header detection, "
            "no error reporting, no look-up of persons registered before), inserted the import's way "
            f"(core.prepared.rows_insert) in one transaction; median of {IMPORT_RUNS}; against the same baseline",
        },
    ]

    import_seconds(data, by, township)  # the timed imports each left an empty register
    extra = roster_file(SEARCH_PERSONS - IMPORT_ROWS, offset=IMPORT_ROWS).read_bytes()
    import_seconds(extra, by, township)
    analyze(database)
    persons = list(Person.objects.order_by("?").values_list("name_initials", "id_number")[:SEARCHES])
    count = Person.objects.count()
    for name, queries in (("initials", [p[0] for p in persons]), ("id", [p[1] for p in persons])):
        figure = search_ms(by, queries)
        results.append(
            {
                "name": f"residents_search_{name}",
                "database": database,
                "scale": scale,
                "figure": round(figure, 3),
                "unit": "ms",
                "baseline_figure": None,
                "ratio": None,
                "target_ratio": None,
                "note": f"median of {SEARCHES} person_search calls (first 50 results) over {count:,} persons",
            }
        )
    empty_register()
    peak = peak_memory_mb(os.environ["DATABASE_URL"])
    print(f"  {database}: peak memory importing {MEMORY_ROWS:,} rows: {peak:.0f} MB")
    results.append(
        {
            "name": "residents_roster_import_peak_memory",
            "database": database,
            "scale": scale,
            "figure": round(peak, 1),
            "unit": "MB",
            "baseline_figure": None,
            "ratio": None,
            "target_ratio": None,
            "note": f"ru_maxrss of a process importing {MEMORY_ROWS:,} rows; target under {TARGET_PEAK_MB} MB",
        }
    )
    empty_register()
    return results


def _child(path: Path) -> None:
    from bastion.core.models import OrgUnit

    data = path.read_bytes()
    root = OrgUnit.objects.filter(parent=None).order_by("pk").first()
    township, by = setup_units(root)
    seconds, result = import_seconds(data, by, township)
    print(f"  child: {result.created:,} created, {result.refused:,} refused in {seconds:.0f} s")
    print(f"{PEAK_PREFIX}{own_peak_mb():.1f} MB")


def main(argv: list[str] | None = None) -> int:
    from bench.run import SQLITE_PATH, configure, prepare_database, recreate_sqlite

    parser = argparse.ArgumentParser(prog="python -m bench.residents", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--url")
    parser.add_argument("--child", type=Path, help="(internal) import this file and exit")
    args = parser.parse_args(argv)
    if args.child:
        configure(args.url)
        _child(args.child)
        return 0
    if args.db == "sqlite":
        recreate_sqlite(SQLITE_PATH)
        configure(f"sqlite:///{SQLITE_PATH}")
    else:
        configure(args.url)
    prepare_database(args.db)
    from bastion.core.services.orgunits import orgunit_create

    root = orgunit_create(by=None, parent=None, kind="county", name="基准县", division_code="652328000000")
    for item in run(args.db, "county", root, 1):
        print(
            f"  {item['name']}: {item['figure']} {item['unit']} (baseline {item['baseline_figure']}, "
            f"ratio {item['ratio']})"
        )
        print(f"    {item['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
