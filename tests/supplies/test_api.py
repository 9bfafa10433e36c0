"""The supplies API: a phone issues, hands out to a list and confirms arrivals; bad input is refused by field."""

from __future__ import annotations

import pytest
from django.test import Client

from bastion.core.models import User
from bastion.core.services.accounts import token_create
from bastion.supplies.models import Movement, Store, Transfer
from tests.conftest import World
from tests.supplies import factories as supplies

pytestmark = pytest.mark.django_db


def api_client(user: User) -> Client:
    _token, key = token_create(by=user, name="phone")
    return Client(headers={"authorization": f"Bearer {key}", "accept-language": "en"})


def test_a_phone_issues_and_hands_out_and_reads_the_stock(village_cadre_a: User, village_store: Store) -> None:
    supplies.stocked(village_store, 100)
    client = api_client(village_cadre_a)
    base = f"/api/v1/supplies/stores/{village_store.pk}"
    issued = client.post(
        f"{base}/issue",
        {"item": "mask_surgical", "quantity": 10, "recipient_kind": "post", "recipient_name": "村口卡点"},
        content_type="application/json",
    )
    assert issued.status_code == 201 and issued.json()[0]["quantity"] == -10
    handed = client.post(
        f"{base}/hand-out",
        {"recipients": [f"联户长{n}" for n in range(9)], "items": [{"item": "mask_surgical", "each": 10}]},
        content_type="application/json",
    )
    assert handed.status_code == 201 and handed.json()["movements"] == 9
    stock = client.get(f"{base}/stock").json()
    assert stock[0]["item"] == "mask_surgical" and stock[0]["quantity"] == 0
    assert stock[0]["issued_last_7_days"] == 100
    assert client.get("/api/v1/supplies/movements", {"store": village_store.pk}).json()["count"] == 11


def test_bad_input_is_refused_by_field_and_nothing_is_written(
    world: World, county_admin: User, village_store: Store
) -> None:
    supplies.stocked(village_store, 5)
    client = api_client(county_admin)
    base = f"/api/v1/supplies/stores/{village_store.pk}"
    before = Movement.objects.count()
    answer = client.post(
        f"{base}/issue",
        {"item": "mask_surgical", "quantity": 6, "recipient_kind": "person", "recipient_name": "张三"},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "holds only 5" in answer.json()["detail"]["quantity"][0]
    negative = client.post(
        f"{base}/receive", {"item": "mask_surgical", "quantity": -3}, content_type="application/json"
    )
    assert negative.status_code == 422 and "above zero" in negative.json()["detail"]["quantity"][0]
    fund = supplies.fund(world.county)
    cash = client.post(
        "/api/v1/supplies/donations",
        {"unit_id": world.county.pk, "donor_name": "李某", "kind": "cash", "amount": "0.001", "fund_id": fund.pk},
        content_type="application/json",
    )
    assert cash.status_code == 422 and "more than two decimals" in cash.json()["detail"]["amount"][0]
    outside = supplies.store(world.village_b)
    sent = client.post(
        "/api/v1/supplies/transfers",
        {"from_store_id": village_store.pk, "to_store_id": outside.pk, "item": "mask_surgical", "quantity": 1},
        content_type="application/json",
    )
    assert sent.status_code == 201  # the county admin's scope holds both villages
    assert Movement.objects.count() == before + 1


def test_a_transfer_to_a_store_outside_the_scope_is_refused(
    world: World, township_cadre: User, township_store: Store
) -> None:
    supplies.stocked(township_store, 50)
    outside = supplies.store(world.village_b)
    answer = api_client(township_cadre).post(
        "/api/v1/supplies/transfers",
        {"from_store_id": township_store.pk, "to_store_id": outside.pk, "item": "mask_surgical", "quantity": 1},
        content_type="application/json",
    )
    assert answer.status_code == 422 and answer.json()["detail"] == {
        "to_store_id": ["This store is outside your scope."]
    }
    assert not Transfer.objects.exists() and supplies.stock_of(township_store) == 50


def test_a_request_is_decided_through_the_api(
    county_admin: User, township_cadre: User, warehouse: Store, township_store: Store
) -> None:
    supplies.stocked(warehouse, 5000)
    asked = api_client(township_cadre).post(
        "/api/v1/supplies/requests",
        {"store_id": township_store.pk, "item": "mask_surgical", "quantity": 3000},
        content_type="application/json",
    )
    assert asked.status_code == 201
    decide = f"/api/v1/supplies/requests/{asked.json()['id']}/decide"
    client = api_client(county_admin)
    approved = client.post(decide, {"action": "approve", "quantity": 2500}, content_type="application/json")
    assert approved.json()["status"] == "approved"
    filled = client.post(
        decide, {"action": "fill", "from_store_id": warehouse.pk}, content_type="application/json"
    ).json()
    assert (filled["status"], filled["filled_quantity"]) == ("part_filled", 2500)
    transfer = api_client(township_cadre).get("/api/v1/supplies/transfers", {"status": "in_transit"}).json()
    received = api_client(township_cadre).post(f"/api/v1/supplies/transfers/{transfer['items'][0]['id']}/receive")
    assert received.json()["status"] == "received" and supplies.stock_of(township_store) == 2500
