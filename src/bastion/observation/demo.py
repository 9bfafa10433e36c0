"""The demo county's home observation: cases in their second week, checks (one missed, one fever alert),
a release, a referral to the designated hospital, deliveries and people in difficulty."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from bastion.core.demo import COUNTY_MEDICAL
from bastion.core.models import Institution, OrgUnit, User
from bastion.observation.models import (
    CareCategory,
    HealthCheck,
    IsolationSite,
    NeedItem,
    ObservationCase,
    ObservationReason,
)
from bastion.observation.schedule import day_slots, minutes_of
from bastion.observation.services.care import care_person_save, delivery_assign, delivery_request_create
from bastion.observation.services.cases import case_open, case_refer, case_release
from bastion.observation.services.checks import check_record
from bastion.residents.models import Person

CASES = 12


def demo_observation(county: OrgUnit) -> None:
    """Idempotent: nothing is added once a case exists."""
    if ObservationCase.objects.exists():
        return
    defaults = importlib.import_module("bastion.observation.migrations.0002_defaults")
    defaults.add_defaults(apps, None)  # the lists the migration adds, in case a flush removed them
    hospital = Institution.objects.filter(org_unit=county, name=COUNTY_MEDICAL[0]).first()
    if hospital is not None:
        Institution.objects.filter(pk=hospital.pk).update(designated=True)
        hospital.designated = True
    site, _created = IsolationSite.objects.get_or_create(
        org_unit=county, name="县集中医学观察点", defaults={"address": "县城迎宾路1号", "rooms": 40, "capacity": 40}
    )
    hq = User.objects.get(username="hq")
    now = timezone.now()
    today = timezone.localdate(now)
    persons = _spread(county)
    reasons = {r.code: r for r in ObservationReason.objects.all()}
    cases = []
    for index, person in enumerate(persons[:CASES]):
        start = today - dt.timedelta(days=(13 if index == CASES - 1 else 12 - index % 10))
        opened = timezone.make_aware(dt.datetime.combine(start, dt.time(7, 0)))
        case = case_open(
            by=None,
            person=person,
            reason=reasons["close_contact" if index % 4 == 1 else "returnee"],
            start_date=start,
            place=ObservationCase.Place.SITE if index % 6 == 5 else ObservationCase.Place.HOME,
            site=site if index % 6 == 5 else None,
            room=f"{200 + index}" if index % 6 == 5 else "",
            now=opened,
        )
        _past_checks(case, opened, now, skip_every=7 + index)
        cases.append(case)
    check_record(by=None, case=cases[1], temperature=Decimal("37.9"), note="自述乏力")
    if hospital is not None:
        case_refer(
            by=hq, case=cases[-2], hospital=hospital, transport="ambulance", handover="发热38.6℃，咳嗽，由村医陪同"
        )
    case_release(by=hq, case=cases[-1], note="观察期满，体温正常，无发热、咳嗽等症状，解除居家医学观察。")
    items = {i.code: i for i in NeedItem.objects.all()}
    for case in (cases[0], cases[2], cases[4]):
        request = delivery_request_create(
            by=None,
            person=case.person,
            lines=[(items["vegetables"], 3), (items["disinfectant"], 1)],
            note="家中蔬菜不足",
        )
        if case is cases[2]:
            delivery_assign(by=None, request=request, assignee=None, assignee_name="党员志愿服务队")
    categories = {c.code: c for c in CareCategory.objects.all()}
    for person, code in zip(persons[CASES : CASES + 2], ("elderly_alone", "disabled"), strict=False):
        care_person_save(
            by=None,
            person=person,
            categories=[categories[code]],
            needs="每日送菜，测量血压",
            next_contact_due=today,
        )


def _spread(county: OrgUnit) -> list[Person]:
    """Three persons of the demo doctor's village, then one person of each unit in turn."""
    doctor = User.objects.filter(username="doctor").prefetch_related("scope_units").first()
    first = {unit.pk for unit in doctor.scope_units.all()} if doctor else set()
    by_unit: dict[int, list[Person]] = {}
    for person in Person.objects.filter(org_unit__path__startswith=county.path).order_by("org_unit__path", "pk"):
        by_unit.setdefault(person.org_unit_id, []).append(person)
    spread = [by_unit[pk].pop(0) for pk in first if pk in by_unit for _n in range(3) if by_unit[pk]]
    units = list(by_unit)
    while any(by_unit.values()):
        spread += [by_unit[pk].pop(0) for pk in units if by_unit[pk]]
    return spread


def _past_checks(case: ObservationCase, opened: dt.datetime, now: dt.datetime, skip_every: int) -> None:
    """A check near every slot that is over, but for a few missed; normal temperatures."""
    minutes = minutes_of(case.times)
    checks = []
    day, count = case.start_date, 0
    while day <= timezone.localdate(now):
        for slot in day_slots(day, minutes):
            if slot.at < opened or slot.at + dt.timedelta(minutes=30) > now:
                continue
            count += 1
            if count % skip_every == 0:
                continue
            checks.append(
                HealthCheck(
                    case=case,
                    org_unit=case.org_unit,
                    taken_at=slot.at + dt.timedelta(minutes=20),
                    temperature=Decimal("36.0") + Decimal(count % 8) / 10,
                )
            )
        day += dt.timedelta(days=1)
    HealthCheck.objects.bulk_create(checks)
