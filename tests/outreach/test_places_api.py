"""The API of places, inspections and disinfection: the same story as on the pages, refusals named as sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from bastion.command.models import ActionItem, CommandPost
from bastion.core.models import User
from bastion.core.services.accounts import token_create
from bastion.outreach.models import ChecklistItem, Disinfection, Inspection, Place
from tests.command import factories as command
from tests.conftest import World
from tests.outreach import factories as outreach

pytestmark = pytest.mark.django_db


def api(user: User) -> Client:
    _token, key = token_create(by=user, name="phone")
    return Client(headers={"authorization": f"Bearer {key}", "accept-language": "en"})


@pytest.fixture
def county_post(world: World) -> CommandPost:
    return command.post(world.county, groups=False)


def body(place: Place, failed: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    failed = failed or {}
    items = ChecklistItem.objects.filter(place_kind=place.kind, is_active=True)
    answers = [{"item_id": i.pk, "passed": i.code not in failed, "note": failed.get(i.code, "")} for i in items]
    return {"inspectors": "县督查组", "answers": answers, **extra}


def test_the_supermarket_story_through_the_api(world: World, inspector: User, county_post: CommandPost) -> None:
    client = api(inspector)
    created = client.post(
        "/api/v1/outreach/places",
        {
            "unit_id": world.village_a.pk,
            "kind": "supermarket",
            "name": "万家福超市",
            "responsible_phone": "13912340000",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    place_id = created.json()["id"]
    assert created.json()["responsible_phone"] == "139****0000"
    place = Place.objects.get(pk=place_id)
    deadline = (timezone.localdate() + dt.timedelta(days=1)).isoformat()

    failed = client.post(
        f"/api/v1/outreach/places/{place_id}/inspections",
        body(place, {"temperature": "入口无人测温"}, rectify_by=deadline),
        content_type="application/json",
    )

    assert failed.status_code == 201, failed.content
    out = failed.json()
    assert out["result"] == "failed" and out["rectification"]["due_on"] == deadline
    assert out["rectification"]["status"] == "open"
    detail = client.get(f"/api/v1/outreach/places/{place_id}").json()
    assert detail["has_open_rectification"] and [r["id"] for r in detail["open_rectifications"]] == [
        out["rectification"]["id"]
    ]
    assert [a["item_code"] for a in detail["inspections"][0]["answers"] if not a["passed"]] == ["temperature"]

    again = client.post(
        f"/api/v1/outreach/inspections/{out['id']}/reinspections", body(place), content_type="application/json"
    )

    assert again.status_code == 201, again.content
    assert again.json()["follows_id"] == out["id"] and again.json()["rectification"]["status"] == "verified"
    detail = client.get(f"/api/v1/outreach/places/{place_id}").json()
    assert not detail["has_open_rectification"] and detail["open_rectifications"] == []
    assert [i["result"] for i in detail["inspections"]] == ["passed", "failed"]
    assert client.get(f"/api/v1/outreach/inspections/{out['id']}").json()["id"] == out["id"]


def test_an_item_answered_twice_is_refused_by_name_and_nothing_is_saved(
    world: World, inspector: User, county_post: CommandPost
) -> None:
    place = outreach.place(world.village_a)
    sent = body(place)
    temperature = ChecklistItem.objects.get(place_kind=place.kind, code="temperature")
    sent["answers"].append({"item_id": temperature.pk, "passed": False, "note": "x"})

    response = api(inspector).post(
        f"/api/v1/outreach/places/{place.pk}/inspections", sent, content_type="application/json"
    )

    assert response.status_code == 422
    assert "Temperature check at the entrance is answered twice." in response.json()["detail"]["answers"][0]
    assert not Inspection.objects.exists() and not ActionItem.objects.exists()


def test_a_missing_item_an_unknown_item_and_a_missing_deadline_are_refused(
    world: World, inspector: User, county_post: CommandPost
) -> None:
    place = outreach.place(world.village_a)
    client = api(inspector)
    url = f"/api/v1/outreach/places/{place.pk}/inspections"
    sent = body(place)
    sent["answers"] = [
        a
        for a in sent["answers"]
        if a["item_id"] != ChecklistItem.objects.get(place_kind=place.kind, code="ventilation").pk
    ]
    missing = client.post(url, sent, content_type="application/json")
    assert missing.status_code == 422 and "Answer Ventilation." in missing.json()["detail"]["answers"][0]
    unknown = body(place)
    unknown["answers"].append({"item_id": 999999, "passed": True})
    assert client.post(url, unknown, content_type="application/json").status_code == 422
    no_deadline = client.post(url, body(place, {"masks": "未戴口罩"}), content_type="application/json")
    assert no_deadline.status_code == 422 and "rectify_by" in no_deadline.json()["detail"]
    assert not Inspection.objects.exists()


def test_a_place_of_another_village_is_not_found(world: World, township_cadre: User, county_post: CommandPost) -> None:
    place_b = outreach.place(world.village_b, "沈家沟超市")
    client = api(township_cadre)
    assert client.get(f"/api/v1/outreach/places/{place_b.pk}").status_code == 404
    response = client.post(
        f"/api/v1/outreach/places/{place_b.pk}/inspections", body(place_b), content_type="application/json"
    )
    assert response.status_code == 404 and not Inspection.objects.exists()
    listed = client.get("/api/v1/outreach/places").json()
    assert "沈家沟超市" not in str(listed)


def test_disinfections_and_the_overdue_list(world: World, inspector: User, volunteer: User) -> None:
    client = api(inspector)
    late = outreach.place(world.village_a, "万家福超市")
    fresh = outreach.place(world.village_a, "友好超市")
    recorded = client.post(
        "/api/v1/outreach/disinfections",
        {
            "place_id": late.pk,
            "agent": "84消毒液",
            "concentration": "500mg/L",
            "done_at": (timezone.now() - dt.timedelta(days=2)).isoformat(),
            "done_by": "消杀队",
        },
        content_type="application/json",
    )
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["unit_id"] == world.village_a.pk
    client.post(
        "/api/v1/outreach/disinfections",
        {"place_id": fresh.pk, "agent": "84消毒液", "done_at": timezone.now().isoformat(), "done_by": "消杀队"},
        content_type="application/json",
    )
    overdue = client.get("/api/v1/outreach/disinfections/overdue").json()["items"]
    assert [p["name"] for p in overdue] == ["万家福超市"] and overdue[0]["interval_days"] == 1
    assert len(client.get("/api/v1/outreach/disinfections").json()["items"]) == 2
    nothing = client.post(
        "/api/v1/outreach/disinfections",
        {"agent": "84消毒液", "done_at": timezone.now().isoformat(), "done_by": "消杀队"},
        content_type="application/json",
    )
    assert nothing.status_code == 422 and "unit_id" in nothing.json()["detail"]
    outside = api(volunteer).post(
        "/api/v1/outreach/disinfections",
        {
            "unit_id": world.village_b.pk,
            "area": "x",
            "agent": "84",
            "done_at": timezone.now().isoformat(),
            "done_by": "x",
        },
        content_type="application/json",
    )
    assert outside.status_code in (403, 404) and Disinfection.objects.count() == 2
