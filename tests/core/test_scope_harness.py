"""A user of village A, holding every permission, gets nothing of village B: not from any page, not from the API."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bastion.api import api
from bastion.core.services.accounts import token_create
from tests import factories
from tests.conftest import World, client_for
from tests.scope_harness import (
    B_MARKERS,
    OUT_OF_SCOPE,
    PUBLIC_API_PATHS,
    Outsider,
    insider_with_every_permission,
    snapshot_of_b,
    url_patterns,
)


# A form payload aimed at B: every field a page might take, pointing at village B.
def hostile_payload(world: World, cadre: Any) -> dict[str, Any]:
    return {
        "name": "leak",
        "kind": "compound",
        "title": "leak",
        "username": "leak-user",
        "password": "A-good-long-passphrase-2020",
        "role": "county_admin",
        "scope_units": [world.village_b.pk],
        "new_parent": world.village_b.pk,
        "unit": world.village_b.pk,
        "org_unit": world.village_b.pk,
        "address": "leak",
        "found": "1",
        "outcome": "no_risk",
        "reason": "leak",
        "keep": 1,
        "duplicate": 2,
        "is_active": "",
        "direction": "in",
        "phone": "13800000009",
        "to_unit": world.village_b.pk,
        "result": "at_home",
        "note": "leak",
    }


def readable_text(content: bytes) -> str:
    """The response as text; an Excel file is read cell by cell."""
    if content.startswith(b"PK"):
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return "\n".join(
            str(cell)
            for name in workbook.sheet_names
            for row in workbook.get_sheet_by_name(name).to_python()
            for cell in row
        )
    return content.decode("utf-8", errors="replace")


def assert_no_b_data(content: bytes, where: str) -> None:
    text = readable_text(content)
    for marker in B_MARKERS:
        assert marker not in text, f"{where} shows {marker!r} to a user of village A"


@pytest.fixture
def outsider(world: World, village_cadre_b: Any) -> Outsider:
    return Outsider(world=world, cadre=village_cadre_b)


@pytest.mark.django_db
def test_every_url_argument_has_an_out_of_scope_builder() -> None:
    unknown = {kwarg for _name, kwargs in url_patterns() for kwarg in kwargs} - OUT_OF_SCOPE.keys()
    assert not unknown, f"register out-of-scope builders in tests/scope_harness.py for: {sorted(unknown)}"


@pytest.mark.django_db
def test_every_page_refuses_village_b_to_a_user_of_village_a(world: World, outsider: Outsider) -> None:
    client = client_for(insider_with_every_permission(world))
    ids = {name: build(outsider) for name, build in OUT_OF_SCOPE.items()}
    before = snapshot_of_b(world)
    checked = 0
    for name, kwargs in url_patterns():
        url = reverse(name, kwargs={k: ids[k] for k in kwargs})
        get = client.get(url)
        post = client.post(url, hostile_payload(world, outsider.cadre))
        if kwargs:
            assert get.status_code in (403, 404, 405), f"GET {url} answered {get.status_code}"
            assert post.status_code in (403, 404), f"POST {url} answered {post.status_code}"
        else:
            assert get.status_code in (200, 403, 405), f"GET {url} answered {get.status_code}"
            assert_no_b_data(get.content, f"GET {url}")
            assert_no_b_data(client.get(url, {"q": "沈"}).content, f"GET {url}?q=沈")
            assert_no_b_data(client.get(url, {"unit": world.village_b.pk}).content, f"GET {url}?unit=")
        assert_no_b_data(post.content, f"POST {url}")
        checked += 1
    assert snapshot_of_b(world) == before, "a request aimed at village B changed its records"
    assert checked >= 25


def api_operations() -> list[tuple[str, str, list[str]]]:
    schema = api.get_openapi_schema()
    operations = []
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            params = [p["name"] for p in spec.get("parameters", []) if p["in"] == "path"]
            operations.append((method, path, params))
    return operations


def api_hostile_body(world: World, ids: dict[str, int]) -> dict[str, Any]:
    return {
        "form_id": ids["form_id"],
        "unit_id": world.village_b.pk,
        "period": "2020-02-03",
        "values": {"returnees": 1},
        "category": "suspected_case",
        "description": "leak",
        "outcome": "leak",
        "name": "leak",
        "found": True,
        "direction": "in",
        "phone": "13800000009",
        "to_unit_id": world.village_b.pk,
        "result": "at_home",
    }


@pytest.mark.django_db
def test_every_api_operation_refuses_village_b(world: World, outsider: Outsider) -> None:
    insider = insider_with_every_permission(world)
    _token, key = token_create(by=insider, name="harness")
    client = Client(headers={"authorization": f"Bearer {key}"})
    ids = {name: build(outsider) for name, build in OUT_OF_SCOPE.items()}
    before = snapshot_of_b(world)
    operations = api_operations()
    assert operations, "the API has no operations"
    for method, path, params in operations:
        unknown = set(params) - ids.keys()
        assert not unknown, f"register out-of-scope builders for API parameters {sorted(unknown)}"
        url = "/api/v1" + path.removeprefix("/api/v1").format(**{p: ids[p] for p in params})
        if method == "post":
            # A well-formed body aimed at village B: only the scope may stop it.
            response = client.post(url, api_hostile_body(world, ids), content_type="application/json")
            assert response.status_code in (403, 404, 422), f"POST {url} answered {response.status_code}"
            assert_no_b_data(response.content, f"POST {url}")
            continue
        response = client.get(url, {"within": world.village_b.pk, "unit": world.village_b.pk})
        if params:
            assert response.status_code in (403, 404), f"{method.upper()} {url} answered {response.status_code}"
        else:
            assert response.status_code in (200, 403, 404), f"{method.upper()} {url} answered {response.status_code}"
            plain = getattr(client, method)(url)
            assert plain.status_code in (200, 403), f"{method.upper()} {url} answered {plain.status_code}"
            assert_no_b_data(plain.content, f"{method.upper()} {url}")
            assert_no_b_data(getattr(client, method)(url, {"q": "沈"}).content, f"{method.upper()} {url}?q=沈")
        assert_no_b_data(response.content, f"{method.upper()} {url}")
    assert snapshot_of_b(world) == before


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(world: World, outsider: Outsider, anonymous: Client) -> None:
    ids = {name: build(outsider) for name, build in OUT_OF_SCOPE.items()}
    for name, kwargs in url_patterns():
        url = reverse(name, kwargs={k: ids[k] for k in kwargs})
        response = anonymous.get(url)
        assert response.status_code in (302, 405), f"GET {url} answered {response.status_code} to a stranger"
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login"))
    for method, path, params in api_operations():
        url = "/api/v1" + path.removeprefix("/api/v1").format(**{p: ids[p] for p in params})
        if url in PUBLIC_API_PATHS:
            continue
        assert getattr(anonymous, method)(url).status_code == 401


@pytest.mark.django_db
def test_the_admin_site_is_closed_to_scoped_users(world: World) -> None:
    client = client_for(factories.account("county_admin", world.county))
    response = client.get("/admin/core/orgunit/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
