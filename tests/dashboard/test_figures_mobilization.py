"""The mobilization figures stay equal to a rebuild from the assignments and secondments, whatever the batches,
imports, check-ins, absences and secondments do, and a cadre's check-in shows in the county's figure."""

from __future__ import annotations

import datetime as dt
import random

import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from bastion.core.models import User
from bastion.dashboard.figures import figure_totals, figures_verify
from bastion.mobilization.models import Assignment, Batch, Responder, Secondment
from bastion.mobilization.services.batches import (
    assignment_absent,
    assignment_create,
    assignment_report,
    assignments_import,
    batch_close,
    batch_create,
)
from bastion.mobilization.services.checkin import qr_check_in
from bastion.mobilization.services.deployment import secondment_end
from tests.conftest import World
from tests.mobilization import factories
from tests.mobilization.factories_deployment import seconded
from tests.mobilization.workbooks import ASSIGNMENT_HEADER, workbook

KEYS = ["mobilization.assigned", "mobilization.reported", "mobilization.seconded"]
START = dt.datetime(2020, 1, 28, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_the_kept_figures_equal_a_rebuild_after_random_writes(world: World, county_admin: User) -> None:
    rng = random.Random(2020)
    units = [world.county, world.township_a, world.township_b, world.village_a, world.village_b, world.compound_b]
    with time_machine.travel(START, tick=False) as clock:
        people = [factories.responder(rng.choice(units), f"干部{n}") for n in range(60)]
        phones = {person.pk: person.phone for person in people}
        batches: list[Batch] = []
        secondments: list[Secondment] = []
        done = 0
        for step in range(1400):
            if step % 40 == 39:
                clock.shift(dt.timedelta(days=1, hours=rng.randint(-3, 3)))
            today = timezone.localdate()
            roll = rng.random()
            try:
                if roll < 0.06 or not batches:
                    issuer = rng.choice([world.county, world.township_a, world.township_b])
                    batches.append(
                        batch_create(
                            by=county_admin,
                            org_unit=issuer,
                            number=len(batches) + 1,
                            report_by=today + dt.timedelta(days=rng.randint(-2, 4)),
                        )
                    )
                elif roll < 0.25:
                    batch = rng.choice(batches)
                    under = [u for u in units if u.path.startswith(batch.org_unit.path)]
                    assignment_create(
                        by=county_admin, batch=batch, responder=rng.choice(people), unit=rng.choice(under)
                    )
                elif roll < 0.32:
                    batch = rng.choice(batches)
                    under = [u for u in units if u.path.startswith(batch.org_unit.path) and u.name]
                    chosen = rng.sample(people, rng.randint(1, 6))
                    rows = [(p.name, phones[p.pk], rng.choice(under).name) for p in chosen]
                    assignments_import(by=county_admin, batch=batch, data=workbook(ASSIGNMENT_HEADER, rows))
                elif roll < 0.55:
                    assignment = rng.choice(list(Assignment.objects.exclude(status="reported"))[:50] or [None])
                    if assignment is None:
                        continue
                    if rng.random() < 0.5:
                        back = dt.timedelta(days=rng.randint(0, 6), hours=rng.randint(0, 12))
                        assignment_report(by=county_admin, assignment=assignment, now=timezone.now() - back)
                    else:
                        qr_check_in(
                            unit=assignment.unit, phone=phones[assignment.responder_id], source=f"10.0.{step}.1"
                        )
                elif roll < 0.65:
                    assignment = rng.choice(list(Assignment.objects.filter(status="pending"))[:50] or [None])
                    if assignment is not None:
                        assignment_absent(by=county_admin, assignment=assignment, reason="生病")
                elif roll < 0.68:
                    batch_close(by=county_admin, batch=rng.choice(batches))
                elif roll < 0.85:
                    start = today + dt.timedelta(days=rng.randint(-5, 3))
                    end = rng.choice([None, start + dt.timedelta(days=rng.randint(0, 6))])
                    secondments.append(
                        seconded(county_admin, rng.choice(people), rng.choice(units), starts_on=start, ends_on=end)
                    )
                elif secondments:
                    secondment = rng.choice(secondments)
                    secondment.refresh_from_db()
                    ends_on = secondment.starts_on + dt.timedelta(days=rng.randint(0, 8))
                    secondment_end(by=county_admin, secondment=secondment, ends_on=ends_on)
                done += 1
            except ValidationError:
                pass
    assert done > 250
    statuses = set(Assignment.objects.values_list("status", "method").distinct())
    assert {("reported", "qr"), ("reported", "cadre"), ("absent", "")} <= statuses
    assert Secondment.objects.filter(ends_on__isnull=False).count() > 10
    assert figures_verify(KEYS) == {}


def test_a_cadre_checking_in_shows_in_the_county_figure(world: World, county_admin: User) -> None:
    with time_machine.travel(START, tick=False):
        today = timezone.localdate()
        batch = batch_create(by=county_admin, org_unit=world.county, number=1, report_by=today)
        wang: Responder = factories.responder(world.county, "王干部")
        li: Responder = factories.responder(world.county, "李干部")
        assignment = assignment_create(by=county_admin, batch=batch, responder=wang, unit=world.village_a)
        assignment_create(by=county_admin, batch=batch, responder=li, unit=world.village_b)

        def county() -> dict[str, int]:
            return figure_totals(world.county, KEYS, today, today)

        assert county() == {"mobilization.assigned": 2, "mobilization.reported": 0, "mobilization.seconded": 0}
        assignment_report(by=county_admin, assignment=assignment)
        assert county()["mobilization.reported"] == 1
        assert figure_totals(world.township_b, KEYS, today, today)["mobilization.reported"] == 0
        seconded(county_admin, li, world.township_a, starts_on=today, ends_on=today)
        assert county()["mobilization.seconded"] == 1
        tomorrow = today + dt.timedelta(days=1)
        assert figure_totals(world.county, KEYS, tomorrow, tomorrow)["mobilization.seconded"] == 0
