"""The reporting figures stay equal to a rebuild from the reports and immediate reports, whatever is filed on
time, late, as a zero report, changed, escalated or closed, and a village's report shows in the county at once."""

from __future__ import annotations

import datetime as dt
import random

import time_machine
from django.utils import timezone

from bastion.core.models import OrgUnit, User
from bastion.dashboard.figures import FIGURES, figure_totals, figures_verify
from bastion.observation.figures import ALERTS_OPEN
from bastion.reporting.figures import FILED_LATE, FILED_ON_TIME, FILED_ZERO, IMMEDIATE, KEYS
from bastion.reporting.models import ImmediateReport, IncidentCategory, Report
from bastion.reporting.services.filing import report_submit
from bastion.reporting.services.immediate import (
    immediate_report_acknowledge,
    immediate_report_close,
    immediate_report_file,
    immediate_report_handle,
    immediate_reports_escalate,
)
from tests import factories
from tests.conftest import World
from tests.reporting.conftest import daily_form

START = dt.datetime(2020, 2, 1, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
State = ImmediateReport.State


def test_the_kept_figures_equal_a_rebuild_after_random_writes(world: World, county_admin: User) -> None:
    rng = random.Random(17)
    form = daily_form(world.county)
    villages = [world.village_a, world.village_b]
    villages += [factories.unit(world.township_a, f"村{n}", kind=OrgUnit.Kind.VILLAGE) for n in range(3)]
    units = [*villages, world.township_a, world.compound_b]
    categories = list(IncidentCategory.objects.filter(is_active=True))
    alert = IncidentCategory.objects.get(code="observation_alert")
    with time_machine.travel(START, tick=False) as clock:
        for step in range(1200):
            if step % 12 == 11:
                clock.shift(dt.timedelta(hours=rng.randint(2, 9)))  # through the day and past the deadline
            today = timezone.localdate()
            roll = rng.random()
            if roll < 0.55:
                zero = rng.random() < 0.3
                report_submit(
                    by=None,
                    form=form,
                    org_unit=rng.choice(villages),
                    period=today - dt.timedelta(days=rng.choice([0, 0, 0, 1, 2])),
                    values={} if zero else {"returnees": rng.randint(0, 30), "fever": rng.randint(0, 3)},
                    is_zero=zero,
                    edit_reason="补报更正",
                )
            elif roll < 0.75:
                immediate_report_file(
                    by=None,
                    org_unit=rng.choice(units),
                    category=rng.choice([alert, *categories]),
                    description="发现发热人员",
                )
            else:
                reports = list(ImmediateReport.objects.exclude(state=State.CLOSED).order_by("pk"))
                if reports:
                    report = rng.choice(reports)
                    step_roll = rng.random()
                    if step_roll < 0.2 and report.state == State.OPEN:
                        immediate_report_acknowledge(by=county_admin, report=report)
                    elif step_roll < 0.4:
                        immediate_report_handle(by=county_admin, report=report, text="已派人核实")
                    else:
                        immediate_report_close(by=county_admin, report=report, outcome="已处置完毕")
                immediate_reports_escalate()
    filed = Report.objects.all()
    assert filed.filter(is_zero=True).exists() and filed.filter(is_zero=False, is_late=True).exists()
    assert filed.filter(is_zero=False, is_late=False).count() > 10
    assert ImmediateReport.objects.filter(state=State.CLOSED).count() > 20
    assert ImmediateReport.objects.filter(category=alert).exclude(state=State.CLOSED).exists()
    assert len({day for _unit, day in FIGURES[FILED_ON_TIME].recompute()}) >= 6
    assert figures_verify([*KEYS, ALERTS_OPEN]) == {}


def test_a_villages_report_shows_in_the_county_under_its_status(world: World, county_admin: User) -> None:
    form = daily_form(world.county)
    today = timezone.localdate()
    morning = timezone.make_aware(dt.datetime.combine(today, dt.time(9, 0)))
    evening = morning + dt.timedelta(hours=11)
    report_submit(by=None, form=form, org_unit=world.village_a, period=today, values={"returnees": 3}, now=morning)
    report_submit(by=None, form=form, org_unit=world.village_b, period=today, values={"returnees": 1}, now=evening)
    assert figure_totals(world.county, KEYS, today, today) == {
        FILED_ON_TIME: 1,
        FILED_LATE: 1,
        FILED_ZERO: 0,
        IMMEDIATE: 0,
    }
    assert figure_totals(world.township_a, KEYS, today, today)[FILED_ON_TIME] == 1
    report_submit(by=None, form=form, org_unit=world.village_a, period=today, is_zero=True, now=morning)
    totals = figure_totals(world.county, KEYS, today, today)
    assert (totals[FILED_ON_TIME], totals[FILED_LATE], totals[FILED_ZERO]) == (0, 1, 1)
    immediate_report_file(
        by=None,
        org_unit=world.village_b,
        category=IncidentCategory.objects.get(code="observation_alert"),
        description="居家观察人员体温38.5℃",
    )
    assert figure_totals(world.county, [IMMEDIATE, ALERTS_OPEN], today, today) == {IMMEDIATE: 1, ALERTS_OPEN: 1}
    assert figure_totals(world.township_a, [IMMEDIATE], today, today) == {IMMEDIATE: 0}
