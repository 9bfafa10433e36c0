from __future__ import annotations

import pytest
from django.test import Client

from bastion.core.services.accounts import token_create
from tests import factories
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


def api_client(user) -> Client:
    _token, key = token_create(by=user, name="test")
    return Client(headers={"authorization": f"Bearer {key}"})


def test_the_openapi_schema_is_served(world: World) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/org-units/{unit_id}/counts" in schema["paths"]


def test_org_units_are_listed_within_scope_with_filters_and_pages(world: World, township_cadre) -> None:
    client = api_client(township_cadre)
    body = client.get("/api/v1/org-units").json()
    assert {item["name"] for item in body["items"]} == {"木垒镇", "水磨沟村"} and body["count"] == 2
    assert [i["name"] for i in client.get("/api/v1/org-units", {"kind": "village"}).json()["items"]] == ["水磨沟村"]
    assert [i["name"] for i in client.get("/api/v1/org-units", {"q": "smgc"}).json()["items"]] == ["水磨沟村"]
    for _ in range(3):
        factories.unit(world.village_a)
    page = client.get("/api/v1/org-units", {"page": 2}).json()
    assert page["count"] == 5 and page["items"] == []


def test_children_and_subtree_counts(world: World, county_admin) -> None:
    client = api_client(county_admin)
    children = client.get(f"/api/v1/org-units/{world.county.pk}/children").json()
    assert [c["name"] for c in children] == ["木垒镇", "东城镇"] or {c["name"] for c in children} == {
        "木垒镇",
        "东城镇",
    }
    counts = client.get(f"/api/v1/org-units/{world.county.pk}/counts").json()
    assert counts["units"] == {"township": 2, "village": 2, "compound": 1}
    assert counts["institutions"] == {"medical": 2}


def test_a_unit_outside_the_scope_is_not_found(world: World, township_cadre) -> None:
    client = api_client(township_cadre)
    assert client.get(f"/api/v1/org-units/{world.village_b.pk}").status_code == 404
    assert client.get("/api/v1/org-units", {"within": world.village_b.pk}).status_code == 404


def test_the_session_works_for_pages_calling_the_api(world: World, county_admin) -> None:
    assert client_for(county_admin).get("/api/v1/me").json()["username"] == "alice"


def test_a_bad_token_is_refused(world: World) -> None:
    assert Client(headers={"authorization": "Bearer bst_nope"}).get("/api/v1/me").status_code == 401
