"""The demo county's returnees: a few per village, a four-round campaign with its first round under way."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
from decimal import Decimal

from django.apps import apps
from stdnum.cn import ric

from bastion.core.demo import demo_accounts
from bastion.core.models import OrgUnit, User
from bastion.residents.models import Campaign, CategoryTag, Outcome, Person, TravelEntry
from bastion.residents.services.screening import campaign_create, round_open, visit_record
from bastion.residents.validation import name_keys

SURNAMES = "张王李赵刘陈杨黄马周吴徐孙胡朱高林何郭罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞"]
ORIGINS = [("湖北省武汉市", "420100"), ("乌鲁木齐市", "650100"), ("陕西省西安市", "610100"), ("昌吉市", "652301")]
PER_VILLAGE = 6


def _id_number(serial: int, birth: dt.date) -> str:
    body = f"652328{birth:%Y%m%d}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def demo_residents(county: OrgUnit) -> None:
    """Idempotent: nothing is added once the demo campaign exists."""
    if Campaign.objects.filter(org_unit=county).exists():
        return
    villages = list(
        OrgUnit.objects.filter(
            path__startswith=county.path, kind__in=[OrgUnit.Kind.VILLAGE, OrgUnit.Kind.COMMUNITY], is_active=True
        ).order_by("path")
    )
    defaults = importlib.import_module("bastion.residents.migrations.0002_default_tags_and_symptoms")
    defaults.add_defaults(apps, None)  # the categories the migration adds, in case a flush removed them
    tags = {t.code: t for t in CategoryTag.objects.all()}
    serial = itertools.count(1)
    for village in villages:
        for n in range(PER_VILLAGE):
            number = next(serial)
            name = SURNAMES[number % len(SURNAMES)] + GIVEN[number % len(GIVEN)]
            birth = dt.date(1970 + number % 30, 1 + number % 12, 1 + number % 28)
            initials, full = name_keys(name)
            person = Person.objects.create(
                org_unit=village,
                name=name,
                name_initials=initials,
                name_pinyin=full,
                id_number=_id_number(number, birth),
                birth_date=birth,
                sex="M" if number % 2 else "F",
                phone=f"1389911{number:04d}",
                address=f"{1 + n // 3}组{3 + n * 2}号",
            )
            person.tags.add(tags["college_student" if n == 0 else "migrant_worker" if n < 4 else "other_returnee"])
            region, code = ORIGINS[number % len(ORIGINS)]
            TravelEntry.objects.create(
                person=person,
                from_region=region,
                from_division_code=code,
                arrival_date=dt.date(2020, 1, 12) + dt.timedelta(days=number % 20),
                mode=TravelEntry.Mode.TRAIN if n % 2 else TravelEntry.Mode.BUS,
                transport_number=f"K{1000 + number}" if n % 2 else "",
            )
    demo_accounts(county)
    hq = User.objects.get(username="hq")
    campaign = campaign_create(
        by=hq,
        org_unit=county,
        name="1月10日以来返乡人员地毯式排查",
        tags=[tags["college_student"], tags["migrant_worker"], tags["other_returnee"]],
        arrived_from=dt.date(2020, 1, 10),
    )
    first = campaign.rounds.get(number=1)
    round_open(by=hq, screening_round=first)
    for index, task in enumerate(first.tasks.select_related("org_unit").order_by("org_unit__path", "pk")):
        if index % 3 == 2:
            continue  # still to visit today
        found = index % 11 != 4
        fever = found and index % 23 == 5
        visit_record(
            by=None,
            task=task,
            found=found,
            outcome=Outcome.REFERRAL if fever else Outcome.NO_RISK if found else Outcome.NOT_FOUND,
            temperature=Decimal("37.9") if fever else Decimal("36.5"),
        )
