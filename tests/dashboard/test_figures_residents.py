"""The screening figures stay equal to a rebuild from the rounds, tasks and visits, whatever is opened, visited
(late, or handed to another unit), explained or closed, and a visit shows in the county at once."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import time_machine
from django.utils import timezone

from bastion.core.models import OrgUnit, User
from bastion.dashboard.figures import FIGURES, figure_totals, figures_verify
from bastion.residents.figures import KEYS, ROUND_TARGETS, ROUND_VISITED, VISITS
from bastion.residents.models import Campaign, Outcome, ScreeningRound, Visit, VisitTask
from bastion.residents.services.screening import campaign_create, round_close, round_open, task_explain, visit_record
from tests import factories
from tests.conftest import World

START = dt.datetime(2020, 2, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
Status = ScreeningRound.Status
FOUND = [Outcome.NO_RISK, Outcome.NO_RISK, Outcome.HOME_OBSERVATION, Outcome.REFERRAL, Outcome.MOVED_AWAY]
NOT_SEEN = [Outcome.NOT_FOUND, Outcome.NOT_FOUND, Outcome.MOVED_AWAY]


def _visit(rng: random.Random, task: VisitTask, units: list[OrgUnit]) -> None:
    found = rng.random() < 0.75
    outcome = rng.choice(FOUND if found else NOT_SEEN)
    moved_to = None
    if outcome == Outcome.MOVED_AWAY:
        moved_to = rng.choice([None, *(unit for unit in units if unit.pk != task.org_unit_id)])
    fever = outcome in (Outcome.HOME_OBSERVATION, Outcome.REFERRAL) and rng.random() < 0.5
    visit_record(
        by=None,
        task=task,
        found=found,
        outcome=outcome,
        temperature=Decimal("38.1" if fever else "36.6") if found else None,
        moved_to=moved_to,
        moved_outside="乌鲁木齐市" if outcome == Outcome.MOVED_AWAY and moved_to is None else "",
        now=timezone.now() - dt.timedelta(hours=rng.choice([0, 0, 0, 1, 20])),  # some entered late, out of order
    )


def _next_round(campaign: Campaign) -> ScreeningRound | None:
    rounds = list(campaign.rounds.order_by("number"))
    if any(r.status == Status.OPEN for r in rounds):
        return None
    return next((r for r in rounds if r.status == Status.PLANNED), None)


def test_the_kept_figures_equal_a_rebuild_after_random_writes(world: World, county_admin: User) -> None:
    rng = random.Random(3)
    village_c = factories.unit(world.township_a, "英格堡村", kind=OrgUnit.Kind.VILLAGE)
    units = [world.village_a, world.village_b, world.compound_b, village_c]
    for n in range(36):
        factories.person(units[n % 4], address=f"{n}号")
    campaigns = [
        campaign_create(by=county_admin, org_unit=world.county, name="全县排查", round_count=10),
        campaign_create(by=county_admin, org_unit=world.township_a, name="木垒镇排查", round_count=10),
        campaign_create(by=county_admin, org_unit=world.township_b, name="东城镇排查", round_count=10),
    ]
    with time_machine.travel(START, tick=False) as clock:
        for step in range(1000):
            if step % 30 == 29:
                clock.shift(dt.timedelta(hours=rng.randint(14, 30)))
            roll = rng.random()
            open_tasks = list(VisitTask.objects.filter(round__status=Status.OPEN).order_by("pk"))
            if roll < 0.08 or not open_tasks:
                campaign = rng.choice(campaigns)
                if (planned := _next_round(campaign)) is not None:
                    round_open(by=county_admin, screening_round=planned)
            elif roll < 0.8:
                _visit(rng, rng.choice(open_tasks), units)
            elif roll < 0.975:
                task = rng.choice(open_tasks)
                task_explain(by=county_admin, task=task, reason="住院治疗中")
            else:
                screening_round = rng.choice(open_tasks).round
                for task in screening_round.tasks.filter(accounted=False):
                    task_explain(by=county_admin, task=task, reason="外出务工，电话核实")
                round_close(by=county_admin, screening_round=screening_round)
    assert ScreeningRound.objects.filter(status=Status.CLOSED).count() >= 4
    assert ScreeningRound.objects.filter(status=Status.OPEN).exists()
    assert VisitTask.objects.exclude(handed_from=None).count() > 5
    assert Visit.objects.count() > 200
    assert len({day for _unit, day in FIGURES[ROUND_VISITED].recompute()}) > 8
    assert figures_verify(KEYS) == {}


def test_a_round_opened_visited_and_closed_moves_the_countys_screening_figures(
    world: World, county_admin: User
) -> None:
    for village in (world.village_a, world.village_b):
        for n in range(3):
            factories.person(village, address=f"{n}号")
    today = timezone.localdate()
    campaign = campaign_create(by=county_admin, org_unit=world.county, name="全县排查", round_count=1)
    screening_round = campaign.rounds.get()
    assert figure_totals(world.county, KEYS, today, today) == dict.fromkeys(KEYS, 0)
    round_open(by=county_admin, screening_round=screening_round)
    assert figure_totals(world.county, KEYS, today, today) == {ROUND_TARGETS: 6, ROUND_VISITED: 0, VISITS: 0}
    assert figure_totals(world.township_a, [ROUND_TARGETS], today, today) == {ROUND_TARGETS: 3}
    task = VisitTask.objects.filter(org_unit=world.village_a).first()
    assert task is not None
    visit_record(by=None, task=task, found=True, outcome=Outcome.NO_RISK, temperature=Decimal("36.5"))
    visit_record(by=None, task=task, found=True, outcome=Outcome.NO_RISK, temperature=Decimal("36.4"))
    assert figure_totals(world.county, KEYS, today, today) == {ROUND_TARGETS: 6, ROUND_VISITED: 1, VISITS: 2}
    for other in VisitTask.objects.exclude(pk=task.pk):
        task_explain(by=county_admin, task=other, reason="住院治疗中")
    round_close(by=county_admin, screening_round=screening_round)
    assert figure_totals(world.county, KEYS, today, today) == {ROUND_TARGETS: 0, ROUND_VISITED: 0, VISITS: 2}
