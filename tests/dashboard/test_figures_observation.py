"""The observation figures stay equal to a rebuild from the cases, their timelines and their alerts, whatever is
opened, extended, released, referred, transferred or alerted, and a release shows in the county at once."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import time_machine
from django.utils import timezone

from bastion.core.models import User
from bastion.dashboard.figures import FIGURES, figure_totals, figures_verify
from bastion.observation.figures import ACTIVE, ALERTS_OPEN, KEYS
from bastion.observation.models import ObservationCase, ObservationReason
from bastion.observation.services.cases import case_extend, case_open, case_refer, case_release, case_transfer
from bastion.observation.services.checks import check_record
from bastion.reporting.models import ImmediateReport
from bastion.reporting.services.immediate import (
    immediate_report_acknowledge,
    immediate_report_close,
    immediate_reports_escalate,
)
from bastion.residents.models import Person
from tests import factories
from tests.conftest import World

START = dt.datetime(2020, 2, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
Status = ObservationCase.Status


def test_the_kept_figures_equal_a_rebuild_after_random_writes(world: World, county_admin: User) -> None:
    rng = random.Random(5)
    units = [world.village_a, world.village_b, world.compound_b, world.township_a]
    persons = [factories.person(rng.choice(units)) for _n in range(40)]
    reasons = list(ObservationReason.objects.filter(is_active=True))
    hospital = factories.designated_hospital(world.county, "木垒县人民医院")
    with time_machine.travel(START, tick=False) as clock:
        for step in range(1100):
            if step % 30 == 29:
                clock.shift(dt.timedelta(hours=rng.randint(14, 30)))
            today = timezone.localdate()
            active = list(ObservationCase.objects.filter(status=Status.ACTIVE).order_by("pk"))
            roll = rng.random()
            if roll < 0.3 or not active:
                busy = {case.person_id for case in active}
                free = [person for person in persons if person.pk not in busy]
                if free:
                    case_open(
                        by=None,
                        person=rng.choice(free),
                        reason=rng.choice(reasons),
                        start_date=today - dt.timedelta(days=rng.choice([0, 0, 1, 3])),  # some opened late
                        days=rng.randint(1, 4),
                    )
            elif roll < 0.55:
                case = rng.choice(active)
                temperature = Decimal(rng.choice(["36.5", "36.8", "37.8", "38.4"]))
                check_record(by=None, case=case, temperature=temperature)
            elif roll < 0.7:
                due = [case for case in active if case.planned_end <= today]
                if due:
                    case_release(by=county_admin, case=rng.choice(due), note="体温正常，无症状，解除观察")
            elif roll < 0.75:
                case = rng.choice(active)
                case_extend(by=county_admin, case=case, new_end=case.planned_end + dt.timedelta(days=2), reason="复查")
            elif roll < 0.8:
                case_refer(
                    by=county_admin, case=rng.choice(active), hospital=hospital, transport="ambulance", handover="发热"
                )
            elif roll < 0.88:
                case = rng.choice(active)
                others = [unit for unit in units if unit.pk != case.org_unit_id]
                if rng.random() < 0.8:
                    case_transfer(by=county_admin, case=case, to_unit=rng.choice(others), reason="搬家")
                else:
                    case_transfer(by=county_admin, case=case, outside="乌鲁木齐市", reason="返回乌鲁木齐")
            else:
                alerts = list(ImmediateReport.objects.exclude(state=ImmediateReport.State.CLOSED).order_by("pk"))
                if alerts:
                    alert = rng.choice(alerts)
                    if alert.state == ImmediateReport.State.OPEN and rng.random() < 0.3:
                        immediate_report_acknowledge(by=county_admin, report=alert)
                    else:
                        immediate_report_close(by=county_admin, report=alert, outcome="复测体温正常")
                immediate_reports_escalate()
    ended = ObservationCase.objects.exclude(status=Status.ACTIVE)
    assert ended.count() > 20 and ended.filter(status=Status.TRANSFERRED).exists()
    assert ObservationCase.objects.filter(events__kind="transferred", events__from_unit__isnull=False).count() > 10
    assert ImmediateReport.objects.filter(category__code="observation_alert", state="closed").count() > 10
    assert len({day for _unit, day in FIGURES[ACTIVE].recompute()}) > 8
    assert figures_verify(KEYS) == {}


def test_a_release_takes_the_person_off_the_countys_figure_and_a_fever_opens_an_alert(
    world: World, county_admin: User
) -> None:
    today = timezone.localdate()
    person: Person = factories.person(world.village_a)
    before = figure_totals(world.county, KEYS, today, today)
    case = factories.observation_case(person, start_date=today - dt.timedelta(days=13), days=14)
    assert figure_totals(world.county, KEYS, today, today)[ACTIVE] == before[ACTIVE] + 1
    assert figure_totals(world.township_b, [ACTIVE], today, today)[ACTIVE] == 0
    check = check_record(by=None, case=case, temperature=Decimal("38.2"))
    assert figure_totals(world.township_a, [ALERTS_OPEN], today, today)[ALERTS_OPEN] == 1
    assert check.alert is not None
    immediate_report_close(by=county_admin, report=check.alert, outcome="复测体温正常")
    case_release(by=county_admin, case=case, note="体温正常，无症状，解除观察")
    assert figure_totals(world.county, KEYS, today, today) == before
    yesterday = today - dt.timedelta(days=1)
    assert figure_totals(world.county, [ACTIVE], yesterday, yesterday)[ACTIVE] == before[ACTIVE] + 1
