"""The residents API: masked numbers, registration, the visit list and a retried visit, progress; scope."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from bastion.core.models import User
from bastion.core.services.accounts import token_create
from bastion.residents.models import Person, Visit, VisitTask
from bastion.residents.services.screening import campaign_create, round_open
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def api_client(user: User) -> Client:
    _token, key = token_create(by=user, name="phone")
    return Client(headers={"authorization": f"Bearer {key}"})


def test_search_shows_numbers_masked_and_stays_in_scope(world: World, township_cadre: User) -> None:
    number = factories.id_number(31)
    factories.person(world.village_a, "张三", id_number=number, phone="13812345678")
    factories.person(world.village_b, "张山")
    client = api_client(township_cadre)
    found = client.get("/api/v1/persons", {"q": "zs"}).json()
    assert [(p["name"], p["id_number"], p["phone"]) for p in found["items"]] == [
        ("张三", f"{number[:6]}********{number[-4:]}", "138****5678")
    ]
    assert client.get("/api/v1/persons", {"unit_id": world.village_b.pk}).status_code == 404
    assert client.get("/api/v1/persons", {"q": number}).status_code == 422  # a number never goes in a URL
    looked_up = client.post("/api/v1/persons/lookup", {"number": number}, content_type="application/json")
    assert [p["name"] for p in looked_up.json()] == ["张三"]
    assert client.post("/api/v1/persons/lookup", {"number": "zs"}, content_type="application/json").status_code == 422


def test_registering_refuses_bad_numbers_with_field_messages(world: World, township_cadre: User) -> None:
    client = api_client(township_cadre)
    body = {"unit_id": world.village_a.pk, "name": "张三", "id_number": "652328199001011230", "phone": "12345"}
    answer = client.post("/api/v1/persons", body, content_type="application/json")
    assert answer.status_code == 422
    assert set(answer.json()["detail"]) == {"id_number", "phone"}
    body |= {"id_number": factories.id_number(32), "phone": "13812345678", "tags": ["migrant_worker"]}
    created = client.post("/api/v1/persons", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["tags"] == ["migrant_worker"]
    assert Person.objects.get().phone == "13812345678"


def test_a_visit_sent_twice_is_recorded_once_and_progress_adds_up(
    world: World, county_admin: User, township_cadre: User
) -> None:
    factories.person(world.village_a, "张三")
    factories.person(world.village_b, "李四")
    campaign = campaign_create(by=county_admin, org_unit=world.county, name="全县排查", round_count=1)
    first = campaign.rounds.get()
    round_open(by=county_admin, screening_round=first)
    client = api_client(township_cadre)
    tasks = client.get("/api/v1/visit-tasks").json()["items"]
    assert [t["person_name"] for t in tasks] == ["张三"]
    key = str(uuid.uuid4())
    body = {"found": True, "outcome": "no_risk", "temperature": "36.6"}
    for _attempt in range(2):
        answer = client.post(
            f"/api/v1/visit-tasks/{tasks[0]['id']}/visits",
            body,
            content_type="application/json",
            headers={"idempotency-key": key},
        )
        assert answer.status_code == 201 and answer.json()["task_accounted"] is True
    assert Visit.objects.count() == 1
    other = VisitTask.objects.get(person__name="李四")
    assert (
        client.post(f"/api/v1/visit-tasks/{other.pk}/visits", body, content_type="application/json").status_code == 404
    )
    progress = api_client(county_admin).get(f"/api/v1/screening-rounds/{first.pk}/progress").json()
    assert progress[-1] | {"outcomes": None} == {
        "unit_id": None,
        "unit_name": "木垒哈萨克自治县",
        "targeted": 2,
        "visited": 1,
        "accounted": 1,
        "unaccounted": 1,
        "exceptions": 0,
        "handed_over": 0,
        "outcomes": None,
    }
    assert sorted(row["unit_name"] for row in progress[:-1]) == ["东城镇", "木垒镇"]
    mine = client.get(f"/api/v1/screening-rounds/{first.pk}/progress").json()
    assert [(row["unit_name"], row["targeted"]) for row in mine] == [("水磨沟村", 1), ("木垒镇", 1)]  # bob's township
