"""The command API's structure and work log: a post set up and staffed from a phone, bad input refused by field
with nothing written, a village's "who to call" in full, the work log signed then only amended, a village's
scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bastion.command.models import CommandPost, Liaison, PostMember, WorkingGroup, WorkLog, WorkLogAmendment
from bastion.command.services.structure import liaison_create
from bastion.core.crypto import mask
from bastion.core.models import AuditEvent, User
from bastion.core.services.accounts import token_create
from tests import factories
from tests.command import factories as command
from tests.conftest import World

pytestmark = pytest.mark.django_db

API = "/api/v1/command"
SIGNED = "This log is signed: add an amendment instead."


def api_client(user: User) -> Client:
    _token, key = token_create(by=user, name="phone")
    return Client(headers={"authorization": f"Bearer {key}", "accept-language": "en"})


def post_json(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


def put_json(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.put(url, data, content_type="application/json")


@pytest.fixture
def village_cadre_a(world: World) -> User:
    return factories.account("village_cadre", world.village_a, username="erin")


@pytest.fixture
def township_post(world: World) -> CommandPost:
    post = command.post(world.township_a)
    command.member(post, "陈镇长", PostMember.Position.LEADER)
    command.member(post, "周联络", PostMember.Position.LIAISON, group="monitoring", lead=True)
    return post


def audit_count() -> int:
    return AuditEvent.objects.count()


# --- Posts and members --------------------------------------------------------------------------------------------


def test_a_post_is_set_up_with_its_eight_groups_and_staffed(world: World, county_admin: User) -> None:
    admin = api_client(county_admin)
    township_account = factories.account("township_cadre", world.township_a, username="bob")

    created = post_json(
        admin,
        f"{API}/posts",
        {
            "org_unit_id": world.township_a.pk,
            "name": "木垒镇疫情防控指挥部",
            "leading_group_name": "木垒镇疫情防控领导小组",
            "duty_phone": "0994-4825678",
            "address": "木垒镇人民路1号",
        },
    )

    assert created.status_code == 201, created.content
    detail = created.json()
    post_id = detail["post"]["id"]
    assert (detail["post"]["unit_id"], detail["post"]["name"]) == (world.township_a.pk, "木垒镇疫情防控指挥部")
    duty_phone = CommandPost.objects.get(pk=post_id).duty_phone
    assert detail["post"]["duty_phone"] == mask(duty_phone) and duty_phone not in created.content.decode()
    assert len(detail["groups"]) == 8
    assert detail["groups"][0]["code"] == "coordination" and detail["groups"][0]["lead_id"] is None
    assert (detail["current_members"], detail["past_members"], detail["liaisons"]) == ([], [], [])
    again = post_json(admin, f"{API}/posts", {"org_unit_id": world.township_a.pk, "name": "又一个"})
    assert again.status_code == 422 and list(again.json()["detail"]) == ["org_unit_id"]

    joined = post_json(
        admin,
        f"{API}/posts/{post_id}/members",
        {
            "name": "陈镇长",
            "position": "leader",
            "title": "镇长",
            "phone": "13912345678",
            "user_id": township_account.pk,
        },
    )

    assert joined.status_code == 201, joined.content
    member = joined.json()
    assert (member["name"], member["position"], member["user_id"]) == ("陈镇长", "leader", township_account.pk)
    assert member["phone"] == "139****5678" and member["ends_on"] is None
    no_name = post_json(admin, f"{API}/posts/{post_id}/members", {"name": " ", "phone": "12"})
    assert no_name.status_code == 422 and set(no_name.json()["detail"]) == {"name", "phone"}
    village_b_account = factories.account("village_cadre", world.village_b, username="charlie")
    stranger = post_json(admin, f"{API}/posts/{post_id}/members", {"name": "x", "user_id": village_b_account.pk})
    assert stranger.json()["detail"] == {"user_id": ["No such account works for this command post."]}
    assert PostMember.objects.filter(command_post_id=post_id).count() == 1

    ended = post_json(admin, f"{API}/members/{member['id']}/end", {})
    assert ended.status_code == 200 and ended.json()["ends_on"] == timezone.localdate().isoformat()
    twice = post_json(admin, f"{API}/members/{member['id']}/end", {})
    assert twice.status_code == 422 and list(twice.json()["detail"]) == ["ends_on"]
    shown = admin.get(f"{API}/posts/{post_id}")
    assert [m["name"] for m in shown.json()["past_members"]] == ["陈镇长"] and shown.json()["current_members"] == []
    assert "13912345678" not in shown.content.decode()
    assert list(
        AuditEvent.objects.filter(action__startswith="post_member.").values_list("action", flat=True).order_by("pk")
    ) == ["post_member.add", "post_member.end"]
    listed = admin.get(f"{API}/posts", {"q": "木垒镇"}).json()
    assert [p["id"] for p in listed["items"]] == [post_id] and listed["items"][0]["group_count"] == 8


def test_a_group_is_changed_but_a_lead_from_another_post_is_refused_and_nothing_saved(
    county_post: CommandPost, township_post: CommandPost, hq_office: User
) -> None:
    office = api_client(hq_office)
    group = command.group(county_post, "logistics")
    before = (group.names, group.lead_id, sorted(group.members.values_list("pk", flat=True)))
    stranger = PostMember.objects.get(command_post=township_post, name="陈镇长")
    audit = audit_count()

    refused = put_json(
        office,
        f"{API}/groups/{group.pk}",
        {"names": {"zh-hans": "后勤保障组", "en": "Logistics"}, "lead_id": stranger.pk, "member_ids": []},
    )

    assert refused.status_code == 422
    assert refused.json()["detail"] == {"lead_id": [f"The lead must be a current member of {county_post.name}."]}
    group.refresh_from_db()
    assert (group.names, group.lead_id, sorted(group.members.values_list("pk", flat=True))) == before
    assert audit_count() == audit
    unknown = put_json(
        office, f"{API}/groups/{group.pk}", {"names": {"fr": "Logistique"}, "member_ids": [999999], "areas": ["x"]}
    )
    assert unknown.json()["detail"] == {
        "member_ids": ["No such member in your scope: 999999."],
        "names": ["Give the names in these languages: zh-hans, en."],
    }

    director = PostMember.objects.get(command_post=county_post, name="李主任")
    changed = put_json(
        office,
        f"{API}/groups/{group.pk}",
        {
            "names": {"zh-hans": "物资保障组", "en": "Supplies"},
            "duties": "物资调配",
            "areas": ["supplies"],
            "lead_id": director.pk,
            "member_ids": [],
        },
    )

    assert changed.status_code == 200, changed.content
    out = changed.json()
    assert (out["name"], out["lead_id"], out["lead_name"], out["areas"]) == (
        "Supplies",
        director.pk,
        "李主任",
        ["supplies"],
    )
    assert out["members"] == [{"id": director.pk, "name": "李主任"}]
    assert office.get(f"{API}/groups/{group.pk}").json() == out
    added = post_json(
        office,
        f"{API}/posts/{county_post.pk}/groups",
        {"names": {"zh-hans": "宣传组", "en": "Outreach team"}, "areas": ["outreach"], "member_ids": [director.pk]},
    )
    assert added.status_code == 201 and added.json()["code"] == "outreach-team"
    clash = post_json(office, f"{API}/posts/{county_post.pk}/groups", {"names": {"en": "Outreach team"}})
    assert clash.status_code == 422 and list(clash.json()["detail"]) == ["names"]
    assert WorkingGroup.objects.filter(command_post=county_post).count() == 9


# --- Liaisons -----------------------------------------------------------------------------------------------------


def test_a_liaison_pairs_the_post_with_a_unit_below_it_only(
    world: World, county_admin: User, township_post: CommandPost
) -> None:
    admin = api_client(county_admin)
    township = api_client(factories.account("township_cadre", world.township_a, username="bob"))
    hq = PostMember.objects.get(command_post=township_post, name="周联络")
    url = f"{API}/posts/{township_post.pk}/liaisons"
    audit = audit_count()

    sideways = post_json(
        admin,
        url,
        {
            "unit_id": world.village_b.pk,
            "hq_member_id": hq.pk,
            "contact_name": "沈书记",
            "contact_phone": "13911112222",
        },
    )

    assert sideways.status_code == 422
    assert sideways.json()["detail"] == {
        "unit_id": ["沈家沟村 is not below 木垒镇: a liaison pairs the post with a unit below it."]
    }
    both = post_json(
        admin,
        url,
        {
            "unit_id": world.village_a.pk,
            "institution_id": world.clinic_a.pk,
            "hq_member_id": hq.pk,
            "contact_name": "",
            "contact_phone": "",
        },
    )
    assert set(both.json()["detail"]) == {"unit_id", "contact_name", "contact_phone"}
    out_of_scope = post_json(
        township,
        url,
        {"unit_id": world.village_b.pk, "hq_member_id": hq.pk, "contact_name": "x", "contact_phone": "13911112222"},
    )
    assert out_of_scope.json()["detail"] == {"unit_id": ["No such unit in your scope."]}
    assert not Liaison.objects.exists() and audit_count() == audit


def test_a_new_liaison_replaces_the_current_one_which_is_kept_ended(
    world: World, township_cadre: User, township_post: CommandPost
) -> None:
    cadre = api_client(township_cadre)
    hq = PostMember.objects.get(command_post=township_post, name="周联络")
    url = f"{API}/posts/{township_post.pk}/liaisons"
    first = post_json(
        cadre,
        url,
        {
            "unit_id": world.village_a.pk,
            "hq_member_id": hq.pk,
            "contact_name": "马书记",
            "contact_phone": "13966667777",
        },
    )
    assert first.status_code == 201, first.content
    assert first.json()["contact_phone"] == "139****7777" and first.json()["hq_member_phone"] == hq.masked_phone

    second = post_json(
        cadre,
        url,
        {
            "unit_id": world.village_a.pk,
            "hq_member_id": hq.pk,
            "contact_name": "马主任",
            "contact_phone": "13966668888",
        },
    )

    assert second.status_code == 201
    old = Liaison.objects.get(pk=first.json()["id"])
    assert old.ends_on == timezone.localdate() and old.contact_name == "马书记"
    detail = cadre.get(f"{API}/posts/{township_post.pk}")
    assert [item["id"] for item in detail.json()["liaisons"]] == [second.json()["id"]]
    for phone in ("13966667777", "13966668888", hq.phone):
        assert phone not in detail.content.decode()
    ended = post_json(cadre, f"{API}/liaisons/{second.json()['id']}/end", {})
    assert ended.status_code == 200 and ended.json()["ends_on"] == timezone.localdate().isoformat()
    assert cadre.get(f"{API}/posts/{township_post.pk}").json()["liaisons"] == []
    assert Liaison.objects.filter(command_post=township_post).count() == 2


# --- Who to call --------------------------------------------------------------------------------------------------


def test_village_a_gets_whom_to_call_in_full_and_nothing_of_village_b(
    world: World, village_cadre_a: User, county_post: CommandPost, township_post: CommandPost
) -> None:
    liaison = liaison_create(
        by=None,
        command_post=township_post,
        hq_member=PostMember.objects.get(command_post=township_post, name="周联络"),
        unit=world.village_a,
        contact_name="马书记",
        contact_phone="13966667777",
    )
    client = api_client(village_cadre_a)

    answer = client.get(f"{API}/units/{world.village_a.pk}/contacts")

    assert answer.status_code == 200, answer.content
    contacts = answer.json()
    assert (contacts["unit_id"], contacts["own"], contacts["leaders"]) == (world.village_a.pk, None, [])
    [line] = contacts["liaisons"]
    assert (line["id"], line["contact_name"], line["contact_phone"]) == (liaison.pk, "马书记", "13966667777")
    assert line["hq_member_phone"] == liaison.hq_member.phone
    assert [post["id"] for post in contacts["above"]] == [township_post.pk, county_post.pk]
    county = contacts["above"][1]
    assert county["duty_phone"] == "0994-4821234"
    leader = PostMember.objects.get(command_post=county_post, name="王县长")
    assert county["leaders"] == [
        {
            "id": leader.pk,
            "name": "王县长",
            "position": "leader",
            "position_label": "leader",
            "title": "",
            "phone": leader.phone,
        }
    ]
    monitoring = next(g for g in county["groups"] if g["code"] == "monitoring")
    assert monitoring["lead_phone"] == PostMember.objects.get(name="张组长").phone
    assert client.get(f"{API}/units/{world.village_b.pk}/contacts").status_code == 404


# --- Work logs ----------------------------------------------------------------------------------------------------


def test_a_work_log_is_drafted_edited_signed_then_only_amended(county_post: CommandPost, hq_office: User) -> None:
    office = api_client(hq_office)
    today = timezone.localdate().isoformat()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    too_soon = post_json(office, f"{API}/worklogs", {"command_post_id": county_post.pk, "day": tomorrow})
    assert too_soon.status_code == 422 and list(too_soon.json()["detail"]) == ["day"]

    drafted = post_json(office, f"{API}/worklogs", {"command_post_id": county_post.pk, "day": today})

    assert drafted.status_code == 201, drafted.content
    log = drafted.json()
    assert (log["status"], log["day"], log["signed_by"], log["amendments"]) == ("draft", today, "", [])
    assert log["body"].startswith("1. Reports filed")
    url = f"{API}/worklogs/{log['id']}"
    empty = put_json(office, url, {"body": "  "})
    assert empty.json()["detail"] == {"body": ["Write the log: it cannot be empty."]}
    edited = put_json(office, url, {"body": "1. 今日召开调度会\n2. 排查返乡人员12人"})
    assert edited.status_code == 200 and edited.json()["edited_by"] == str(hq_office)
    signed = post_json(office, f"{url}/sign")
    assert signed.status_code == 200
    assert (signed.json()["status"], signed.json()["signed_by"]) == ("signed", str(hq_office))
    assert signed.json()["signed_at"]

    refused = put_json(office, url, {"body": "改过的日志"})

    assert refused.status_code == 422 and refused.json()["detail"] == {"body": [SIGNED]}
    assert WorkLog.objects.get(pk=log["id"]).body == "1. 今日召开调度会\n2. 排查返乡人员12人"
    assert post_json(office, f"{url}/sign").json()["detail"] == {"__all__": [SIGNED]}
    amended = post_json(office, f"{url}/amendments", {"text": "返乡人员应为13人"})
    assert amended.status_code == 201 and amended.json()["by"] == str(hq_office)
    shown = office.get(url).json()
    assert [a["text"] for a in shown["amendments"]] == ["返乡人员应为13人"]
    assert shown["body"] == "1. 今日召开调度会\n2. 排查返乡人员12人" and shown["status"] == "signed"
    assert list(
        AuditEvent.objects.filter(action__startswith="worklog.").values_list("action", flat=True).order_by("pk")
    ) == ["worklog.draft", "worklog.edit", "worklog.sign", "worklog.amend"]
    listed = office.get(f"{API}/worklogs", {"status": "signed", "from": today, "to": today}).json()
    assert [(item["id"], item["amendment_count"]) for item in listed["items"]] == [(log["id"], 1)]


def test_a_village_cannot_read_or_sign_the_county_log(
    county_post: CommandPost, hq_office: User, village_cadre_a: User
) -> None:
    log_id = post_json(
        api_client(hq_office),
        f"{API}/worklogs",
        {"command_post_id": county_post.pk, "day": timezone.localdate().isoformat()},
    ).json()["id"]
    client = api_client(village_cadre_a)
    before = (list(WorkLog.objects.values_list("status", "body", "signed_by")), audit_count())

    assert client.get(f"{API}/worklogs/{log_id}").status_code == 404
    assert post_json(client, f"{API}/worklogs/{log_id}/sign").status_code == 404
    assert put_json(client, f"{API}/worklogs/{log_id}", {"body": "x"}).status_code == 404
    assert post_json(client, f"{API}/worklogs/{log_id}/amendments", {"text": "x"}).status_code == 404
    assert client.get(f"{API}/worklogs").json()["count"] == 0
    redraft = post_json(
        client, f"{API}/worklogs", {"command_post_id": county_post.pk, "day": timezone.localdate().isoformat()}
    )
    assert redraft.status_code == 404

    assert (list(WorkLog.objects.values_list("status", "body", "signed_by")), audit_count()) == before
    assert not WorkLogAmendment.objects.exists()


# --- Queries ------------------------------------------------------------------------------------------------------


def test_a_post_reads_in_the_same_number_of_queries_whatever_its_members(
    world: World, county_admin: User, township_post: CommandPost
) -> None:
    client = api_client(county_admin)
    url = f"{API}/posts/{township_post.pk}"
    client.get(url)  # the token's last use and the caller's permissions are cached from here on
    counts = []
    for size in (2, 8):
        while township_post.members.count() < size:
            n = township_post.members.count()
            member = command.member(township_post, f"成员{n}", group="logistics")
            if n % 2:
                PostMember.objects.filter(pk=member.pk).update(ends_on=timezone.localdate())
        liaison_create(
            by=None,
            command_post=township_post,
            hq_member=PostMember.objects.get(command_post=township_post, name="周联络"),
            unit=world.village_a,
            contact_name=f"联络{size}",
            contact_phone="13966667777",
        )
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(url)
        assert answer.status_code == 200
        assert len(answer.json()["current_members"]) + len(answer.json()["past_members"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
