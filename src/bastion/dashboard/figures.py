"""The live figures engine (issue 11, point 2).

Each app declares its figures in its own ``figures.py`` with ``@figure(key, label, kind=...)`` over a function
that recomputes the figure's rows from the records: ``{(unit_id, day): value}``. Its services call
``figure_add(unit, key, delta, day)`` in the same transaction as the write they count, so the dashboard reads
the figure on its next refresh. A unit's row holds its whole subtree's figure: the write adds its change to the
unit and to every unit above it (the ids in its path, four to six rows in one statement), so the dashboard of a
province reads the province's own rows, a few hundred, whatever the volume below it. ``figures_rebuild``
recomputes every row from the records (each recompute gives the rows of the units where the records live, and
the engine rolls them up the path); ``figures_verify`` says where the kept rows differ.

Kinds:

- ``FLOW``: counted per day (passages in today); a period's value is the sum of its days.
- ``LEVEL``: a standing count (people under observation) kept as its changes per day (+1 on the day a case
  starts, -1 on the day it ends); its value on a day is the sum of every change up to that day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise

from bastion.core.models import OrgUnit
from bastion.core.models.orgunits import path_ids

FLOW = "flow"
LEVEL = "level"
Rows = dict[tuple[int, dt.date], int]
Recompute = Callable[[], Rows]
UPSERT_ROWS = 500


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise | str
    kind: str
    recompute: Recompute
    list_url: str = ""
    """A URL name of the list behind the figure (taking ``?unit=``), for the dashboard's links."""


FIGURES: dict[str, Figure] = {}


def figure(key: str, label: Promise | str, *, kind: str = FLOW, list_url: str = "") -> Callable[[Recompute], Recompute]:
    """Register a figure; the decorated function recomputes all its rows from the records."""

    def register(recompute: Recompute) -> Recompute:
        FIGURES[key] = Figure(key=key, label=label, kind=kind, recompute=recompute, list_url=list_url)
        return recompute

    return register


def figure_add(unit: OrgUnit | int, key: str, delta: int = 1, day: dt.date | None = None) -> None:
    """Add ``delta`` to the figure on ``day`` (today by default) of the unit and of every unit above it, in the
    caller's transaction: one statement, the rows locked from the top of the tree down."""
    if not delta:
        return
    if key not in FIGURES:
        raise KeyError(f"no figure {key!r}")
    path = unit.path if isinstance(unit, OrgUnit) else OrgUnit.objects.values_list("path", flat=True).get(pk=unit)
    day = day or timezone.localdate()
    _upsert([(ancestor, day, key, delta) for ancestor in path_ids(path)])


def figures_write(changes: Iterable[tuple[int, dt.date, str, int]]) -> int:
    """Add many changes (unit id, day, key, delta) at once, each to its unit and every unit above it; returns
    the number of rows touched. For rebuilds, imports and test data."""
    own: dict[str, Rows] = defaultdict(lambda: defaultdict(int))
    for unit_id, day, key, delta in changes:
        own[key][(unit_id, day)] += delta
    paths = dict(OrgUnit.objects.values_list("pk", "path"))
    rows = sorted(
        (unit_id, day, key, value)
        for key, rows_of_key in own.items()
        for (unit_id, day), value in _rolled_up(rows_of_key, paths).items()
    )
    _upsert(rows)
    return len(rows)


def _upsert(rows: list[tuple[int, dt.date, str, int]]) -> None:
    """Insert the rows or add their values to the rows there (SQLite and PostgreSQL say it alike), in the
    order given, ``UPSERT_ROWS`` to a statement."""
    from bastion.dashboard.models import DailyFigure

    quote = connection.ops.quote_name
    table = quote(DailyFigure._meta.db_table)
    columns = ", ".join(quote(name) for name in ("org_unit_id", "day", "key", "value"))
    conflict = f"ON CONFLICT ({quote('org_unit_id')}, {quote('day')}, {quote('key')})"
    value = quote("value")
    add = f"DO UPDATE SET {value} = {table}.{value} + excluded.{value}"
    for start in range(0, len(rows), UPSERT_ROWS):
        chunk = rows[start : start + UPSERT_ROWS]
        placeholders = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
        params = [
            param
            for unit_id, day, key, delta in chunk
            for param in (unit_id, connection.ops.adapt_datefield_value(day), key, delta)
        ]
        sql = f"INSERT INTO {table} ({columns}) VALUES {placeholders} {conflict} {add}"  # noqa: S608 (names only)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def figures_move(unit: OrgUnit, old_path: str) -> None:
    """Carry the moved unit's figures (its subtree's) from the units it left to the units it joined; the units
    above both keep theirs. Called in the move's transaction, ``unit.path`` already the new one."""
    from bastion.dashboard.models import DailyFigure

    old, new = path_ids(old_path)[:-1], path_ids(unit.path)[:-1]
    left, joined = [pk for pk in old if pk not in new], [pk for pk in new if pk not in old]
    rows = [
        (ancestor, day, key, sign * value)
        for day, key, value in DailyFigure.objects.filter(org_unit=unit).values_list("day", "key", "value")
        for ancestors, sign in ((left, -1), (joined, 1))
        for ancestor in ancestors
        if value
    ]
    _upsert(sorted(rows))


Window = tuple[dt.date | None, dt.date | None]
"""Days from the first to the last, both included; an end left None is open."""


def figure_windows(
    unit_ids: Iterable[int], keys: Iterable[str], windows: dict[str, Window]
) -> dict[int, dict[str, dict[str, int]]]:
    """Each figure of each unit (its subtree's) summed over each window, in one query on those units' own rows:
    ``{unit id: {window name: {key: sum}}}``. A level's value at the end of a day is its sum over (None, day).

    One parametrized statement rather than a queryset: the dashboard makes this call twice per refresh, and
    the ORM's compiling of a filtered sum per window cost more than the database's answer.
    """
    from bastion.dashboard.models import DailyFigure

    unit_ids, keys, names = list(unit_ids), list(keys), list(windows)
    result = {pk: {name: dict.fromkeys(keys, 0) for name in names} for pk in unit_ids}
    if not unit_ids or not keys or not names:
        return result
    ops, quote = connection.ops, connection.ops.quote_name
    day, key, value = quote("day"), quote("key"), quote("value")
    sums: list[str] = []
    params: list[Any] = []
    for first, last in windows.values():
        bounds = [f"{day} >= %s"] * (first is not None) + [f"{day} <= %s"] * (last is not None)
        sums.append(f"SUM(CASE WHEN {' AND '.join(bounds)} THEN {value} ELSE 0 END)" if bounds else f"SUM({value})")
        params += [ops.adapt_datefield_value(edge) for edge in (first, last) if edge is not None]
    where = [f"org_unit_id IN ({', '.join(['%s'] * len(unit_ids))})", f"{key} IN ({', '.join(['%s'] * len(keys))})"]
    params += [*unit_ids, *keys]
    firsts, lasts = [first for first, _last in windows.values()], [last for _first, last in windows.values()]
    if None not in firsts:
        where.append(f"{day} >= %s")
        params.append(ops.adapt_datefield_value(min(edge for edge in firsts if edge is not None)))
    if None not in lasts:
        where.append(f"{day} <= %s")
        params.append(ops.adapt_datefield_value(max(edge for edge in lasts if edge is not None)))
    table = quote(DailyFigure._meta.db_table)
    sql = f"SELECT org_unit_id, {key}, {', '.join(sums)} FROM {table} WHERE {' AND '.join(where)} GROUP BY 1, 2"  # noqa: S608 (names and placeholders only)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for unit_id, figure_key, *totals in cursor.fetchall():
            for name, total in zip(names, totals, strict=True):
                result[unit_id][name][figure_key] = int(total or 0)
    return result


def figure_values(
    sums: dict[str, dict[str, int]], keys: Iterable[str], *, flow: str = "flow", level: str = "level"
) -> dict[str, int]:
    """Each figure's value from ``figure_windows``'s sums of one unit: a flow's from the window ``flow``, a
    level's from the window ``level`` (which must be open at its start)."""
    return {key: sums[flow if FIGURES[key].kind == FLOW else level][key] for key in keys}


def figure_totals(unit: OrgUnit, keys: Iterable[str], first: dt.date, last: dt.date) -> dict[str, int]:
    """Each figure over the unit's subtree: a flow summed over ``first``..``last``, a level as it stood at the
    end of ``last``. One query on the unit's own rows, whatever the volume below it."""
    keys = list(keys)
    sums = figure_windows([unit.pk], keys, {"flow": (first, last), "level": (None, last)})[unit.pk]
    return figure_values(sums, keys)


def figure_series(unit: OrgUnit, keys: Iterable[str], first: dt.date, last: dt.date) -> dict[str, list[int]]:
    """Each figure per day from ``first`` to ``last`` over the unit's subtree (a level as it stood each day, from
    its changes before ``first`` too): one query on the unit's own rows."""
    from bastion.dashboard.models import DailyFigure

    keys = list(keys)
    days = (last - first).days + 1
    series = {key: [0] * days for key in keys}
    levels = [k for k in keys if FIGURES[k].kind == LEVEL]
    before = dict.fromkeys(levels, 0)
    wanted = Q(key__in=keys, day__gte=first) | Q(key__in=levels)
    rows = DailyFigure.objects.filter(wanted, org_unit=unit, day__lte=last).order_by()
    for key, day, value in rows.values_list("key", "day", "value"):
        if day < first:
            before[key] += value
        else:
            series[key][(day - first).days] += value
    for key in levels:
        running = before[key]
        for index, change in enumerate(series[key]):
            running += change
            series[key][index] = running
    return series


def figure_by_child(unit: OrgUnit, keys: Iterable[str], first: dt.date, last: dt.date) -> dict[int, dict[str, int]]:
    """Each figure for each active unit directly below ``unit`` (its subtree's), as ``figure_totals`` gives it."""
    keys = list(keys)
    children = OrgUnit.objects.filter(parent=unit, is_active=True).values_list("pk", flat=True)
    sums = figure_windows(children, keys, {"flow": (first, last), "level": (None, last)})
    return {pk: figure_values(child, keys) for pk, child in sums.items()}


def _kept(keys: list[str]) -> dict[str, Rows]:
    from bastion.dashboard.models import DailyFigure

    kept: dict[str, Rows] = defaultdict(dict)
    for key, unit_id, day, value in DailyFigure.objects.filter(key__in=keys).values_list(
        "key", "org_unit_id", "day", "value"
    ):
        if value:
            kept[key][(unit_id, day)] = value
    return kept


def _rolled_up(own: Rows, paths: dict[int, str]) -> Rows:
    """Rows of the units where the records live, rolled up: each unit's row its subtree's (zeros left out)."""
    rolled: Rows = defaultdict(int)
    for (unit_id, day), value in own.items():
        for ancestor in path_ids(paths[unit_id]):
            rolled[(ancestor, day)] += value
    return {place: value for place, value in rolled.items() if value}


def figures_verify(keys: Iterable[str] | None = None) -> dict[str, list[tuple[int, dt.date, int, int]]]:
    """Where the kept rows differ from the records: {key: [(unit id, day, kept, recomputed)]}; empty if none."""
    keys = list(keys or FIGURES)
    kept = _kept(keys)
    paths = dict(OrgUnit.objects.values_list("pk", "path"))
    differences: dict[str, list[tuple[int, dt.date, int, int]]] = {}
    for key in keys:
        fresh = _rolled_up(FIGURES[key].recompute(), paths)
        mine = kept.get(key, {})
        wrong = [
            (unit_id, day, mine.get((unit_id, day), 0), fresh.get((unit_id, day), 0))
            for unit_id, day in sorted(set(mine) | set(fresh))
            if mine.get((unit_id, day), 0) != fresh.get((unit_id, day), 0)
        ]
        if wrong:
            differences[key] = wrong
    return differences


@transaction.atomic
def figures_rebuild(keys: Iterable[str] | None = None) -> int:
    """Recompute every row of the figures from the records; returns the number of rows written."""
    from bastion.dashboard.models import DailyFigure

    keys = list(keys or FIGURES)
    DailyFigure.objects.filter(key__in=keys).delete()
    paths = dict(OrgUnit.objects.values_list("pk", "path"))
    rows = [
        DailyFigure(org_unit_id=unit_id, day=day, key=key, value=value)
        for key in keys
        for (unit_id, day), value in _rolled_up(FIGURES[key].recompute(), paths).items()
    ]
    DailyFigure.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
