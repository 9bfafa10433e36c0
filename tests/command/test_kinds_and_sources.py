"""The kinds of meeting are the HQ's to set; the command figures are report sources any form or dashboard uses."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from bastion.command.models import CommandPost, MeetingKind
from bastion.command.services import actions
from bastion.core.models import User
from bastion.reporting.sources import source_value
from tests import factories
from tests.command import factories as command
from tests.conftest import World, english_client


def test_the_hq_sets_a_kinds_usual_time_and_a_village_may_not(world: World, hq_office: User) -> None:
    dispatch = MeetingKind.objects.get(code="morning_dispatch")
    admin = factories.account("county_admin", world.county)
    page = english_client(admin).get(reverse("command:meeting_kind_list")).content.decode()
    assert "Morning dispatch" in page and "08:30" in page
    form = {
        "name_zh_hans": "早派工",
        "name_en": "Morning dispatch",
        "sort_order": 40,
        "is_active": "on",
        "usual_time": "08:00",
        "material": "dispatch",
    }
    response = english_client(admin).post(reverse("command:meeting_kind_edit", args=[dispatch.pk]), form)
    assert response.status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.usual_time == dt.time(8, 0)
    cadre = english_client(factories.account("village_cadre", world.village_a))
    refused = cadre.post(reverse("command:meeting_kind_edit", args=[dispatch.pk]), form | {"usual_time": "06:00"})
    assert refused.status_code == 403
    dispatch.refresh_from_db()
    assert dispatch.usual_time == dt.time(8, 0)


def test_items_set_verified_and_overdue_are_report_sources(
    world: World, hq_office: User, county_post: CommandPost
) -> None:
    today = timezone.localdate()
    township_post = command.post(world.township_a)
    supervision = command.group(county_post, "supervision").lead.user  # type: ignore[union-attr]
    done = actions.action_item_create(
        by=hq_office,
        command_post=county_post,
        title="发放口罩",
        due_on=today,
        owner_group=command.group(county_post, "logistics"),
    )
    actions.action_item_claim(by=hq_office, item=done, text="已发放")
    actions.action_item_verify(by=supervision, item=done)
    actions.action_item_create(
        by=None,
        command_post=township_post,
        title="镇卡点排班",
        due_on=today,
        owner_group=command.group(township_post, "public_order"),
    )
    assert source_value("command.items_set", world.county, today, today) == 2
    assert source_value("command.items_set", world.township_a, today, today) == 1
    assert source_value("command.items_verified", world.county, today, today) == 1
    assert source_value("command.items_overdue", world.county, today, today) == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        later = timezone.localdate()
        assert source_value("command.items_overdue", world.county, later, later) == 1
        assert source_value("command.items_overdue", world.township_b, later, later) == 0
