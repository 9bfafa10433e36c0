"""The deployment API: secondments and who is where on a day, teams with their members, county leaders' units;
bad input refused by field, and nothing of village A for a cadre of township B."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from bastion.core.models import User
from bastion.core.services.accounts import token_create
from bastion.mobilization.models import LeaderAssignment, Secondment, Team
from tests import factories
from tests.conftest import World
from tests.mobilization.factories import responder
from tests.mobilization.factories_deployment import answers_for, seconded, team

API = "/api/v1/mobilization"


def api_client(user: User) -> Client:
    _token, key = token_create(by=user, name="phone")
    return Client(headers={"authorization": f"Bearer {key}", "accept-language": "en"})


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}{url}", body, content_type="application/json")


@pytest.mark.django_db
def test_secondments_are_made_listed_by_day_and_ended(world: World, county_admin: User) -> None:
    client = api_client(county_admin)
    wang, li = responder(world.village_a, "王建国"), responder(world.village_a, "李明")
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)

    made = post(
        client,
        "/secondments",
        {"responder_id": wang.pk, "duty_type": "screening", "unit_id": world.village_a.pk, "starts_on": str(today)},
    )
    later = post(
        client,
        "/secondments",
        {"responder_id": li.pk, "duty_type": "hq", "unit_id": world.county.pk, "starts_on": str(tomorrow)},
    )

    assert made.status_code == 201, made.content
    assert later.status_code == 201, later.content
    assert made.json() | {"id": 0} == {
        "id": 0,
        "responder_id": wang.pk,
        "responder_name": "王建国",
        "category": "cadre",
        "duty_type": "screening",
        "duty_type_name": "Door-to-door screening",
        "unit_id": world.village_a.pk,
        "unit_name": "水磨沟村",
        "starts_on": str(today),
        "ends_on": None,
        "note": "",
    }
    assert [s["responder_name"] for s in client.get(f"{API}/secondments").json()["items"]] == ["王建国"]
    on_tomorrow = client.get(f"{API}/secondments", {"day": str(tomorrow)}).json()["items"]
    assert sorted(s["responder_name"] for s in on_tomorrow) == ["李明", "王建国"]
    hq = client.get(f"{API}/secondments", {"day": str(tomorrow), "duty_type": "hq"}).json()["items"]
    assert [s["responder_name"] for s in hq] == ["李明"]

    ended = post(client, f"/secondments/{made.json()['id']}/end", {})
    assert ended.status_code == 200 and ended.json()["ends_on"] == str(today)


@pytest.mark.django_db
def test_an_overlapping_secondment_and_an_unknown_duty_are_refused_by_field(world: World, county_admin: User) -> None:
    client = api_client(county_admin)
    wang = responder(world.village_a, "王建国")
    seconded(county_admin, wang, world.village_a)
    body = {"responder_id": wang.pk, "duty_type": "hq", "unit_id": world.county.pk, "starts_on": "2020-02-03"}

    overlap = post(client, "/secondments", body)
    unknown = post(client, "/secondments", body | {"duty_type": "dancing"})

    assert overlap.status_code == 422 and "is already seconded" in overlap.json()["detail"]["responder_id"][0]
    assert unknown.status_code == 422 and list(unknown.json()["detail"]) == ["duty_type"]
    assert Secondment.objects.count() == 1


@pytest.mark.django_db
def test_a_team_is_formed_changed_and_read_with_its_members(world: World, county_admin: User) -> None:
    client = api_client(county_admin)
    wang, li, zhao = (responder(world.village_a, name) for name in ("王建国", "李明", "赵丽"))
    body = {"kind": "commando", "name": "水磨沟突击队", "unit_id": world.village_a.pk, "leader_id": wang.pk}

    formed = post(client, "/teams", body | {"member_ids": [li.pk], "tasks": "消杀"})

    assert formed.status_code == 201, formed.content
    answer = formed.json()
    assert (answer["kind"], answer["leader_name"], answer["member_count"]) == ("commando", "王建国", 2)
    assert sorted(m["name"] for m in answer["members"]) == ["李明", "王建国"]
    changed = post(client, f"/teams/{answer['id']}", body | {"member_ids": [zhao.pk]})
    assert changed.status_code == 200 and changed.json()["member_count"] == 2
    assert set(Team.objects.get().members.all()) == {wang, zhao}
    listed = client.get(f"{API}/teams", {"kind": "commando"}).json()["items"]
    assert [(t["name"], t["member_count"]) for t in listed] == [("水磨沟突击队", 2)]
    assert client.get(f"{API}/teams", {"kind": "service"}).json()["items"] == []


@pytest.mark.django_db
def test_a_member_from_outside_the_teams_unit_is_refused(world: World, county_admin: User) -> None:
    client = api_client(county_admin)
    elsewhere = responder(world.township_a, "李明")
    body = {"kind": "vanguard", "name": "水磨沟先锋队", "unit_id": world.village_a.pk, "member_ids": [elsewhere.pk]}

    refused = post(client, "/teams", body)

    assert refused.status_code == 422 and list(refused.json()["detail"]) == ["member_ids"]
    assert not Team.objects.exists()


@pytest.mark.django_db
def test_a_county_leader_is_assigned_listed_and_released(world: World, county_admin: User) -> None:
    client = api_client(county_admin)
    leader = responder(world.county, "马书记", category="leader")
    started = timezone.localdate() - dt.timedelta(days=9)

    made = post(client, "/leaders", {"leader_id": leader.pk, "unit_id": world.village_a.pk, "starts_on": str(started)})
    county = post(client, "/leaders", {"leader_id": leader.pk, "unit_id": world.county.pk})

    assert made.status_code == 201, made.content
    assert (made.json()["leader_name"], made.json()["unit_name"]) == ("马书记", "水磨沟村")
    assert county.status_code == 422 and list(county.json()["detail"]) == ["unit_id"]
    assert [a["unit_name"] for a in client.get(f"{API}/leaders").json()["items"]] == ["水磨沟村"]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    released = post(client, f"/leaders/{made.json()['id']}/release", {"ends_on": str(yesterday)})
    assert released.status_code == 200 and released.json()["ends_on"] == str(yesterday)
    assert client.get(f"{API}/leaders").json()["items"] == []
    assert len(client.get(f"{API}/leaders", {"current": "false"}).json()["items"]) == 1


@pytest.mark.django_db
def test_a_cadre_of_township_b_gets_and_changes_nothing_of_village_a(world: World, county_admin: User) -> None:
    wang = responder(world.village_a, "王建国")
    secondment = seconded(county_admin, wang, world.village_a)
    formed = team(county_admin, world.village_a, "水磨沟先锋队", wang)
    assignment = answers_for(county_admin, responder(world.county, "马书记", category="leader"), world.village_a)
    client = api_client(factories.account("township_cadre", world.township_b, username="erin"))
    before = [list(m.objects.values()) for m in (Secondment, Team, LeaderAssignment)]

    for url in ("/secondments", "/teams", "/leaders"):
        answer = client.get(f"{API}{url}")
        assert answer.status_code == 200 and answer.json()["items"] == []
    assert client.get(f"{API}/teams/{formed.pk}").status_code == 404
    assert post(client, f"/secondments/{secondment.pk}/end", {}).status_code == 404
    assert post(client, f"/leaders/{assignment.pk}/release", {}).status_code == 404
    body = {"kind": "vanguard", "name": "改名", "unit_id": world.township_b.pk}
    assert post(client, f"/teams/{formed.pk}", body).status_code == 404
    aimed = {"responder_id": wang.pk, "duty_type": "hq", "unit_id": world.township_b.pk, "starts_on": "2020-03-01"}
    assert post(client, "/secondments", aimed).status_code == 404
    assert post(client, "/leaders", {"leader_id": wang.pk, "unit_id": world.village_a.pk}).status_code == 404
    assert [list(m.objects.values()) for m in (Secondment, Team, LeaderAssignment)] == before
