"""The demo county's publicity and inspections, as the report of February 2020 tells them: bilingual notices
(the letter to people returning from Hubei, the designated hospital), a week of loudspeakers, vehicles,
phone calls, WeChat groups, banners, leaflets, TV, the internet and face-to-face briefings in every village
and community adding up to over 33,000 person-times, checks of the hospital, the bus station, the mall and
the supermarkets with a rectification, daily disinfection, and a funeral held simply."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from bastion.core.demo import demo_accounts
from bastion.core.models import OrgUnit, User
from bastion.outreach.models import Activity, Channel, ChecklistItem, Notice, PlaceKind, TargetGroup
from bastion.outreach.services.activities import activity_record
from bastion.outreach.services.disinfection import disinfection_record
from bastion.outreach.services.gatherings import gathering_outcome, gathering_record
from bastion.outreach.services.inspections import AnswerInput, inspection_record
from bastion.outreach.services.notices import notice_create
from bastion.outreach.services.places import place_create

DAYS = 7
# channel, target group, reach per village and run, run every how many days: the report's channels, adding up
# with the county's TV and internet and two briefings to 33,252 person-times in the 65 villages and communities
ROUTINE = [
    ("loudspeaker", "residents", 28, 1),
    ("vehicle_loudspeaker", "residents", 22, 2),
    ("phone", "returnees", 6, 2),
    ("wechat", "residents", 12, 2),
    ("banner", "residents", 15, 7),
    ("leaflet", "residents", 16, 3),
]
COUNTY_WIDE = [("tv", "residents", 600, 2), ("internet", "residents", 400, 2)]
LETTER = {
    "zh-hans": {
        "title": "致湖北返乡人员的一封信",
        "body": "亲爱的返乡朋友：\n请您返乡后主动向所在村（社区）报告，居家观察14天，每日测量体温。"
        "如有发热、咳嗽等症状，请立即联系村医，不要自行前往医院。",
    },
    "kk-arab": {
        "title": "حۋبەيدەن ورالعاندارعا حات",
        "body": "قۇرمەتتى دوستار: اۋىلعا ورالعان سوڭ اۋىل كومىتەتىنە ٴوزىڭىز حابارلاڭىز، "
        "ۇيدە 14 كۇن باقىلاۋدا بولىڭىز.",
    },
}
HOSPITAL = {
    "zh-hans": {
        "title": "关于确定县人民医院为定点救治医院的通告",
        "body": "经县疫情防控指挥部研究，确定县人民医院为新冠肺炎定点救治医院。发热病人请到发热门诊就诊。",
    },
    "ug": {
        "title": "ناھىيەلىك خەلق دوختۇرخانىسىنى بېكىتىلگەن داۋالاش دوختۇرخانىسى قىلىش توغرىسىدا ئۇقتۇرۇش",
        "body": "قىزىتمىسى بار بىمارلار قىزىتما دوختۇرخانىسىغا بېرىڭ.",
    },
}
TIPS = {
    "zh-hans": {"title": "疫情防控健康小贴士", "body": "勤洗手、戴口罩、常通风、少聚集。"},
    "kk-arab": {"title": "دەنساۋلىق كەڭەستەرى", "body": "قولدى ٴجيى جۋىڭىز، بەتپەردە تاعىڭىز."},
    "en": {"title": "Health tips", "body": "Wash your hands often, wear a mask, air your rooms, avoid gatherings."},
}


def _populations(county: OrgUnit) -> None:
    """Populations where none is set, so reach is checked against them: 900 to 2,400 per village, summed up."""
    townships = list(county.children.filter(kind=OrgUnit.Kind.TOWNSHIP))
    for township in townships:
        total = 0
        for village in township.children.filter(kind__in=[OrgUnit.Kind.VILLAGE, OrgUnit.Kind.COMMUNITY]):
            if village.population is None:
                village.population = 900 + (village.pk * 137) % 1500
                village.save(update_fields=["population"])
            total += village.population
        if township.population is None:
            township.population = total
            township.save(update_fields=["population"])
    if county.population is None:
        county.population = sum(t.population or 0 for t in townships)
        county.save(update_fields=["population"])


def _notices(county: OrgUnit, by: User) -> Notice:
    start = timezone.now() - dt.timedelta(days=DAYS)
    letter = notice_create(by=by, org_unit=county, texts=LETTER, audience="湖北返乡人员", publish_at=start)
    notice_create(by=by, org_unit=county, texts=HOSPITAL, audience="全县居民", publish_at=start)
    notice_create(by=by, org_unit=county, texts=TIPS, audience="全县居民", publish_at=start + dt.timedelta(days=3))
    return letter


def _activities(county: OrgUnit, by: User, letter: Notice, today: dt.date) -> None:
    channels = {c.code: c for c in Channel.objects.all()}
    groups = {g.code: g for g in TargetGroup.objects.all()}
    villages = list(
        OrgUnit.objects.filter(
            path__startswith=county.path, kind__in=[OrgUnit.Kind.VILLAGE, OrgUnit.Kind.COMMUNITY]
        ).order_by("path")
    )
    for ago in range(DAYS - 1, -1, -1):
        day = today - dt.timedelta(days=ago)
        for number, village in enumerate(villages):
            for channel, group, reach, every in ROUTINE:
                if (ago + number) % every == 0:
                    activity_record(
                        by=by,
                        org_unit=village,
                        on=day,
                        channel=channels[channel],
                        target_group=groups[group],
                        reach=reach + number % 7,
                        times=2 if channel == "loudspeaker" else 1,
                        materials="宣传单" if channel == "leaflet" else "",
                        notice=letter if channel in ("leaflet", "wechat") else None,
                    )
        for channel, group, reach, every in COUNTY_WIDE:
            if ago % every == 0:
                activity_record(
                    by=by, org_unit=county, on=day, channel=channels[channel], target_group=groups[group], reach=reach
                )
    seat = villages[0]
    activity_record(
        by=by,
        org_unit=seat,
        on=today - dt.timedelta(days=5),
        channel=channels["briefing"],
        target_group=groups["shop_owners"],
        reach=12,
        materials="告知书12份",
        note="商户面对面宣讲",
    )
    activity_record(
        by=by,
        org_unit=villages[-1],
        on=today - dt.timedelta(days=4),
        channel=channels["briefing"],
        target_group=groups["livestock_farmers"],
        reach=9,
        note="养殖大户面对面宣讲",
    )


def _places(county: OrgUnit, users: dict[str, User], today: dt.date) -> None:
    kinds = {k.code: k for k in PlaceKind.objects.all()}
    township = county.children.filter(kind=OrgUnit.Kind.TOWNSHIP).order_by("division_code").first() or county
    seat = township.children.order_by("division_code").first() or township
    inspector = users["group"]
    made = {
        code: place_create(
            by=None,
            org_unit=unit,
            kind=kinds[code],
            name=name,
            address=address,
            responsible_name=person,
            responsible_phone=phone,
        )
        for code, unit, name, address, person, phone in [
            ("hospital", county, "县人民医院", "人民北路", "院办", "13999400001"),
            ("bus_station", seat, "县汽车客运站", "迎宾路", "站长", "13999400002"),
            ("mall", seat, "百货商场", "人民南路", "商场经理", "13999400003"),
            ("supermarket", seat, "友好超市", "文化路", "超市店长", "13999400004"),
            ("market", seat, "农贸市场", "东城路", "市场管理员", "13999400005"),
        ]
    }
    now = timezone.now()
    for code, place in made.items():
        for ago in (2, 1) if code != "market" else (3,):
            disinfection_record(
                by=inspector,
                org_unit=place.org_unit,
                place=place,
                agent="84消毒液",
                concentration="500mg/L",
                done_at=now - dt.timedelta(days=ago),
                done_by="消杀小组",
            )

    def answers(place_kind: PlaceKind, failed: set[str]) -> list[AnswerInput]:
        items = ChecklistItem.objects.filter(place_kind=place_kind, is_active=True)
        return [
            AnswerInput(item, item.code not in failed, "入口无人测温" if item.code in failed else "") for item in items
        ]

    supermarket = made["supermarket"]
    first = inspection_record(
        by=inspector,
        place=supermarket,
        inspected_at=now - dt.timedelta(days=2),
        inspectors="督导组 赵志强",
        answers=answers(supermarket.kind, {"temperature"}),
        rectify_by=today,
    )
    inspection_record(
        by=inspector,
        place=supermarket,
        inspected_at=now - dt.timedelta(hours=20),
        inspectors="督导组 赵志强",
        answers=answers(supermarket.kind, set()),
        follows=first,
    )
    for code in ("hospital", "bus_station"):
        place = made[code]
        inspection_record(
            by=inspector,
            place=place,
            inspected_at=now - dt.timedelta(days=1),
            inspectors="督导组",
            answers=answers(place.kind, set()),
        )
    mall = made["mall"]
    inspection_record(
        by=inspector,
        place=mall,
        inspected_at=now - dt.timedelta(hours=5),
        inspectors="督导组",
        answers=answers(mall.kind, {"registration"}),
        rectify_by=today + dt.timedelta(days=1),
    )


def _gatherings(village: OrgUnit, by: User, today: dt.date) -> None:
    funeral = gathering_record(
        by=by,
        org_unit=village,
        kind="funeral",
        family="马建国",
        planned_on=today - dt.timedelta(days=3),
        expected_size=80,
        guidance="劝导丧事简办，不设宴席，亲属控制在15人以内，全程佩戴口罩。",
    )
    gathering_outcome(by=by, gathering=funeral, outcome="held_simply", actual_size=12, outcome_note="仅直系亲属参加")
    wedding = gathering_record(
        by=by,
        org_unit=village,
        kind="wedding",
        family="李文明",
        planned_on=today + dt.timedelta(days=10),
        expected_size=200,
        guidance="建议推迟至疫情结束后举办。",
    )
    gathering_outcome(by=by, gathering=wedding, outcome="postponed", outcome_note="家属同意推迟")


@transaction.atomic
def demo_outreach(county: OrgUnit) -> None:
    """Idempotent: nothing is added once the county has a notice."""
    if Notice.objects.filter(org_unit=county).exists() or Activity.objects.filter(org_unit=county).exists():
        return
    importlib.import_module("bastion.outreach.migrations.0002_defaults").add_defaults(apps, None)
    demo_accounts(county)
    users = {user.username: user for user in User.objects.filter(username__in=["hq", "group", "village"])}
    today = timezone.localdate()
    _populations(county)
    letter = _notices(county, users["group"])
    _activities(county, users["hq"], letter, today)
    _places(county, users, today)
    village = users["village"].scope_units.first() or county
    _gatherings(village, users["village"], today)
