"""The figures engine: flows add up over a period, levels stand at the end of it, subtrees add up by path, a
rebuild from the records equals what the writes kept, and verify names a row that drifted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from bastion.core.models import User
from bastion.core.services.orgunits import orgunit_move
from bastion.dashboard import figures
from bastion.dashboard.figures import FLOW, LEVEL, figure_add, figure_by_child, figure_series, figure_totals
from bastion.dashboard.models import DailyFigure
from tests.conftest import World

DAY = dt.date(2020, 2, 10)
RECORDS: list[tuple[str, int, dt.date, int]] = []
"""The "records" of the two test figures: (key, unit id, day, change)."""


def _recompute(key: str) -> figures.Rows:
    rows: figures.Rows = {}
    for record_key, unit_id, day, change in RECORDS:
        if record_key == key:
            rows[(unit_id, day)] = rows.get((unit_id, day), 0) + change
    return rows


@pytest.fixture(autouse=True)
def test_figures() -> Iterator[None]:
    figures.figure("test.passages", "passages", kind=FLOW)(lambda: _recompute("test.passages"))
    figures.figure("test.observed", "observed", kind=LEVEL)(lambda: _recompute("test.observed"))
    RECORDS.clear()
    yield
    del figures.FIGURES["test.passages"], figures.FIGURES["test.observed"]


def write(key: str, unit_id: int, day: dt.date, change: int) -> None:
    RECORDS.append((key, unit_id, day, change))
    figure_add(unit_id, key, change, day)


def test_flows_add_up_levels_stand_and_subtrees_roll_up(world: World) -> None:
    write("test.passages", world.village_a.pk, DAY, 5)
    write("test.passages", world.village_a.pk, DAY - dt.timedelta(days=1), 3)
    write("test.passages", world.village_b.pk, DAY, 2)
    write("test.observed", world.village_a.pk, DAY - dt.timedelta(days=3), 4)
    write("test.observed", world.village_a.pk, DAY - dt.timedelta(days=1), -1)
    keys = ["test.passages", "test.observed"]
    assert figure_totals(world.county, keys, DAY, DAY) == {"test.passages": 7, "test.observed": 3}
    assert figure_totals(world.township_a, keys, DAY - dt.timedelta(days=1), DAY) == {
        "test.passages": 8,
        "test.observed": 3,
    }
    assert figure_totals(world.county, keys, DAY - dt.timedelta(days=2), DAY - dt.timedelta(days=2)) == {
        "test.passages": 0,
        "test.observed": 4,
    }
    series = figure_series(world.county, keys, DAY - dt.timedelta(days=3), DAY)
    assert series == {"test.passages": [0, 0, 3, 7], "test.observed": [4, 4, 3, 3]}
    by_child = figure_by_child(world.county, keys, DAY, DAY)
    assert by_child[world.township_a.pk] == {"test.passages": 5, "test.observed": 3}
    assert by_child[world.township_b.pk] == {"test.passages": 2, "test.observed": 0}


def test_a_rebuild_equals_the_kept_rows_and_verify_names_a_drifted_row(world: World) -> None:
    for n in range(30):
        unit = (world.village_a, world.village_b, world.compound_b)[n % 3]
        write("test.passages", unit.pk, DAY - dt.timedelta(days=n % 4), n % 5 + 1)
        write("test.observed", unit.pk, DAY - dt.timedelta(days=n % 6), 1 if n % 4 else -1)
    keys = ["test.passages", "test.observed"]
    assert figures.figures_verify(keys) == {}
    kept = set(DailyFigure.objects.filter(key__in=keys).values_list("org_unit_id", "day", "key", "value"))
    figures.figures_rebuild(keys)
    rebuilt = set(DailyFigure.objects.filter(key__in=keys).values_list("org_unit_id", "day", "key", "value"))
    assert rebuilt == {row for row in kept if row[3]}
    DailyFigure.objects.filter(key="test.passages", org_unit=world.village_b, day=DAY).update(value=999)
    drift = figures.figures_verify(keys)
    assert list(drift) == ["test.passages"] and drift["test.passages"][0][:3] == (world.village_b.pk, DAY, 999)


def test_each_unit_keeps_its_subtree_so_the_county_reads_its_own_rows(world: World) -> None:
    write("test.passages", world.compound_b.pk, DAY, 4)
    write("test.passages", world.village_a.pk, DAY, 1)
    kept = dict(DailyFigure.objects.filter(key="test.passages").values_list("org_unit_id", "value"))
    assert kept == {
        world.compound_b.pk: 4,
        world.village_b.pk: 4,
        world.township_b.pk: 4,
        world.village_a.pk: 1,
        world.township_a.pk: 1,
        world.county.pk: 5,
    }


def test_a_moved_unit_takes_its_figures_to_its_new_township(world: World, county_admin: User) -> None:
    write("test.passages", world.compound_b.pk, DAY, 4)
    write("test.passages", world.village_b.pk, DAY, 2)
    write("test.observed", world.compound_b.pk, DAY - dt.timedelta(days=2), 3)
    orgunit_move(by=county_admin, unit=world.village_b, new_parent=world.township_a)
    keys = ["test.passages", "test.observed"]
    assert figure_totals(world.township_a, keys, DAY, DAY) == {"test.passages": 6, "test.observed": 3}
    assert figure_totals(world.township_b, keys, DAY, DAY) == {"test.passages": 0, "test.observed": 0}
    assert figure_totals(world.county, keys, DAY, DAY) == {"test.passages": 6, "test.observed": 3}
    assert figures.figures_verify(keys) == {}
