"""The demo county's mobilisation, as the report of February 2020 tells it: 3,359 party members and cadres
reported to the villages in 4 batches (292 leaders, 1,068 agency and village cadres, 1,999 farmer and
herder members), 455 seconded, vanguard and commando teams, county leaders answering for the townships,
and a week's roster at the highway exit. Every figure on the pages is counted from these records."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from bastion.checkpoints.models import Post
from bastion.core.demo import demo_accounts
from bastion.core.models import OrgUnit, User
from bastion.core.services.audit import audit_record
from bastion.mobilization.models import (
    Assignment,
    Batch,
    DutyType,
    LeaderAssignment,
    Responder,
    ResponderCategory,
    Secondment,
    ShiftTurn,
    Team,
    TeamKind,
)
from bastion.mobilization.services.attendance import turn_check_in
from bastion.mobilization.services.roster import shift_pattern_save
from bastion.residents.validation import name_keys

REPORTED = {"leader": 292, "cadre": 1068, "farmer_herder": 1999}  # 3,359
BATCHES = [(1, 820), (2, 900), (3, 880), (4, 759)]  # reported per batch, 3,359 in all
IN_COMPOUNDS = 1_512  # of the first batches, sent down into the 21 residential compounds (over 1,500)
NOT_YET = 36  # of the fourth batch, still to report (six of them absent)
SECONDED = {"four_in_one": 126, "hq": 48, "screening": 151, "checkpoint": 64, "contact": 33, "supervision": 33}  # 455
VOLUNTEERS = 60
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = [
    "建国",
    "建军",
    "志强",
    "秀英",
    "桂英",
    "玉兰",
    "海燕",
    "文明",
    "国庆",
    "红梅",
    "新华",
    "晓东",
    "丽娜",
    "军",
    "勇",
    "静",
]


def _names() -> itertools.cycle[str]:
    return itertools.cycle(s + g for g in GIVEN for s in SURNAMES)


def demo_mobilization(county: OrgUnit) -> None:
    """Idempotent: nothing is added once the county has a responder."""
    if Responder.objects.filter(org_unit__path__startswith=county.path).exists():
        return
    importlib.import_module("bastion.mobilization.migrations.0002_defaults").add_defaults(apps, None)
    with transaction.atomic():
        _build(county)


def _build(county: OrgUnit) -> None:
    demo_accounts(county)
    admin = User.objects.get(username="admin")
    villages = list(
        OrgUnit.objects.filter(
            path__startswith=county.path, kind__in=[OrgUnit.Kind.VILLAGE, OrgUnit.Kind.COMMUNITY]
        ).order_by("path")
    )
    townships = list(county.children.filter(kind=OrgUnit.Kind.TOWNSHIP).order_by("division_code"))
    compounds = list(OrgUnit.objects.filter(path__startswith=county.path, kind=OrgUnit.Kind.COMPOUND).order_by("path"))
    categories = {c.code: c for c in ResponderCategory.objects.all()}
    names = _names()
    phones = itertools.count(13_990_000_001)
    plan = [code for code, count in REPORTED.items() for _i in range(count)]
    plan += ["cadre"] * NOT_YET + ["volunteer"] * VOLUNTEERS
    responders = []
    for index, code in enumerate(plan):
        name = next(names)
        initials, pinyin = name_keys(name)
        home = county if code == "leader" else villages[index % len(villages)]
        responders.append(
            Responder(
                org_unit=home,
                name=name,
                name_initials=initials,
                name_pinyin=pinyin,
                phone=str(next(phones)),
                category=categories[code],
                skills="驾驶" if index % 17 == 0 else "",
            )
        )
    Responder.objects.bulk_create(responders, batch_size=1000)
    responders = list(Responder.objects.filter(org_unit__path__startswith=county.path).order_by("pk"))
    members = [r for r in responders if r.category.code != "volunteer"]
    reported, waiting = members[: sum(REPORTED.values())], members[sum(REPORTED.values()) :]
    today = timezone.localdate()
    start = today - dt.timedelta(days=28)
    assignments: list[Assignment] = []
    offset = 0
    for number, size in BATCHES:
        report_by = start + dt.timedelta(days=7 * number)
        batch = Batch.objects.create(
            org_unit=county, number=number, name=f"第{number}批", report_by=report_by, created_by=admin
        )
        reported_at = timezone.make_aware(dt.datetime.combine(report_by - dt.timedelta(days=1), dt.time(10)))
        for i, person in enumerate(reported[offset : offset + size]):
            n = offset + i
            assignments.append(
                Assignment(
                    batch=batch,
                    responder=person,
                    unit=compounds[n % len(compounds)]
                    if compounds and n < IN_COMPOUNDS
                    else villages[n % len(villages)],
                    status=Assignment.Status.REPORTED,
                    reported_at=reported_at,
                    method=Assignment.Method.QR if i % 3 else Assignment.Method.CADRE,
                )
            )
        offset += size
    last = Batch.objects.get(org_unit=county, number=BATCHES[-1][0])
    for i, person in enumerate(waiting):
        absent = i < 6
        assignments.append(
            Assignment(
                batch=last,
                responder=person,
                unit=villages[i % len(villages)],
                status=Assignment.Status.ABSENT if absent else Assignment.Status.PENDING,
                absence_reason="因病住院" if absent else "",
            )
        )
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    _second(county, townships, villages, reported, admin, start)
    _teams(townships, villages, reported)
    _leaders(townships, responders, start)
    _roster(county, responders)
    audit_record(
        by=None,
        action="mobilization.demo",
        org_unit=county,
        object_type="mobilization.responder",
        summary={"responders": len(responders), "assignments": len(assignments)},
    )


def _second(
    county: OrgUnit,
    townships: list[OrgUnit],
    villages: list[OrgUnit],
    reported: list[Responder],
    admin: User,
    start: dt.date,
) -> None:
    duties = {d.code: d for d in DutyType.objects.all()}
    pool = iter(r for r in reported if r.category.code in ("leader", "cadre"))
    rows = []
    for code, count in SECONDED.items():
        for i in range(count):
            unit = (
                county
                if code == "hq"
                else townships[i % len(townships)]
                if code in ("checkpoint", "supervision")
                else villages[i % len(villages)]
            )
            rows.append(
                Secondment(
                    responder=next(pool), duty_type=duties[code], org_unit=unit, starts_on=start, created_by=admin
                )
            )
    Secondment.objects.bulk_create(rows)


def _teams(townships: list[OrgUnit], villages: list[OrgUnit], reported: list[Responder]) -> None:
    kinds = {k.code: k for k in TeamKind.objects.all()}
    farmers = [r for r in reported if r.category.code == "farmer_herder"]
    for index, (code, name, unit) in enumerate(
        [
            ("vanguard", "县直机关党员先锋队", townships[0]),
            ("commando", "防疫消杀突击队", townships[0]),
            ("service", f"{villages[0].display_name}服务小分队", villages[0]),
        ]
    ):
        members = farmers[index * 12 : index * 12 + 12]
        team = Team.objects.create(
            kind=kinds[code], name=name, org_unit=unit, leader=members[0], tasks="入户排查、卡点值守、物资配送"
        )
        team.members.set(members)


def _leaders(townships: list[OrgUnit], responders: list[Responder], start: dt.date) -> None:
    leaders = [r for r in responders if r.category.code == "leader"]
    LeaderAssignment.objects.bulk_create(
        LeaderAssignment(leader=leaders[i % len(leaders)], org_unit=township, starts_on=start)
        for i, township in enumerate(townships)
    )


def _roster(county: OrgUnit, responders: list[Responder]) -> None:
    """A day, an evening and a night shift every day at the highway exit; the checkpoint account leads the day."""
    post = Post.objects.filter(org_unit__path__startswith=county.path, kind=Post.Kind.HIGHWAY_EXIT).first()
    admin = User.objects.filter(username="admin").first()
    if post is None or admin is None:
        return
    crew = [r for r in responders if r.category.code == "volunteer"][:9]
    lead = crew[0]
    lead.user = User.objects.filter(username="checkpoint").first()
    lead.save(update_fields=["user"])
    for weekday in range(7):
        for (starts, ends), people in zip(
            [(dt.time(8), dt.time(16)), (dt.time(16), dt.time(0)), (dt.time(0), dt.time(8))],
            [crew[0:3], crew[3:6], crew[6:9]],
            strict=True,
        ):
            shift_pattern_save(
                by=admin,
                pattern=None,
                org_unit=post.org_unit,
                post=post,
                weekday=weekday,
                starts_at=starts,
                ends_at=ends,
                lead=people[0],
                members=people[1:],
            )
    now = timezone.now()
    under_way = ShiftTurn.objects.filter(shift__post=post, shift__starts_at__lte=now, shift__ends_at__gt=now)
    for turn in under_way.exclude(responder=crew[2]).exclude(responder=crew[5]).exclude(responder=crew[8]):
        turn_check_in(by=None, turn=turn)
