"""A day at the county HQ: the morning dispatch sets items from its decisions, the evening review sets each group's
results against them, an overdue item is chased, a claim is reopened by supervision and then verified, and the
day's work log is drafted, edited, signed and amended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from bastion.command.models import ActionItem, ActionNote, CommandPost, Meeting, MeetingKind, PostMember, WorkLog
from bastion.command.services import actions
from bastion.command.services.worklog import worklog_amend, worklog_draft, worklog_edit, worklog_sign
from bastion.core.models import AuditEvent, Notification, User
from tests import factories
from tests.command import factories as command
from tests.conftest import World, english_client

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2020, 2, 10)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(at(7, 0, DAY - dt.timedelta(days=1)), tick=False) as traveller:
        yield traveller


def lead(post: CommandPost, code: str) -> User:
    user = command.group(post, code).lead.user  # type: ignore[union-attr]
    assert user is not None
    return user


def test_a_day_at_the_county_hq(
    clock: time_machine.Traveller, world: World, hq_office: User, county_post: CommandPost
) -> None:
    logistics = command.group(county_post, "logistics")
    actions.action_item_create(
        by=hq_office,
        command_post=county_post,
        title="采购口罩两万个",
        due_on=DAY - dt.timedelta(days=1),
        owner_group=logistics,
    )
    absent = command.member(county_post, "孙委员")
    village_cadre = factories.account("village_cadre", world.village_a, username="shuimogou")

    clock.move_to(at(8, 0))
    assert actions.action_items_chase() == 1
    assert actions.action_items_chase() == 0, "chased once a day"
    chase = Notification.objects.get(kind="command.overdue")
    assert chase.recipient == lead(county_post, "logistics") and "采购口罩两万个" in chase.title

    clock.move_to(at(8, 30))
    office = english_client(hq_office)
    kind = MeetingKind.objects.get(code="morning_dispatch")
    response = office.post(
        reverse("command:meeting_new"), {"command_post": county_post.pk, "kind": kind.pk, "held_on": DAY}
    )
    dispatch = Meeting.objects.get(kind=kind)
    assert response.url == reverse("command:meeting_detail", args=[dispatch.pk])  # type: ignore[attr-defined]
    assert dispatch.starts_at == dt.time(8, 30), "the kind's usual time"
    page = office.get(response.url).content.decode()  # type: ignore[attr-defined]
    assert "采购口罩两万个" in page and "1 item still open from before today" in page and "1 overdue" in page

    decisions = [
        (f"g:{command.group(county_post, 'monitoring').pk}", "核实2月9日返乡人员"),
        (f"g:{logistics.pk}", "向各乡镇调拨口罩"),
        (f"u:{world.village_a.pk}", "水磨沟村落实居家观察送菜"),
    ]
    for owner, text in decisions:
        response = office.post(
            reverse("command:meeting_decision", args=[dispatch.pk]),
            {"text": text, "owner": owner, "due_on": DAY, "priority": 2},
        )
        assert response.status_code == 302, response.content.decode()
    leader = PostMember.objects.get(command_post=county_post, position="leader")
    office.post(reverse("command:meeting_attendance", args=[dispatch.pk]), {"member": leader.pk, "present": "1"})
    office.post(
        reverse("command:meeting_attendance", args=[dispatch.pk]),
        {"member": absent.pk, "present": "0", "absence_reason": "下乡督导"},
    )
    office.post(reverse("command:meeting_close", args=[dispatch.pk]))
    dispatch.refresh_from_db()
    assert dispatch.status == Meeting.Status.CLOSED
    assert set(dispatch.attendances.values_list("member__name", "present", "absence_reason")) == {
        ("王县长", True, ""),
        ("孙委员", False, "下乡督导"),
    }
    items = {item.title: item for item in ActionItem.objects.filter(decision__meeting=dispatch)}
    assert set(items) == {text for _owner, text in decisions}
    assert all(item.origin == ActionItem.Origin.MEETING and item.due_on == DAY for item in items.values())
    assert Notification.objects.filter(recipient=village_cadre, kind="command.action_item").count() == 1

    clock.move_to(at(15, 0))
    checks = items["核实2月9日返乡人员"]
    monitoring = english_client(lead(county_post, "monitoring"))
    monitoring.post(reverse("command:item_progress", args=[checks.pk]), {"text": "已核实木垒镇42人"})
    monitoring.post(reverse("command:item_claim", args=[checks.pk]), {"text": "全部核实完毕"})
    refused = monitoring.post(reverse("command:item_verify", args=[checks.pk]), {"text": "自己核实"})
    assert refused.status_code in (400, 403)
    supervision = english_client(lead(county_post, "supervision"))
    supervision.post(reverse("command:item_reopen", args=[checks.pk]), {"text": "东城镇入户记录不全"})
    checks.refresh_from_db()
    assert checks.status == ActionItem.Status.REOPENED and checks.claimed_at is None
    monitoring.post(reverse("command:item_claim", args=[checks.pk]), {"text": "东城镇已补录"})
    supervision.post(reverse("command:item_verify", args=[checks.pk]), {"text": "抽查属实"})
    checks.refresh_from_db()
    assert checks.status == ActionItem.Status.VERIFIED
    assert list(ActionNote.objects.filter(item=checks).values_list("status_to", flat=True)) == [
        "in_progress",
        "claimed",
        "reopened",
        "claimed",
        "verified",
    ]
    villager = english_client(village_cadre)
    villager.post(reverse("command:item_progress", args=[items["水磨沟村落实居家观察送菜"].pk]), {"text": "已送菜12户"})

    clock.move_to(at(20, 0))
    review_kind = MeetingKind.objects.get(code="evening_review")
    office.post(
        reverse("command:meeting_new"), {"command_post": county_post.pk, "kind": review_kind.pk, "held_on": DAY}
    )
    review = Meeting.objects.get(kind=review_kind)
    page = office.get(reverse("command:meeting_detail", args=[review.pk])).content.decode()
    assert "Results against the day's assignments" in page
    assert "东城镇已补录" in page and "已送菜12户" in page, "the day's notes stand under their items"
    lines = {str(line.group or ""): line for line in _review_lines(review)}
    assert (len(lines["Epidemic monitoring and response"].items), lines["Epidemic monitoring and response"].done) == (
        1,
        1,
    )
    assert (lines["Logistics"].done, lines["Logistics"].not_started) == (0, 1)
    assert [item.title for item in lines[""].items] == ["水磨沟村落实居家观察送菜"]
    assert AuditEvent.objects.filter(action__startswith="action_item.").count() >= 10
    assert AuditEvent.objects.filter(action="meeting.decision").count() == 3

    clock.move_to(at(21, 30))
    log = worklog_draft(by=hq_office, command_post=county_post, day=DAY)
    assert "核实2月9日返乡人员" in log.body and "向各乡镇调拨口罩" in log.body, "the day's decisions and items"
    worklog_edit(by=hq_office, log=log, body=log.body + "\n今日全县无新增发热病人。")
    worklog_sign(by=hq_office, log=log)
    signed = WorkLog.objects.get(pk=log.pk).body
    with pytest.raises(ValidationError, match=r"This log is signed: add an amendment instead\."):
        worklog_edit(by=hq_office, log=log, body="改写")
    worklog_amend(by=hq_office, log=log, text="补充：东城镇补录入户记录3户。")
    log.refresh_from_db()
    assert log.status == WorkLog.Status.SIGNED and log.body == signed, "the signed text is kept as it was"
    assert list(log.amendments.values_list("text", flat=True)) == ["补充：东城镇补录入户记录3户。"]


def _review_lines(meeting: Meeting) -> list:  # type: ignore[type-arg]
    from bastion.command.selectors.meetings import review_material

    return review_material(meeting).by_group
