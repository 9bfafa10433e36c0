"""A synthetic organisation tree at three scales, written in bulk.

``generate("county" | "prefecture" | "province")`` writes one tree and returns
its root. The shape is fixed by the constants below; names, township kinds
(镇 or 乡), police checkpoints and the few inactive villages come from a seeded
random generator, so the same seed always gives the same tree (ids aside).

Every county has the same shape: 11 townships; the county-seat township has 6
communities (one residential compound each) and 6 villages, every other
township 2 communities and 10 villages: 150 units. A prefecture-scale tree is
one prefecture of 10 counties (1,501 units); a province-scale tree is one
province of 14 prefectures with 7 to 16 counties each (19,965 units, 2,000-odd
institutions).

The rows are written with ``bulk_create`` level by level, then each level's
paths are computed from the new ids and saved with ``bulk_update``, all in one
transaction. The per-row service (``orgunit_create``) is not used: it is too
slow for 20,000 rows, and it writes an audit event per unit, which is not
wanted here. Division codes are unique 12-digit codes under province 65, so
one tree per database.
"""

from __future__ import annotations

import functools
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final, Literal, get_args

from django.db import transaction

from bastion.core.models import Institution, OrgUnit
from bastion.core.models.orgunits import path_segment
from bastion.core.services.orgunits import pinyin_keys

Scale = Literal["county", "prefecture", "province"]
SCALES: Final[tuple[Scale, ...]] = get_args(Scale)
DEFAULT_SEED: Final = 2020

PROVINCE_CODE: Final = "65"
TOWNSHIPS_PER_COUNTY: Final = 11
SEAT_COMMUNITIES: Final = 6  # the county-seat township (the first one)
SEAT_VILLAGES: Final = 6
COMPOUNDS_PER_SEAT_COMMUNITY: Final = 1
COMMUNITIES_PER_TOWNSHIP: Final = 2  # every other township
VILLAGES_PER_TOWNSHIP: Final = 10
COUNTIES_IN_PREFECTURE_SCALE: Final = 10
# Province scale: counties in each of the 14 prefectures (133 in all).
COUNTIES_PER_PREFECTURE: Final = (16, 12, 11, 10, 10, 9, 9, 9, 8, 8, 8, 7, 7, 9)
CHECKPOINT_SHARE: Final = 0.1  # townships with a police checkpoint
INACTIVE_VILLAGE_SHARE: Final = 0.02  # villages merged away but kept, inactive

K = OrgUnit.Kind
IK = Institution.Kind

# Units of each kind in one county, as designed above.
COUNTY_UNITS: Final[dict[str, int]] = {
    K.COUNTY: 1,
    K.TOWNSHIP: TOWNSHIPS_PER_COUNTY,
    K.COMMUNITY: SEAT_COMMUNITIES + (TOWNSHIPS_PER_COUNTY - 1) * COMMUNITIES_PER_TOWNSHIP,
    K.VILLAGE: SEAT_VILLAGES + (TOWNSHIPS_PER_COUNTY - 1) * VILLAGES_PER_TOWNSHIP,
    K.COMPOUND: SEAT_COMMUNITIES * COMPOUNDS_PER_SEAT_COMMUNITY,
}

_STEM_FIRST = "东西南北中新红青白金石沙黄绿和永安长太丰宝福兴富阳清乐"
_STEM_SECOND = "山河泉沟湾岭坪台营堡屯庄园桥湖林坡梁峪口川渠滩源井"
_COMPOUND_STEMS = ("幸福", "阳光", "和谐", "锦绣", "康乐", "馨园", "丽景", "金色", "翠苑", "书香")


@dataclass
class Node:
    """One planned unit, with its institutions (kind, name) and its children."""

    kind: str
    name: str
    division_code: str | None
    sort_order: int = 0
    is_active: bool = True
    institutions: list[tuple[str, str]] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


def expected_unit_counts(scale: Scale) -> dict[str, int]:
    """Units of each kind the design gives for ``scale``."""
    counties = {"county": 1, "prefecture": COUNTIES_IN_PREFECTURE_SCALE, "province": sum(COUNTIES_PER_PREFECTURE)}
    counts = {kind: n * counties[scale] for kind, n in COUNTY_UNITS.items()}
    if scale == "prefecture":
        counts[K.PREFECTURE] = 1
    elif scale == "province":
        counts[K.PREFECTURE] = len(COUNTIES_PER_PREFECTURE)
        counts[K.PROVINCE] = 1
    return counts


def count_kinds(root: Node) -> dict[str, int]:
    return dict(Counter(node.kind for node in root.walk()))


class _Planner:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def stem(self, taken: set[str]) -> str:
        """A two-character place-name stem not yet used among these siblings."""
        while True:
            stem = self.rng.choice(_STEM_FIRST) + self.rng.choice(_STEM_SECOND)
            if stem not in taken:
                taken.add(stem)
                return stem

    def province(self) -> Node:
        name = self.stem(set()) + "省"
        node = Node(K.PROVINCE, name, f"{PROVINCE_CODE}0000000000", institutions=self.health_offices(name))
        taken: set[str] = set()
        for order, counties in enumerate(COUNTIES_PER_PREFECTURE):
            node.children.append(self.prefecture(f"{PROVINCE_CODE}{order + 1:02d}", counties, order, taken))
        return node

    def prefecture(self, code4: str, counties: int, order: int = 0, taken: set[str] | None = None) -> Node:
        name = self.stem(set() if taken is None else taken) + self.rng.choice(("市", "市", "地区"))
        node = Node(K.PREFECTURE, name, f"{code4}00000000", order, institutions=self.health_offices(name))
        siblings: set[str] = set()
        for i in range(counties):
            node.children.append(self.county(f"{code4}{21 + i:02d}", i, siblings))
        return node

    def county(self, code6: str, order: int = 0, taken: set[str] | None = None) -> Node:
        name = self.stem(set() if taken is None else taken) + self.rng.choice(("县", "县", "县", "市"))
        institutions = [*self.health_offices(name), (IK.GARRISON, f"{name}人民武装部")]
        node = Node(K.COUNTY, name, f"{code6}000000", order, institutions=institutions)
        siblings: set[str] = set()
        towns = rural = 0
        for i in range(TOWNSHIPS_PER_COUNTY):
            is_town = i == 0 or self.rng.random() < 0.6
            if is_town:
                code3, towns = f"{100 + towns}", towns + 1
            else:
                code3, rural = f"{200 + rural}", rural + 1
            suffix = "镇" if is_town else "乡"
            node.children.append(self.township(f"{code6}{code3}", suffix, seat=i == 0, order=i, taken=siblings))
        return node

    def township(self, code9: str, suffix: str, *, seat: bool, order: int, taken: set[str]) -> Node:
        name = self.stem(taken) + suffix
        institutions = [(IK.MEDICAL, f"{name}卫生院")]
        if self.rng.random() < CHECKPOINT_SHARE:
            institutions.append((IK.POLICE_CHECKPOINT, f"{name}公安检查站"))
        node = Node(K.TOWNSHIP, name, f"{code9}000", order, institutions=institutions)
        communities = SEAT_COMMUNITIES if seat else COMMUNITIES_PER_TOWNSHIP
        villages = SEAT_VILLAGES if seat else VILLAGES_PER_TOWNSHIP
        siblings: set[str] = set()
        for i in range(communities):
            community = Node(K.COMMUNITY, self.stem(siblings) + "社区", f"{code9}{1 + i:03d}", i)
            if seat:
                for j in range(COMPOUNDS_PER_SEAT_COMMUNITY):
                    stem = self.rng.choice(_COMPOUND_STEMS)
                    community.children.append(Node(K.COMPOUND, f"{stem}{j + 1}号小区", None, j))
            node.children.append(community)
        for i in range(villages):
            active = self.rng.random() >= INACTIVE_VILLAGE_SHARE
            code = f"{code9}{201 + i:03d}"
            node.children.append(Node(K.VILLAGE, self.stem(siblings) + "村", code, communities + i, active))
        return node

    @staticmethod
    def health_offices(name: str) -> list[tuple[str, str]]:
        return [
            (IK.MEDICAL, f"{name}人民医院"),
            (IK.MEDICAL, f"{name}疾病预防控制中心"),
            (IK.DEPARTMENT, f"{name}卫生健康委员会"),
        ]


def plan(scale: Scale | str, seed: int = DEFAULT_SEED) -> Node:
    """The tree ``generate`` would write, in memory."""
    planner = _Planner(seed)
    if scale == "county":
        return planner.county(f"{PROVINCE_CODE}0121")
    if scale == "prefecture":
        return planner.prefecture(f"{PROVINCE_CODE}01", COUNTIES_IN_PREFECTURE_SCALE)
    if scale == "province":
        return planner.province()
    raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")


BATCH_SIZE: Final = 1000  # bulk_update builds a CASE per batch: keep batches small

# Names repeat a lot (a few hundred stems, a few suffixes): work out each one's pinyin once.
_pinyin = functools.cache(pinyin_keys)


@transaction.atomic
def write(root: Node) -> OrgUnit:
    """Write a planned tree level by level and return the root unit."""
    level: list[tuple[Node, OrgUnit | None]] = [(root, None)]
    institutions: list[Institution] = []
    depth = 0
    top: OrgUnit | None = None
    while level:
        units = []
        for index, (node, parent) in enumerate(level):
            initials, full = _pinyin(node.name)
            units.append(
                OrgUnit(
                    parent=parent,
                    kind=node.kind,
                    name=node.name,
                    division_code=node.division_code,
                    sort_order=node.sort_order,
                    is_active=node.is_active,
                    depth=depth,
                    path=f"new-{depth}-{index}",  # unique until the id is known
                    pinyin_initials=initials,
                    pinyin_full=full,
                )
            )
        OrgUnit.objects.bulk_create(units, batch_size=BATCH_SIZE)
        for unit, (_, parent) in zip(units, level, strict=True):
            if unit.pk is None:
                raise RuntimeError("bulk_create did not return ids; this database is not supported")
            unit.path = (parent.path if parent else "") + path_segment(unit.pk)
        OrgUnit.objects.bulk_update(units, ["path"], batch_size=BATCH_SIZE)
        top = top or units[0]
        for unit, (node, _) in zip(units, level, strict=True):
            for kind, name in node.institutions:
                institutions.append(
                    Institution(org_unit=unit, kind=kind, name=name, pinyin_initials=_pinyin(name)[0][:150])
                )
        level = [(child, unit) for unit, (node, _) in zip(units, level, strict=True) for child in node.children]
        depth += 1
    Institution.objects.bulk_create(institutions, batch_size=BATCH_SIZE)
    assert top is not None
    return top


def generate(scale: Scale | str, seed: int = DEFAULT_SEED) -> OrgUnit:
    """Write a synthetic tree at ``scale`` (county, prefecture or province) and return its root."""
    return write(plan(scale, seed))
