"""The command API: the day of a command post from a phone, bad input refused by field, a village's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bastion.command.models import (
    ActionItem,
    ActionNote,
    Attendance,
    CommandPost,
    Decision,
    Meeting,
    MeetingKind,
    PostMember,
)
from bastion.command.services.actions import action_item_create, action_item_progress
from bastion.command.services.meetings import attendance_record, decision_record, meeting_open
from bastion.core.models import AuditEvent, User
from bastion.core.services.accounts import token_create
from tests import factories
from tests.command import factories as command
from tests.conftest import World
from tests.supplies import factories as supplies

pytestmark = pytest.mark.django_db

API = "/api/v1/command"


def api_client(user: User) -> Client:
    _token, key = token_create(by=user, name="phone")
    return Client(headers={"authorization": f"Bearer {key}", "accept-language": "en"})


def post_json(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


def lead(code: str) -> User:
    return User.objects.get(username=f"lead_{code}")


def in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def village_cadre_a(world: World) -> User:
    return factories.account("village_cadre", world.village_a, username="erin")


@pytest.fixture
def dispatch(county_post: CommandPost, hq_office: User) -> dict[str, Any]:
    """This morning's dispatch of the county post, opened through the API."""
    answer = post_json(
        api_client(hq_office), f"{API}/meetings", {"command_post_id": county_post.pk, "kind": "morning_dispatch"}
    )
    assert answer.status_code == 201, answer.content
    return dict(answer.json())


def item_for(post: CommandPost, title: str, **owner: Any) -> ActionItem:
    return action_item_create(
        by=None, command_post=post, title=title, due_on=timezone.localdate() + dt.timedelta(days=1), **owner
    )


def test_the_day_of_a_command_post_through_the_api(
    county_post: CommandPost, hq_office: User, dispatch: dict[str, Any]
) -> None:
    office = api_client(hq_office)
    assert (dispatch["kind"], dispatch["starts_at"], dispatch["status"]) == ("morning_dispatch", "08:30:00", "open")
    meeting_url = f"{API}/meetings/{dispatch['id']}"
    leader = PostMember.objects.get(name="王县长")
    present = post_json(office, f"{meeting_url}/attendances", {"member_id": leader.pk})
    assert present.status_code == 200 and present.json()["present"] is True
    monitoring = command.group(county_post, "monitoring")

    decided = post_json(
        office,
        f"{meeting_url}/decisions",
        {
            "text": "全面排查返乡人员\n今日完成一半",
            "due_on": in_days(1),
            "owner_group_id": monitoring.pk,
            "priority": 1,
        },
    )

    assert decided.status_code == 201, decided.content
    item = decided.json()["items"][0]
    assert item["title"] == "全面排查返乡人员" and item["origin"] == "meeting"
    assert item["owner"] == {"kind": "group", "id": monitoring.pk, "name": "Epidemic monitoring and response"}
    assert (item["meeting_id"], item["status"], item["priority"]) == (dispatch["id"], "open", 1)
    material = office.get(meeting_url).json()["material"]
    line = next(line for line in material["by_group"] if line["group_code"] == "monitoring")
    assert [i["id"] for i in line["items"]] == [item["id"]] and line["not_started"] == 1
    assert material["figures"] and material["overdue"] == []

    url = f"{API}/items/{item['id']}"
    owner = api_client(lead("monitoring"))
    progressed = post_json(owner, f"{url}/progress", {"text": "已排查三个村"})
    assert progressed.status_code == 200 and progressed.json()["item"]["status"] == "in_progress"
    claimed = post_json(owner, f"{url}/claim", {"text": "全部排查完毕"})
    assert claimed.json()["item"]["status"] == "claimed" and claimed.json()["item"]["claimed_at"]

    own_claim = post_json(owner, f"{url}/verify", {"text": "核实"})
    assert own_claim.status_code == 422
    assert own_claim.json()["detail"] == {"text": ["You claimed this item done: someone else verifies it."]}
    assert ActionItem.objects.get(pk=item["id"]).status == ActionItem.Status.CLAIMED

    supervision = api_client(lead("supervision"))
    verified = post_json(supervision, f"{url}/verify", {"text": "抽查属实"})
    assert verified.status_code == 200 and verified.json()["item"]["status"] == "verified"
    no_reason = post_json(supervision, f"{url}/reopen", {"text": " "})
    assert no_reason.status_code == 422 and no_reason.json()["detail"] == {"text": ["Say why the item is reopened."]}
    reopened = post_json(supervision, f"{url}/reopen", {"text": "二组漏排两户"})

    assert reopened.status_code == 200
    detail = reopened.json()
    assert detail["item"]["status"] == "reopened" and detail["item"]["verified_at"] is None
    assert [(n["status_to"], n["text"]) for n in detail["notes"]] == [
        ("in_progress", "已排查三个村"),
        ("claimed", "全部排查完毕"),
        ("verified", "抽查属实"),
        ("reopened", "二组漏排两户"),
    ]
    assert detail["notes"][0]["by"] == lead("monitoring").display_name
    assert list(
        AuditEvent.objects.filter(object_id=str(item["id"]), action__startswith="action_item.")
        .values_list("action", flat=True)
        .order_by("pk")
    ) == [
        "action_item.create",
        "action_item.in_progress",
        "action_item.claimed",
        "action_item.verified",
        "action_item.reopened",
    ]
    assert owner.get(f"{API}/items", {"status": "unfinished", "group": "monitoring"}).json()["count"] == 1
    closed = post_json(office, f"{meeting_url}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    late = post_json(office, f"{meeting_url}/attendances", {"member_id": leader.pk, "present": False})
    assert late.status_code == 422 and "closed" in late.json()["detail"]["__all__"][0]


def test_a_meeting_shows_phones_masked_only(
    county_post: CommandPost, hq_office: User, dispatch: dict[str, Any]
) -> None:
    office = api_client(hq_office)
    director = PostMember.objects.get(name="李主任")
    post_json(office, f"{API}/meetings/{dispatch['id']}/attendances", {"member_id": director.pk})

    answer = office.get(f"{API}/meetings/{dispatch['id']}")

    attendance = answer.json()["attendances"][0]
    assert attendance["phone"] == f"{director.phone[:3]}****{director.phone[-4:]}"
    for member in PostMember.objects.all():
        assert member.phone not in answer.content.decode()


def test_a_funds_decision_allocates_the_money(
    world: World, county_post: CommandPost, hq_office: User, dispatch: dict[str, Any]
) -> None:
    fund = supplies.fund(world.county)
    answer = post_json(
        api_client(hq_office),
        f"{API}/meetings/{dispatch['id']}/decisions",
        {
            "text": "拨付防疫物资采购资金",
            "due_on": in_days(3),
            "owner_group_id": command.group(county_post, "logistics").pk,
            "amount": "50000",
            "fund_id": fund.pk,
        },
    )
    assert answer.status_code == 201, answer.content
    assert Decimal(answer.json()["amount"]) == Decimal("50000") and answer.json()["fund_entry_id"]


def test_bad_input_is_refused_by_field_and_nothing_is_written(
    world: World, county_post: CommandPost, hq_office: User, dispatch: dict[str, Any]
) -> None:
    office = api_client(hq_office)
    township_post = command.post(world.township_a)
    stranger = command.member(township_post, "钱镇长", PostMember.Position.LEADER)
    items, notes, audit = ActionItem.objects.count(), ActionNote.objects.count(), AuditEvent.objects.count()

    ownerless = post_json(
        office, f"{API}/items", {"command_post_id": county_post.pk, "title": "消毒", "due_on": in_days(-1)}
    )

    assert ownerless.status_code == 422
    today = timezone.localdate().isoformat()
    assert ownerless.json()["detail"] == {
        "due_on": [f"The due date cannot be before the item is set ({today})."],
        "owner": ["Give the item one owner: a person, a working group or a unit."],
    }
    two_owners = post_json(
        office,
        f"{API}/items",
        {
            "command_post_id": county_post.pk,
            "title": "消毒",
            "due_on": in_days(1),
            "owner_group_id": command.group(county_post, "logistics").pk,
            "owner_unit_id": world.village_a.pk,
        },
    )
    assert list(two_owners.json()["detail"]) == ["owner"]
    not_of_the_post = post_json(
        office,
        f"{API}/items",
        {"command_post_id": county_post.pk, "title": "消毒", "due_on": in_days(1), "owner_member_id": stranger.pk},
    )
    assert not_of_the_post.json()["detail"] == {
        "owner_member_id": [f"钱镇长 is not a current member of {county_post.name}."]
    }
    unknown = post_json(
        office,
        f"{API}/items",
        {"command_post_id": county_post.pk, "title": "消毒", "due_on": in_days(1), "owner_group_id": 999999},
    )
    assert unknown.json()["detail"] == {"owner_group_id": ["No such working group in your scope."]}
    not_a_date = post_json(
        office, f"{API}/items", {"command_post_id": county_post.pk, "title": "消毒", "due_on": "tomorrow"}
    )
    assert not_a_date.status_code == 422 and not_a_date.json()["detail"][0]["loc"][-1] == "due_on"

    meeting_url = f"{API}/meetings/{dispatch['id']}"
    absent_stranger = post_json(office, f"{meeting_url}/attendances", {"member_id": stranger.pk})
    assert absent_stranger.status_code == 422
    assert absent_stranger.json()["detail"] == {"member_id": [f"钱镇长 is not a current member of {county_post.name}."]}
    no_reason = post_json(
        office, f"{meeting_url}/attendances", {"member_id": PostMember.objects.get(name="王县长").pk, "present": False}
    )
    assert no_reason.json()["detail"] == {"absence_reason": ["Give the reason of the absence."]}
    ownerless_decision = post_json(office, f"{meeting_url}/decisions", {"text": "加强卡点值守", "due_on": in_days(1)})
    assert ownerless_decision.status_code == 422 and list(ownerless_decision.json()["detail"]) == ["owner"]
    no_kind = post_json(office, f"{API}/meetings", {"command_post_id": county_post.pk, "kind": "tea_party"})
    assert no_kind.json()["detail"] == {"kind": ["No meeting kind with the code tea_party."]}

    assert (ActionItem.objects.count(), ActionNote.objects.count()) == (items, notes)
    assert not Decision.objects.exists() and not Attendance.objects.exists()
    assert AuditEvent.objects.count() == audit and Meeting.objects.count() == 1


def test_a_village_sees_only_what_it_owns_of_the_county(
    world: World, county_post: CommandPost, village_cadre_a: User, dispatch: dict[str, Any]
) -> None:
    county_item = item_for(county_post, "县指挥部内部事项", owner_group=command.group(county_post, "coordination"))
    village_item = item_for(county_post, "水磨沟村卡点值守", owner_unit=world.village_a)
    village_b_item = item_for(county_post, "沈家沟村卡点值守", owner_unit=world.village_b)
    client = api_client(village_cadre_a)
    before = (ActionItem.objects.count(), ActionNote.objects.count(), AuditEvent.objects.count())

    listed = client.get(f"{API}/items").json()

    assert [item["id"] for item in listed["items"]] == [village_item.pk]
    assert client.get(f"{API}/items/{village_item.pk}").json()["item"]["owner"]["name"] == world.village_a.display_name
    for other in (county_item, village_b_item):
        assert client.get(f"{API}/items/{other.pk}").status_code == 404
        assert post_json(client, f"{API}/items/{other.pk}/progress", {"text": "x"}).status_code == 404
        assert post_json(client, f"{API}/items/{other.pk}/claim", {"text": "x"}).status_code == 404
    assert client.get(f"{API}/meetings/{dispatch['id']}").status_code == 404
    assert client.get(f"{API}/meetings").json()["count"] == 0
    assert post_json(client, f"{API}/meetings/{dispatch['id']}/close").status_code == 404
    assert post_json(client, f"{API}/meetings/{dispatch['id']}/decisions", {"text": "x"}).status_code == 404
    county_create = post_json(
        client,
        f"{API}/items",
        {"command_post_id": county_post.pk, "title": "x", "due_on": in_days(1), "owner_unit_id": world.village_a.pk},
    )
    assert county_create.status_code == 404
    assert post_json(client, f"{API}/items/{village_item.pk}/verify", {"text": "x"}).status_code == 404
    assert (ActionItem.objects.count(), ActionNote.objects.count(), AuditEvent.objects.count()) == before

    progressed = post_json(client, f"{API}/items/{village_item.pk}/progress", {"text": "已安排两人值守"})
    claimed = post_json(client, f"{API}/items/{village_item.pk}/claim", {"text": "值守到位"})

    assert progressed.json()["item"]["status"] == "in_progress"
    assert claimed.status_code == 200 and claimed.json()["item"]["status"] == "claimed"


def test_a_weakness_is_fixed_through_its_corrective_item(
    world: World, county_post: CommandPost, hq_office: User
) -> None:
    office = api_client(hq_office)
    found = post_json(
        office,
        f"{API}/weaknesses",
        {
            "command_post_id": county_post.pk,
            "unit_id": world.village_a.pk,
            "found_by": "县督导组",
            "description": "村口卡点夜间无人",
        },
    )
    assert found.status_code == 201, found.content
    weakness = found.json()
    assert (weakness["unit_id"], weakness["status"], weakness["items"]) == (world.village_a.pk, "open", [])
    item = post_json(
        office,
        f"{API}/items",
        {
            "command_post_id": county_post.pk,
            "title": "卡点夜间排班",
            "due_on": in_days(0),
            "owner_unit_id": world.village_a.pk,
            "weakness_id": weakness["id"],
        },
    ).json()
    assert (item["origin"], item["weakness_id"]) == ("weakness", weakness["id"])
    verify = f"{API}/weaknesses/{weakness['id']}/verify"
    too_soon = post_json(office, verify, {"verification": "夜查"})
    assert too_soon.status_code == 422
    assert too_soon.json()["detail"] == {"__all__": ["Some corrective items are not verified yet."]}

    post_json(api_client(lead("monitoring")), f"{API}/items/{item['id']}/claim", {"text": "已排班"})
    post_json(api_client(lead("supervision")), f"{API}/items/{item['id']}/verify", {"text": "夜查属实"})
    verified = post_json(office, verify, {"verification": "夜查两次均有人值守"})

    assert verified.status_code == 200, verified.content
    assert verified.json()["status"] == "verified" and verified.json()["items"][0]["status"] == "verified"
    listed = office.get(f"{API}/weaknesses", {"status": "verified"}).json()
    assert [w["id"] for w in listed["items"]] == [weakness["id"]]


def test_a_weakness_outside_the_scope_is_not_found(world: World, county_post: CommandPost) -> None:
    township = factories.account("township_cadre", world.township_a, username="bob")
    township_post = command.post(world.township_a)
    answer = post_json(
        api_client(township),
        f"{API}/weaknesses",
        {"command_post_id": township_post.pk, "unit_id": world.village_b.pk, "found_by": "x", "description": "x"},
    )
    assert answer.status_code == 422 and answer.json()["detail"] == {"unit_id": ["No such unit in your scope."]}
    on_county = post_json(
        api_client(township),
        f"{API}/weaknesses",
        {"command_post_id": county_post.pk, "unit_id": world.village_a.pk, "found_by": "x", "description": "x"},
    )
    assert on_county.status_code == 404


def _dispatch_with_items(post: CommandPost, by: User, count: int) -> Meeting:
    meeting = meeting_open(by=by, command_post=post, kind=MeetingKind.objects.get(code="morning_dispatch"))
    for member in post.members.all():
        attendance_record(by=by, meeting=meeting, member=member, present=True)
    groups = list(post.groups.all())
    members = list(post.members.all())
    for n in range(count):
        owner: dict[str, Any] = (
            {"owner_group": groups[n % len(groups)]} if n % 3 else {"owner_member": members[n % len(members)]}
        )
        decision = decision_record(
            by=by, meeting=meeting, text=f"任务{n}", due_on=timezone.localdate() + dt.timedelta(days=1), **owner
        )
        action_item_progress(by=None, item=decision.action_items.get(), text=f"进展{n}")
    earlier = item_for(post, "昨天的任务", owner_group=groups[0])
    ActionItem.objects.filter(pk=earlier.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    return meeting


@pytest.mark.parametrize("kind", ["morning_dispatch", "evening_review"])
def test_a_meeting_reads_in_the_same_number_of_queries_whatever_its_items(
    county_post: CommandPost, hq_office: User, kind: str
) -> None:
    client = api_client(hq_office)
    client.get(f"{API}/meetings")  # the token's last use and the caller's permissions are cached from here on
    counts = []
    for size in (2, 10):
        meeting = _dispatch_with_items(county_post, hq_office, size)
        Meeting.objects.filter(pk=meeting.pk).update(kind=MeetingKind.objects.get(code=kind))
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(f"{API}/meetings/{meeting.pk}")
        assert answer.status_code == 200
        assert len(answer.json()["decisions"]) == size
        lines = answer.json()["material"]["by_group"]
        notes = [note["text"] for line in lines for item in line["items"] for note in item["notes_today"]]
        assert len(notes) == (size if kind == "evening_review" else 0)
        counts.append(len(queries))
        Meeting.objects.filter(pk=meeting.pk).update(held_on=timezone.localdate() - dt.timedelta(days=30))
    assert counts[0] == counts[1]
