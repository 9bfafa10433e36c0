"""The live figures engine (issue 11, point 2).

Each app declares its figures in its own ``figures.py`` with ``@figure(key, label, kind=...)`` over a function
that recomputes the figure's rows from the records: ``{(unit_id, day): value}``. Its services call
``figure_add(unit, key, delta, day)`` in the same transaction as the write they count, so the dashboard reads
the figure on its next refresh, adding up a subtree by path prefix in one small query per figure set.
``figures_rebuild`` recomputes every row from the records; ``figures_verify`` says where the kept rows differ.

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

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.functional import Promise

from bastion.core.models import OrgUnit
from bastion.core.models.orgunits import subtree_upper_bound

FLOW = "flow"
LEVEL = "level"
Rows = dict[tuple[int, dt.date], int]
Recompute = Callable[[], Rows]


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
    """Add ``delta`` to the unit's figure on ``day`` (today by default), in the caller's transaction."""
    if not delta:
        return
    from bastion.dashboard.models import DailyFigure

    if key not in FIGURES:
        raise KeyError(f"no figure {key!r}")
    unit_id = unit if isinstance(unit, int) else unit.pk
    day = day or timezone.localdate()
    rows = DailyFigure.objects.filter(org_unit_id=unit_id, day=day, key=key)
    if rows.update(value=F("value") + delta):
        return
    try:
        with transaction.atomic():
            DailyFigure.objects.create(org_unit_id=unit_id, day=day, key=key, value=delta)
    except IntegrityError:  # another writer made the row between the update and the insert
        rows.update(value=F("value") + delta)


def _subtree(unit: OrgUnit) -> dict[str, str]:
    return {"org_unit__path__gte": unit.path, "org_unit__path__lt": subtree_upper_bound(unit.path)}


def figure_totals(unit: OrgUnit, keys: Iterable[str], first: dt.date, last: dt.date) -> dict[str, int]:
    """Each figure over the unit's subtree: a flow summed over ``first``..``last``, a level as it stood at the
    end of ``last``. Two queries at most, whatever the volume."""
    from bastion.dashboard.models import DailyFigure

    keys = list(keys)
    subtree = _subtree(unit)
    flows = [k for k in keys if FIGURES[k].kind == FLOW]
    levels = [k for k in keys if FIGURES[k].kind == LEVEL]
    totals = dict.fromkeys(keys, 0)
    if flows:
        rows = DailyFigure.objects.filter(key__in=flows, day__gte=first, day__lte=last, **subtree)
        totals.update({row["key"]: row["total"] for row in rows.values("key").annotate(total=Sum("value"))})
    if levels:
        rows = DailyFigure.objects.filter(key__in=levels, day__lte=last, **subtree)
        totals.update({row["key"]: row["total"] for row in rows.values("key").annotate(total=Sum("value"))})
    return {key: int(value or 0) for key, value in totals.items()}


def figure_series(unit: OrgUnit, keys: Iterable[str], first: dt.date, last: dt.date) -> dict[str, list[int]]:
    """Each figure per day from ``first`` to ``last`` over the unit's subtree (a level as it stood each day)."""
    from bastion.dashboard.models import DailyFigure

    keys = list(keys)
    days = (last - first).days + 1
    series = {key: [0] * days for key in keys}
    subtree = _subtree(unit)
    levels = [k for k in keys if FIGURES[k].kind == LEVEL]
    before: dict[str, int] = {}
    if levels:
        rows = DailyFigure.objects.filter(key__in=levels, day__lt=first, **subtree)
        before = {row["key"]: int(row["total"] or 0) for row in rows.values("key").annotate(total=Sum("value"))}
    rows = DailyFigure.objects.filter(key__in=keys, day__gte=first, day__lte=last, **subtree)
    for row in rows.values("key", "day").annotate(total=Sum("value")):
        series[row["key"]][(row["day"] - first).days] += int(row["total"] or 0)
    for key in levels:
        running = before.get(key, 0)
        for index, change in enumerate(series[key]):
            running += change
            series[key][index] = running
    return series


def figure_by_child(unit: OrgUnit, keys: Iterable[str], first: dt.date, last: dt.date) -> dict[int, dict[str, int]]:
    """Each figure for each unit directly below ``unit`` (its subtree added up): one query per kind."""
    from bastion.dashboard.models import DailyFigure

    keys = list(keys)
    children = list(OrgUnit.objects.filter(parent=unit, is_active=True).values_list("pk", "path"))
    result: dict[int, dict[str, int]] = {pk: dict.fromkeys(keys, 0) for pk, _path in children}
    if not children:
        return result
    step = len(children[0][1])
    owner = {path: pk for pk, path in children}
    subtree = _subtree(unit)
    for kind, day_filter in ((FLOW, {"day__gte": first, "day__lte": last}), (LEVEL, {"day__lte": last})):
        wanted = [k for k in keys if FIGURES[k].kind == kind]
        if not wanted:
            continue
        rows = DailyFigure.objects.filter(key__in=wanted, **day_filter, **subtree)
        for row in rows.values("key", "org_unit__path").annotate(total=Sum("value")):
            child = owner.get(row["org_unit__path"][:step])
            if child is not None:
                result[child][row["key"]] += int(row["total"] or 0)
    return result


def _kept(keys: list[str]) -> dict[str, Rows]:
    from bastion.dashboard.models import DailyFigure

    kept: dict[str, Rows] = defaultdict(dict)
    for key, unit_id, day, value in DailyFigure.objects.filter(key__in=keys).values_list(
        "key", "org_unit_id", "day", "value"
    ):
        if value:
            kept[key][(unit_id, day)] = value
    return kept


def figures_verify(keys: Iterable[str] | None = None) -> dict[str, list[tuple[int, dt.date, int, int]]]:
    """Where the kept rows differ from the records: {key: [(unit id, day, kept, recomputed)]}; empty if none."""
    keys = list(keys or FIGURES)
    kept = _kept(keys)
    differences: dict[str, list[tuple[int, dt.date, int, int]]] = {}
    for key in keys:
        fresh = {place: value for place, value in FIGURES[key].recompute().items() if value}
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
    rows = [
        DailyFigure(org_unit_id=unit_id, day=day, key=key, value=value)
        for key in keys
        for (unit_id, day), value in FIGURES[key].recompute().items()
        if value
    ]
    DailyFigure.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
