"""The outreach figures stay equal to a rebuild from the activities, whatever is recorded, corrected or removed,
and a recorded activity shows in the county's reach."""

from __future__ import annotations

import datetime as dt
import random

import time_machine
from django.utils import timezone

from bastion.dashboard.figures import figure_totals, figures_verify
from bastion.outreach.models import Activity
from bastion.outreach.services.activities import activity_delete, activity_record, activity_update
from tests.conftest import World
from tests.outreach.factories import channel, group

KEYS = ["outreach.reach", "outreach.activities"]
START = dt.datetime(2020, 2, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
CHANNELS = ["loudspeaker", "vehicle_loudspeaker", "wechat", "leaflet", "briefing"]


def test_the_kept_figures_equal_a_rebuild_after_random_writes(world: World) -> None:
    rng = random.Random(7)
    units = [world.county, world.township_a, world.township_b, world.village_a, world.village_b, world.compound_b]
    with time_machine.travel(START, tick=False) as clock:
        activities: list[Activity] = []
        for step in range(1400):
            if step % 30 == 29:
                clock.shift(dt.timedelta(days=1))
            today = timezone.localdate()
            roll = rng.random()
            if roll < 0.55 or not activities:
                activities.append(
                    activity_record(
                        by=None,
                        org_unit=rng.choice(units),
                        on=today - dt.timedelta(days=rng.randint(0, 5)),
                        channel=channel(rng.choice(CHANNELS)),
                        reach=rng.randint(0, 400),
                        times=rng.randint(1, 3),
                        target_group=group("residents"),
                    )
                )
            elif roll < 0.85:
                activity = rng.choice(activities)
                activity_update(
                    by=None,
                    activity=activity,
                    org_unit=rng.choice([activity.org_unit, *units]),
                    on=rng.choice([activity.on, today - dt.timedelta(days=rng.randint(0, 5))]),
                    channel=activity.channel,
                    reach=rng.choice([activity.reach, rng.randint(0, 400)]),
                    times=activity.times,
                    target_group=activity.target_group,
                    note=rng.choice(["", "更正"]),
                )
            else:
                activity = activities.pop(rng.randrange(len(activities)))
                activity_delete(by=None, activity=activity)
    assert Activity.objects.count() == len(activities) > 50
    assert figures_verify(KEYS) == {}


def test_a_recorded_activity_shows_in_the_county_reach(world: World) -> None:
    today = timezone.localdate()
    before = figure_totals(world.county, KEYS, today, today)
    activity = activity_record(
        by=None, org_unit=world.village_a, on=today, channel=channel("loudspeaker"), reach=600, times=2
    )
    after = figure_totals(world.county, KEYS, today, today)
    assert after["outreach.reach"] - before["outreach.reach"] == 600
    assert after["outreach.activities"] - before["outreach.activities"] == 1
    assert figure_totals(world.township_b, KEYS, today, today)["outreach.reach"] == 0
    activity_delete(by=None, activity=activity)
    assert figure_totals(world.county, KEYS, today, today) == before
