"""The checkpoint figures stay equal to a rebuild from the passages and arrivals, whatever is registered, counted,
verified or blanked, and a passage at a township's post shows in the county's figures at once."""

from __future__ import annotations

import datetime as dt
import random

import time_machine
from django.core.cache import cache
from django.utils import timezone

from bastion.checkpoints.figures import ARRIVALS_OPEN, KEYS, PASSAGES_IN, PASSAGES_OUT
from bastion.checkpoints.models import Arrival, Passage, Post
from bastion.checkpoints.services.arrivals import arrival_verify
from bastion.checkpoints.services.passages import passage_count, passage_record
from bastion.checkpoints.services.retention import passages_anonymise
from bastion.core.models import User
from bastion.dashboard.figures import figure_series, figure_totals, figures_verify
from tests.conftest import World

START = dt.datetime(2020, 2, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
ORIGINS = ["420100", "652328", "110000", ""]  # a risk area, the county itself, elsewhere, not said
RESULTS = [Arrival.Result.AT_HOME, Arrival.Result.NOT_FOUND, Arrival.Result.OBSERVATION]


def posts(world: World) -> list[Post]:
    return [
        Post.objects.create(org_unit=unit, name=f"卡点{n}", kind=Post.Kind.VILLAGE_ROAD)
        for n, unit in enumerate([world.county, world.township_a, world.township_b, world.village_b])
    ]


def test_the_kept_figures_equal_a_rebuild_after_random_writes(world: World, county_admin: User) -> None:
    cache.clear()
    rng = random.Random(11)
    stations = posts(world)
    destinations = [world.village_a, world.village_b, world.compound_b, world.township_a, None]
    with time_machine.travel(START, tick=False) as clock:
        for step in range(1400):
            if step % 40 == 39:
                clock.shift(dt.timedelta(hours=rng.randint(10, 30)))  # some days apart, at varying hours
            now = timezone.now()
            roll = rng.random()
            if roll < 0.5:
                passage_record(
                    by=None,
                    post=rng.choice(stations),
                    direction=rng.choice(["in", "in", "out"]),
                    name="旅客",
                    phone=f"139{rng.randrange(10**8):08d}",
                    from_division_code=rng.choice(ORIGINS),
                    to_unit=rng.choice(destinations),
                    at=now - dt.timedelta(hours=rng.choice([0, 0, 2, 9, 20])),  # some registered late
                )
            elif roll < 0.75:
                passage_count(by=None, post=rng.choice(stations), direction=rng.choice(["in", "out"]))
            elif roll < 0.97:
                pending = list(Arrival.objects.filter(result=Arrival.Result.PENDING).order_by("pk")[:20])
                if pending:
                    result = rng.choice(RESULTS)
                    note = "电话未接通，已请派出所协查" if result == Arrival.Result.NOT_FOUND else ""
                    arrival_verify(by=county_admin, arrival=rng.choice(pending), result=result, note=note)
            else:
                passages_anonymise(now=now + dt.timedelta(days=30))  # blanks who passed, keeps every passage
    assert Passage.objects.count() > 200 and Arrival.objects.exclude(result=Arrival.Result.PENDING).count() > 20
    assert Arrival.objects.filter(result=Arrival.Result.PENDING).exists()
    assert figures_verify(KEYS) == {}


def test_a_passage_at_a_townships_post_shows_in_the_county_and_a_verified_arrival_leaves_the_open_ones(
    world: World, county_admin: User
) -> None:
    cache.clear()
    post = Post.objects.create(org_unit=world.township_a, name="木垒东高速出口", kind=Post.Kind.HIGHWAY_EXIT)
    today = timezone.localdate()
    before = figure_totals(world.county, KEYS, today, today)
    passage = passage_record(
        by=None,
        post=post,
        direction="in",
        name="王五",
        phone="13912345678",
        from_region="湖北省武汉市",
        from_division_code="420100",
        to_unit=world.village_a,
    )
    after = figure_totals(world.county, KEYS, today, today)
    assert after[PASSAGES_IN] == before[PASSAGES_IN] + 1 and after[PASSAGES_OUT] == before[PASSAGES_OUT]
    assert after[ARRIVALS_OPEN] == before[ARRIVALS_OPEN] + 1
    assert figure_totals(world.township_a, [PASSAGES_IN], today, today)[PASSAGES_IN] == 1
    assert figure_totals(world.township_b, KEYS, today, today) == dict.fromkeys(KEYS, 0)
    assert figure_totals(world.village_a, [ARRIVALS_OPEN], today, today)[ARRIVALS_OPEN] == 1
    arrival_verify(by=county_admin, arrival=passage.arrival, result=Arrival.Result.AT_HOME)
    assert figure_totals(world.county, [ARRIVALS_OPEN], today, today)[ARRIVALS_OPEN] == before[ARRIVALS_OPEN]
    yesterday = today - dt.timedelta(days=1)
    assert figure_series(world.county, [PASSAGES_IN], yesterday, today)[PASSAGES_IN] == [0, 1]
