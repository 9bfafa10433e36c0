"""The outreach API: a phone records what the village did and reads the reach; gatherings and their outcome; bad
input refused by field, nothing written; another village's records do not exist for the caller."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from bastion.core.models import OrgUnit, User
from bastion.core.services.accounts import token_create
from bastion.outreach.models import Activity, Gathering, Notice
from bastion.outreach.services.activities import activity_record
from tests.conftest import World
from tests.outreach.factories import channel

pytestmark = pytest.mark.django_db


def api_client(user: User) -> Client:
    _token, key = token_create(by=user, name="phone")
    return Client(headers={"authorization": f"Bearer {key}", "accept-language": "en"})


def today() -> str:
    return f"{timezone.localdate():%Y-%m-%d}"


def test_a_phone_records_outreach_and_reads_the_reach(world: World, village_cadre_a: User, county_admin: User) -> None:
    client = api_client(village_cadre_a)
    for code, reach, group in (
        ("vehicle_loudspeaker", 600, None),
        ("leaflet", 200, None),
        ("briefing", 12, "shop_owners"),
    ):
        answer = client.post(
            "/api/v1/outreach/activities",
            {"unit_id": world.village_a.pk, "on": today(), "channel": code, "reach": reach, "target_group": group},
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content
    assert answer.json()["target_group"] == "shop_owners" and answer.json()["unit_name"] == "水磨沟村"

    listed = client.get("/api/v1/outreach/activities", {"channel": "leaflet"}).json()
    assert listed["count"] == 1 and listed["items"][0]["reach"] == 200

    totals = api_client(county_admin).get("/api/v1/outreach/activities/totals", {"unit": world.county.pk}).json()
    assert totals["reach"] == 812 and totals["activities"] == 3
    assert {line["code"]: line["reach"] for line in totals["by_channel"]} == {
        "vehicle_loudspeaker": 600,
        "leaflet": 200,
        "briefing": 12,
    }
    assert {line["unit_id"]: line["reach"] for line in totals["by_unit"]} == {
        world.township_a.pk: 812,
        world.township_b.pk: 0,
    }
    assert {line["code"]: line["reach"] for line in totals["by_target_group"]} == {"shop_owners": 12, None: 800}


def test_bad_input_is_refused_by_field_and_nothing_is_written(world: World, village_cadre_a: User) -> None:
    OrgUnit.objects.filter(pk=world.village_a.pk).update(population=800)
    client = api_client(village_cadre_a)
    body = {"unit_id": world.village_a.pk, "on": today(), "channel": "loudspeaker"}

    negative = client.post("/api/v1/outreach/activities", {**body, "reach": -5}, content_type="application/json")
    absurd = client.post("/api/v1/outreach/activities", {**body, "reach": 100000}, content_type="application/json")
    unknown = client.post(
        "/api/v1/outreach/activities", {**body, "reach": 5, "channel": "pigeon"}, content_type="application/json"
    )

    assert negative.status_code == 422 and "reach" in negative.json()["detail"]
    assert absurd.status_code == 422 and "at most 2400" in absurd.json()["detail"]["reach"][0]
    assert unknown.status_code == 422 and "channel" in unknown.json()["detail"]
    assert not Activity.objects.exists()


def test_another_villages_records_do_not_exist_for_the_caller(
    world: World, village_cadre_a: User, village_cadre_b: User
) -> None:
    activity_record(
        by=village_cadre_b, org_unit=world.village_b, on=timezone.localdate(), channel=channel("sms"), reach=9
    )
    client = api_client(village_cadre_a)
    refused = client.post(
        "/api/v1/outreach/activities",
        {"unit_id": world.village_b.pk, "on": today(), "channel": "sms", "reach": 5},
        content_type="application/json",
    )
    assert refused.status_code == 404 and Activity.objects.count() == 1
    assert client.get("/api/v1/outreach/activities").json()["count"] == 0
    assert client.get("/api/v1/outreach/activities/totals", {"unit": world.village_b.pk}).status_code == 404

    theirs = api_client(village_cadre_b).post(
        "/api/v1/outreach/gatherings",
        {
            "unit_id": world.village_b.pk,
            "kind": "wedding",
            "family": "沈家",
            "planned_on": today(),
            "expected_size": 50,
        },
        content_type="application/json",
    )
    assert theirs.status_code == 201
    gathering_id = theirs.json()["id"]
    assert client.get(f"/api/v1/outreach/gatherings/{gathering_id}").status_code == 404
    outcome = client.post(
        f"/api/v1/outreach/gatherings/{gathering_id}/outcome", {"outcome": "cancelled"}, content_type="application/json"
    )
    assert outcome.status_code == 404 and Gathering.objects.get().outcome == "planned"
    assert client.get("/api/v1/outreach/gatherings").json()["count"] == 0


def test_a_notice_outside_the_scope_is_refused(world: World, village_cadre_a: User) -> None:
    county_notice = Notice.objects.create(org_unit=world.county, texts={"zh-hans": {"title": "致返乡人员的一封信"}})
    other_notice = Notice.objects.create(org_unit=world.village_b, texts={"zh-hans": {"title": "沈家沟通知"}})
    client = api_client(village_cadre_a)
    body = {"unit_id": world.village_a.pk, "on": today(), "channel": "leaflet", "reach": 100}

    linked = client.post(
        "/api/v1/outreach/activities", {**body, "notice_id": county_notice.pk}, content_type="application/json"
    )
    refused = client.post(
        "/api/v1/outreach/activities", {**body, "notice_id": other_notice.pk}, content_type="application/json"
    )

    assert linked.status_code == 201 and linked.json()["notice_id"] == county_notice.pk
    assert refused.status_code == 422 and "notice_id" in refused.json()["detail"]
    assert Activity.objects.count() == 1


def test_the_funeral_through_the_api(world: World, village_cadre_a: User) -> None:
    client = api_client(village_cadre_a)
    planned = client.post(
        "/api/v1/outreach/gatherings",
        {
            "unit_id": world.village_a.pk,
            "kind": "funeral",
            "family": "马建国",
            "phone": "13912345678",
            "planned_on": f"{timezone.localdate() + dt.timedelta(days=1):%Y-%m-%d}",
            "expected_size": 80,
            "guidance": "No banquet.",
        },
        content_type="application/json",
    )
    assert planned.status_code == 201 and planned.json()["phone"] == "139****5678"
    gathering_id = planned.json()["id"]
    listed = client.get("/api/v1/outreach/gatherings").json()
    assert listed["items"][0]["family"] == "马*国"
    assert client.get(f"/api/v1/outreach/gatherings/{gathering_id}").json()["family"] == "马建国"

    url = f"/api/v1/outreach/gatherings/{gathering_id}/outcome"
    refused = client.post(url, {"outcome": "held_simply"}, content_type="application/json")
    assert refused.status_code == 422 and "actual_size" in refused.json()["detail"]
    held = client.post(url, {"outcome": "held_simply", "actual_size": 12}, content_type="application/json")
    assert held.status_code == 200 and held.json()["outcome"] == "held_simply" and held.json()["actual_size"] == 12
    assert client.get("/api/v1/outreach/gatherings", {"outcome": "held_simply"}).json()["count"] == 1
