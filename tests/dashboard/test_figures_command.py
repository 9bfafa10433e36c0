"""The command figures stay equal to a rebuild from the action items, whatever the services do to them, and an
item claimed done leaves the overdue count."""

from __future__ import annotations

import datetime as dt
import random

import time_machine
from django.utils import timezone

from bastion.command.models import ActionItem, CommandPost
from bastion.command.services import actions
from bastion.dashboard.figures import figure_totals, figures_verify
from tests.command import factories as command
from tests.conftest import World

KEYS = ["command.open_by_due"]
START = dt.datetime(2020, 2, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _item(post: CommandPost, due_on: dt.date, title: str = "卡点排班") -> ActionItem:
    return actions.action_item_create(
        by=None, command_post=post, title=title, due_on=due_on, owner_group=command.group(post, "logistics")
    )


def test_the_kept_figures_equal_a_rebuild_after_random_writes(world: World) -> None:
    rng = random.Random(11)
    with time_machine.travel(START, tick=False) as clock:
        posts = [command.post(unit) for unit in (world.county, world.township_a, world.township_b, world.village_a)]
        items: list[ActionItem] = []
        for step in range(1100):
            if step % 25 == 24:
                clock.shift(dt.timedelta(days=1))
            today = timezone.localdate()
            roll = rng.random()
            if roll < 0.35 or not items:
                items.append(_item(rng.choice(posts), today + dt.timedelta(days=rng.randint(0, 8))))
                continue
            item = rng.choice(items)
            item.refresh_from_db()
            if item.status in ActionItem.UNFINISHED:
                if roll < 0.6:
                    actions.action_item_progress(by=None, item=item, text="进展")
                else:
                    actions.action_item_claim(by=None, item=item, text="已完成")
            elif item.status == ActionItem.Status.CLAIMED and roll < 0.75:
                actions.action_item_verify(by=None, item=item)
            else:
                actions.action_item_reopen(by=None, item=item, text="未落实")
    assert ActionItem.objects.filter(status=ActionItem.Status.VERIFIED).exists()
    assert ActionItem.objects.filter(status=ActionItem.Status.REOPENED).exists()
    assert figures_verify(KEYS) == {}


def test_an_item_claimed_done_leaves_the_overdue_count(world: World) -> None:
    with time_machine.travel(START, tick=False) as clock:
        post = command.post(world.county)
        late = _item(post, timezone.localdate(), "发放口罩")
        _item(command.post(world.township_a), timezone.localdate() + dt.timedelta(days=5), "镇卡点排班")
        clock.shift(dt.timedelta(days=2))
        today = timezone.localdate()
        yesterday = today - dt.timedelta(days=1)
        far = today + dt.timedelta(days=30)

        def overdue() -> int:
            return figure_totals(world.county, KEYS, yesterday, yesterday)["command.open_by_due"]

        assert overdue() == 1
        assert figure_totals(world.county, KEYS, far, far)["command.open_by_due"] == 2

        actions.action_item_claim(by=None, item=late, text="已发放")
        assert overdue() == 0
        assert figure_totals(world.county, KEYS, far, far)["command.open_by_due"] == 1

        actions.action_item_reopen(by=None, item=late, text="数量不足")
        assert overdue() == 1
