"""The benchmark tree generator makes a valid tree, as designed, and the bench's SQL agrees with the selectors."""

from __future__ import annotations

from collections import Counter

import pytest

from bastion.core.models import Institution, OrgUnit
from bastion.core.models.orgunits import path_segment
from bastion.core.selectors import institution_subtree_counts, orgunit_subtree_counts
from bench.generate import SCALES, count_kinds, expected_unit_counts, generate, plan
from bench.queries import sql_subtree_counts, sql_subtree_listing

# The county shape the generator is designed to: 150 units.
COUNTY_DESIGN = {"county": 1, "township": 11, "community": 26, "village": 106, "compound": 6}


@pytest.mark.django_db
def test_county_tree_is_valid_and_as_designed() -> None:
    root = generate("county")

    units = {unit.pk: unit for unit in OrgUnit.objects.all()}
    assert len(units) == 150
    assert root.parent_id is None
    assert root.kind == OrgUnit.Kind.COUNTY
    for unit in units.values():
        parent = units[unit.parent_id] if unit.parent_id else None
        assert unit.path == (parent.path if parent else "") + path_segment(unit.pk)
        assert unit.depth == (parent.depth + 1 if parent else 0)
        assert unit.pinyin_initials and unit.pinyin_full

    codes = [unit.division_code for unit in units.values() if unit.division_code is not None]
    assert len(codes) == len(set(codes))
    assert all(len(code) == 12 and code.isdigit() for code in codes)
    # Only residential compounds, below the official divisions, have no code.
    assert {unit.kind for unit in units.values() if unit.division_code is None} == {OrgUnit.Kind.COMPOUND}

    assert Counter(unit.kind for unit in units.values()) == COUNTY_DESIGN
    assert (
        orgunit_subtree_counts(root)
        == sql_subtree_counts(root)
        == {kind: n for kind, n in COUNTY_DESIGN.items() if kind != "county"}
    )
    assert orgunit_subtree_counts(root, active_only=True) == sql_subtree_counts(root, active_only=True)
    assert [row[0] for row in sql_subtree_listing(root)] == sorted(units, key=lambda pk: units[pk].path)

    # A few institutions at the county and in every township.
    institutions = Institution.objects.select_related("org_unit")
    assert 4 + 11 <= institutions.count() <= 4 + 2 * 11
    assert {i.org_unit.kind for i in institutions} == {OrgUnit.Kind.COUNTY, OrgUnit.Kind.TOWNSHIP}
    assert sum(institution_subtree_counts(root).values()) == institutions.count()


def test_plans_are_deterministic_and_as_designed() -> None:
    for scale in SCALES:
        tree = plan(scale)
        assert count_kinds(tree) == expected_unit_counts(scale)
        assert tree == plan(scale)
    assert count_kinds(plan("county")) == COUNTY_DESIGN
    province = plan("province")
    assert 19_000 <= sum(expected_unit_counts("province").values()) <= 21_000
    assert 1_800 <= sum(len(node.institutions) for node in province.walk()) <= 2_500
    codes = [node.division_code for node in province.walk() if node.division_code]
    assert len(codes) == len(set(codes))
    assert plan("county", seed=1) != plan("county")


def test_unknown_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown scale"):
        plan("country")
