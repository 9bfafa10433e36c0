"""Build a county from official division codes, and complete the demo county.

Everything here is idempotent: a unit whose division code exists, an
institution whose name exists at its unit, an account whose user name exists,
are left as they are. Running `bastion init` twice duplicates nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from bastion.core.divisions import Division, county_divisions
from bastion.core.models import Institution, OrgUnit, User
from bastion.core.roles import roles_sync
from bastion.core.services.accounts import user_create
from bastion.core.services.orgunits import institution_create, orgunit_create

Progress = Callable[[str], None]
CN_NUMERALS = "一二三四五六七八九十"


@dataclass
class InitResult:
    county: OrgUnit
    created: int
    existing: int


def _walk(division: Division) -> Iterator[tuple[Division, Division | None]]:
    yield division, None
    for child in division.children:
        yield child, division
        for grandchild in child.children:
            yield grandchild, child


def county_build(code: str, progress: Progress | None = None) -> InitResult:
    """Create (or complete) a county's tree from the official codes."""
    county = county_divisions(code)
    created = existing = 0
    by_code = {u.division_code: u for u in OrgUnit.objects.filter(division_code__startswith=county.code[:6])}
    with transaction.atomic():
        for order, (division, parent) in enumerate(_walk(county)):
            if division.code in by_code:
                existing += 1
            else:
                by_code[division.code] = orgunit_create(
                    by=None,
                    parent=by_code[parent.code] if parent else None,
                    kind=division.kind,
                    name=division.name,
                    short_name=division.display_name if division.display_name != division.name else "",
                    division_code=division.code,
                    sort_order=order,
                )
                created += 1
            if progress:
                progress(division.display_name)
    return InitResult(county=by_code[county.code], created=created, existing=existing)


def count_divisions(code: str) -> int:
    return sum(1 for _ in _walk(county_divisions(code)))


DEPARTMENTS = [
    "县委办公室",
    "县人民政府办公室",
    "县委组织部",
    "县委宣传部",
    "县纪委监委",
    "县卫生健康委员会",
    "县公安局",
    "县教育局",
    "县民政局",
    "县财政局",
    "县交通运输局",
    "县市场监督管理局",
    "县商务和工业信息化局",
    "县农业农村局",
    "县住房和城乡建设局",
    "县文化体育广播电视和旅游局",
    "县人力资源和社会保障局",
    "县应急管理局",
    "县自然资源局",
    "县生态环境分局",
]
COUNTY_MEDICAL = ["县人民医院（定点救治医院）", "县中医医院", "县疾病预防控制中心", "县妇幼保健院"]


def _ensure_unit(parent: OrgUnit, kind: str, name: str, order: int) -> OrgUnit:
    unit = OrgUnit.objects.filter(parent=parent, name=name).first()
    return unit or orgunit_create(by=None, parent=parent, kind=kind, name=name, sort_order=order)


def _ensure_institution(unit: OrgUnit, kind: str, name: str) -> None:
    if not Institution.objects.filter(org_unit=unit, name=name).exists():
        institution_create(by=None, org_unit=unit, kind=kind, name=name)


@transaction.atomic
def demo_complete(county: OrgUnit) -> None:
    """Add the 21 compounds and the institutions of domain.md (generated names where the report names none)."""
    townships = list(county.children.filter(kind=OrgUnit.Kind.TOWNSHIP).order_by("division_code"))
    seat = townships[0]
    communities = list(seat.children.filter(kind=OrgUnit.Kind.COMMUNITY).order_by("division_code"))
    for index in range(21):
        community = communities[index % len(communities)]
        number = index // len(communities) + 1
        _ensure_unit(
            community, OrgUnit.Kind.COMPOUND, f"{community.display_name}{CN_NUMERALS[number - 1]}号小区", number
        )
    for name in DEPARTMENTS:
        _ensure_institution(county, Institution.Kind.DEPARTMENT, name)
    for name in COUNTY_MEDICAL:
        _ensure_institution(county, Institution.Kind.MEDICAL, name)
    for township in townships:
        _ensure_institution(township, Institution.Kind.MEDICAL, f"{township.display_name}卫生院")
    villages = list(OrgUnit.objects.filter(parent__in=townships).order_by("division_code"))[
        : 78 - len(COUNTY_MEDICAL) - len(townships)
    ]
    for village in villages:
        suffix = "社区卫生服务站" if village.kind == OrgUnit.Kind.COMMUNITY else "卫生室"
        _ensure_institution(village, Institution.Kind.MEDICAL, f"{village.display_name}{suffix}")
    for number in range(3):
        _ensure_institution(county, Institution.Kind.GARRISON, f"驻县部队{CN_NUMERALS[number]}（示例）")
    for township in townships[:7]:
        _ensure_institution(township, Institution.Kind.POLICE_CHECKPOINT, f"{township.display_name}公安检查站")


def demo_accounts(county: OrgUnit) -> list[tuple[str, str, str]]:
    """Demo accounts, one per role: (user name, role, scope). Passwords: settings.DEMO_PASSWORD."""
    roles_sync()
    townships = list(county.children.filter(kind=OrgUnit.Kind.TOWNSHIP).order_by("division_code"))
    village = townships[1].children.order_by("division_code").first() or townships[1]
    compound = OrgUnit.objects.filter(kind=OrgUnit.Kind.COMPOUND, path__startswith=county.path).order_by("path").first()
    plan = [
        ("admin", "county_admin", county, "县指挥部管理员"),
        ("hq", "hq_staff", county, "指挥部工作人员"),
        ("group", "working_group", county, "工作组成员"),
        ("township", "township_cadre", townships[0], f"{townships[0].display_name}干部"),
        ("village", "village_cadre", village, f"{village.display_name}干部"),
        ("checkpoint", "checkpoint_staff", townships[0], "卡点值班人员"),
        ("volunteer", "volunteer", compound or townships[0], "志愿者"),
        ("doctor", "doctor", village, f"{village.display_name}村医"),
        ("observer", "observer", county, "观察员"),
    ]
    accounts = []
    for username, role, unit, display_name in plan:
        if not User.objects.filter(username=username).exists():
            user_create(
                by=None,
                username=username,
                password=settings.DEMO_PASSWORD,
                role=role,
                scope_units=[unit],
                display_name=display_name,
            )
        accounts.append((username, role, unit.display_name))
    return accounts
