"""The checkpoints API: a passage registered with its numbers masked and its arrival handed to the village,
bad input refused by field, scope, verification, counting taps, and one passage per idempotency key,
sent again and again or all at once."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from bastion.checkpoints.models import Arrival, Passage, Post
from bastion.core.models import User
from bastion.core.services.accounts import token_create
from bastion.residents.models import Person
from tests import factories
from tests.conftest import World

ID_NUMBER = factories.id_number(21)
PHONE = "13912345678"


def api_client(user: User) -> Client:
    _token, key = token_create(by=user, name="phone")
    return Client(headers={"authorization": f"Bearer {key}"})


def wuhan_to(world: World, **fields: Any) -> dict[str, Any]:
    """A traveller from Wuhan (a risk area) on the way to village A."""
    return {
        "direction": "in",
        "name": "王五",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "plate": "新B12345",
        "from_region": "湖北省武汉市",
        "from_division_code": "420100",
        "to_unit_id": world.village_a.pk,
        "purpose": "返乡",
        "temperature": "36.6",
    } | fields


def register(client: Client, post: Post, body: dict[str, Any], key: str | None = None) -> Any:
    headers = {"idempotency-key": key} if key else {}
    return client.post(
        f"/api/v1/checkpoints/posts/{post.pk}/passages", body, content_type="application/json", headers=headers
    )


@pytest.mark.django_db
def test_a_passage_is_registered_with_numbers_masked_and_its_arrival_goes_to_the_village(
    world: World, highway_exit: Post, duty_officer: User
) -> None:
    client = api_client(duty_officer)
    answer = register(client, highway_exit, wuhan_to(world))
    assert answer.status_code == 201, answer.content
    passage = answer.json()
    assert (passage["masked_id_number"], passage["masked_phone"]) == (
        f"{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}",
        "139****5678",
    )
    assert ID_NUMBER not in answer.content.decode() and PHONE not in answer.content.decode()
    assert passage["exception_reasons"] == ["risk_area", "arrival"] and len(passage["confirmation_code"]) == 6
    arrival = Arrival.objects.get()
    assert passage["arrival"]["id"] == arrival.pk and passage["arrival"]["unit_id"] == world.village_a.pk
    assert passage["arrival"]["result"] == "pending" and passage["arrival"]["due_at"]
    shown = client.get(f"/api/v1/checkpoints/passages/{passage['id']}")
    assert shown.status_code == 200 and ID_NUMBER not in shown.content.decode()
    listed = client.get("/api/v1/checkpoints/passages", {"exceptions": True, "direction": "in"}).json()
    assert [p["id"] for p in listed["items"]] == [passage["id"]]
    post = client.get(f"/api/v1/checkpoints/posts/{highway_exit.pk}").json()
    assert post["today"] == {"passages_in": 1, "passages_out": 0, "exceptions": 1, "arrivals": 1}
    assert Passage.objects.get().phone == PHONE, "stored whole (encrypted), shown masked"


@pytest.mark.django_db
def test_numbers_never_go_in_the_address(world: World, highway_exit: Post, duty_officer: User) -> None:
    answer = api_client(duty_officer).get("/api/v1/checkpoints/passages", {"q": PHONE})
    assert answer.status_code == 422 and "q" in answer.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"id_number": "652328199001011234"}, "id_number"),
        ({"plate": "ABC"}, "plate"),
        ({"temperature": "44"}, "temperature"),
        ({"to_unit_id": "elsewhere"}, "to_unit_id"),
        ({"direction": "sideways"}, "direction"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    world: World, highway_exit: Post, duty_officer: User, fields: dict[str, Any], field: str
) -> None:
    if fields.get("to_unit_id") == "elsewhere":
        other_county = factories.unit(None, "别县", division_code="652300000000")
        fields = {"to_unit_id": factories.unit(other_county, "别村").pk}
    answer = register(api_client(duty_officer), highway_exit, wuhan_to(world, **fields), key=str(uuid.uuid4()))
    assert answer.status_code == 422
    assert field in answer.json()["detail"] and answer.json()["detail"][field]
    assert not Passage.objects.exists() and not Arrival.objects.exists() and not Person.objects.exists()


@pytest.mark.django_db
def test_a_post_outside_the_scope_is_not_found_and_nothing_is_stored(
    world: World, highway_exit: Post, bus_station: Post, duty_officer: User, township_cadre: User
) -> None:
    post_b = Post.objects.create(org_unit=world.township_b, name="东城卡点", kind=Post.Kind.VILLAGE_ROAD)
    cadre = api_client(township_cadre)
    assert cadre.get(f"/api/v1/checkpoints/posts/{post_b.pk}").status_code == 404
    assert register(cadre, post_b, wuhan_to(world)).status_code == 404
    count = f"/api/v1/checkpoints/posts/{post_b.pk}/count"
    assert cadre.post(count, {"direction": "in"}, content_type="application/json").status_code == 404
    officer = api_client(duty_officer)
    assert register(officer, bus_station, wuhan_to(world)).status_code == 404, "not one of the officer's posts"
    assert [p["id"] for p in officer.get("/api/v1/checkpoints/posts").json()["items"]] == [highway_exit.pk]
    assert not Passage.objects.exists()


@pytest.mark.django_db
def test_the_village_verifies_an_arrival_and_the_result_shows_on_the_passage(
    world: World, highway_exit: Post, duty_officer: User, county_admin: User, village_cadre_b: User
) -> None:
    passage = register(api_client(duty_officer), highway_exit, wuhan_to(world)).json()
    cadre_a = api_client(factories.account("village_cadre", world.village_a, username="erin"))
    pending = cadre_a.get("/api/v1/checkpoints/arrivals").json()["items"]
    assert [(a["passage_id"], a["name"], a["masked_phone"]) for a in pending] == [
        (passage["id"], "王五", "139****5678")
    ]
    assert api_client(village_cadre_b).get("/api/v1/checkpoints/arrivals").json()["items"] == []
    verify = f"/api/v1/checkpoints/arrivals/{pending[0]['id']}/verify"
    outsider = api_client(village_cadre_b).post(verify, {"result": "at_home"}, content_type="application/json")
    assert outsider.status_code == 404
    unexplained = cadre_a.post(verify, {"result": "not_found"}, content_type="application/json")
    assert unexplained.status_code == 422 and "note" in unexplained.json()["detail"]
    done = cadre_a.post(verify, {"result": "at_home", "note": "已到家"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["result"] == "at_home" and done.json()["verified_at"]
    assert cadre_a.get("/api/v1/checkpoints/arrivals").json()["items"] == []
    shown = api_client(county_admin).get(f"/api/v1/checkpoints/passages/{passage['id']}").json()
    assert shown["arrival"]["result"] == "at_home"
    again = cadre_a.post(verify, {"result": "observation"}, content_type="application/json")
    assert again.status_code == 422 and Arrival.objects.get().result == Arrival.Result.AT_HOME


@pytest.mark.django_db
def test_counting_taps_count_in_the_day_without_personal_data(
    world: World, highway_exit: Post, duty_officer: User, county_admin: User
) -> None:
    client = api_client(duty_officer)
    url = f"/api/v1/checkpoints/posts/{highway_exit.pk}/count"
    for direction in ("in", "in", "out"):
        answer = client.post(url, {"direction": direction}, content_type="application/json")
        assert answer.status_code == 201
    assert answer.json()["today"] | {"exceptions": None} == {
        "passages_in": 2,
        "passages_out": 1,
        "exceptions": None,
        "arrivals": 0,
    }
    assert client.post(url, {"direction": "up"}, content_type="application/json").status_code == 422
    assert client.get("/api/v1/checkpoints/passages").json()["items"] == [], "taps are not registrations"
    day = api_client(county_admin).get("/api/v1/checkpoints/day").json()
    assert [(r["post_name"], r["passages_in"], r["passages_out"]) for r in day] == [("木垒东高速出口", 2, 1)]


@pytest.mark.django_db
def test_a_registration_sent_twenty_times_with_one_key_makes_one_passage(
    world: World, highway_exit: Post, duty_officer: User
) -> None:
    client, key = api_client(duty_officer), str(uuid.uuid4())
    answers = [register(client, highway_exit, wuhan_to(world), key=key) for _n in range(20)]
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert Passage.objects.count() == 1 and Arrival.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_retries_with_one_key_make_one_passage(
    world: World, highway_exit: Post, duty_officer: User
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writes are tested on PostgreSQL")
    _token, token = token_create(by=duty_officer, name="phone")
    key, body = str(uuid.uuid4()), wuhan_to(world)

    def send(_n: int) -> tuple[int, Any]:
        try:
            answer = register(Client(headers={"authorization": f"Bearer {token}"}), highway_exit, body, key=key)
            return answer.status_code, answer.json()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(send, range(20)))
    assert all(status in (200, 201) for status, _body in answers), answers
    assert len({body["id"] for _status, body in answers}) == 1
    assert Passage.objects.count() == 1 and Arrival.objects.count() == 1
