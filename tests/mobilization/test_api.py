"""The mobilization API from a phone: the register (phones masked), a batch and its check-ins, a weekly
shift, check-in and check-out, who is on duty now; bad input refused by field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from bastion.core.models import User
from bastion.core.services.accounts import token_create
from bastion.mobilization.models import Assignment, Responder, Shift
from tests.conftest import World
from tests.mobilization import factories
from tests.mobilization.test_mobilisation import SHANGHAI

pytestmark = pytest.mark.django_db
API = "/api/v1/mobilization"


def api_client(user: User) -> Client:
    _token, key = token_create(by=user, name="phone")
    return Client(headers={"authorization": f"Bearer {key}", "accept-language": "en"})


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"{API}{url}", body or {}, content_type="application/json")


def test_the_register_and_a_batch_through_the_api(world: World, township_cadre: User) -> None:
    client = api_client(township_cadre)
    body = {"name": "王建国", "category": "cadre", "unit_id": world.village_a.pk, "phone": "13912345678"}
    created = post(client, "/responders", body)
    assert created.status_code == 201 and created.json()["masked_phone"] == "139****5678"
    assert "13912345678" not in client.get(f"{API}/responders").content.decode()
    bad = post(client, "/responders", body | {"phone": "139", "name": "李四"})
    assert bad.status_code == 422 and "phone" in bad.json()["detail"]
    assert post(client, "/responders", body | {"unit_id": world.village_b.pk}).status_code == 404
    assert Responder.objects.count() == 1

    batch = post(client, "/batches", {"unit_id": world.township_a.pk, "number": 1, "report_by": "2020-02-07"})
    assert batch.status_code == 201
    batch_id = batch.json()["id"]
    assigned = post(
        client, f"/batches/{batch_id}/assignments", {"phone": "139 1234 5678", "unit_id": world.village_a.pk}
    )
    assert assigned.status_code == 201 and assigned.json()["status"] == "pending"
    reported = post(client, f"/assignments/{assigned.json()['id']}/report")
    assert reported.status_code == 200 and reported.json()["status"] == "reported"
    listed = client.get(f"{API}/batches").json()
    assert [(b["assigned"], b["reported"], b["pending"]) for b in listed] == [(1, 1, 0)]
    absent = post(client, f"/assignments/{assigned.json()['id']}/absent", {"reason": "生病"})
    assert absent.status_code == 422 and Assignment.objects.get().status == "reported"


def test_a_weekly_shift_check_in_and_who_is_on_duty_through_the_api(world: World, township_cadre: User) -> None:
    lead = factories.responder(world.township_a, "李带班")
    member = factories.responder(world.village_a, "王队员")
    client = api_client(township_cadre)
    with time_machine.travel(dt.datetime(2020, 2, 2, 20, tzinfo=SHANGHAI), tick=False):
        pattern = {
            "unit_id": world.township_a.pk,
            "weekday": 0,
            "starts_at": "08:00",
            "ends_at": "16:00",
            "lead_id": lead.pk,
            "member_ids": [member.pk],
        }
        assert post(client, "/patterns", pattern).status_code == 201
        clash = post(client, "/patterns", pattern | {"starts_at": "12:00", "ends_at": "20:00", "lead_id": None})
        assert clash.status_code == 422 and "already on duty" in str(clash.json()["detail"])
        shifts = client.get(f"{API}/shifts", {"unit": world.township_a.pk, "days": 2}).json()
        assert [(s["starts_at"][:16], len(s["turns"])) for s in shifts] == [("2020-02-03T00:00", 2)]
    turn = Shift.objects.get(day=dt.date(2020, 2, 3)).turns.get(responder=lead)
    with time_machine.travel(dt.datetime(2020, 2, 3, 8, 5, tzinfo=SHANGHAI), tick=False):
        assert post(client, f"/turns/{turn.pk}/check-in").json()["checked_in_at"] is not None
        again = post(client, f"/turns/{turn.pk}/check-in")
        assert again.status_code == 422 and "checked in at 08:05" in str(again.json()["detail"])
        on_duty = client.get(f"{API}/on-duty").json()["items"]
        assert sorted((t["name"], t["checked_in_at"] is not None) for t in on_duty) == [
            ("李带班", True),
            ("王队员", False),
        ]
        assert post(client, f"/turns/{turn.pk}/check-out").status_code == 200
