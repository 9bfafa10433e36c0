"""The observation API: opening a case, checks and their alerts, release, referral to a hospital, the
day's list; scope and bad input leave nothing behind."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bastion.core.models import Institution, User
from bastion.core.services.accounts import token_create
from bastion.observation.models import HealthCheck, ObservationCase, Referral
from bastion.observation.services.checks import check_record
from bastion.observation.services.sites import isolation_site_save
from bastion.reporting.models import ImmediateReport
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2020, 2, 3)
NINE_AM = dt.datetime(2020, 2, 3, 9, 0, tzinfo=LOCAL)


def api_client(user: User) -> Client:
    _token, key = token_create(by=user, name="phone")
    return Client(headers={"authorization": f"Bearer {key}"})


def post(client: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(f"/api/v1{url}", body, content_type="application/json", headers=headers)


@pytest.fixture
def morning() -> Iterator[time_machine.Traveller]:
    """Monday 3 February 2020, 09:00 in the county: the 08:00 check is due, the 20:00 one is to come."""
    with time_machine.travel(NINE_AM, tick=False) as clock:
        yield clock


@pytest.fixture
def village_cadre_a(world: World) -> User:
    return factories.account("village_cadre", world.village_a, username="erin")


@pytest.fixture
def hospital(world: World) -> Institution:
    return factories.designated_hospital(world.township_b, "县人民医院")


def case_of(world: World, name: str = "张三", **kwargs: Any) -> ObservationCase:
    return factories.observation_case(factories.person(world.village_a, name), start_date=MONDAY, **kwargs)


def test_a_village_cadre_opens_a_case_for_a_person_of_the_village(
    world: World, village_cadre_a: User, morning: time_machine.Traveller
) -> None:
    person = factories.person(world.village_a, "张三", phone="13812345678")
    client = api_client(village_cadre_a)
    body = {
        "person_id": person.pk,
        "reason": "returnee",
        "start_date": "2020-02-01",
        "days": 14,
        "cadre_id": village_cadre_a.pk,
        "check_times": ["20:00", "08:00"],
    }
    answer = post(client, "/observation/cases", body)
    assert answer.status_code == 201, answer.content
    opened = answer.json()
    assert (opened["person_name"], opened["unit_id"], opened["reason"]) == ("张三", world.village_a.pk, "returnee")
    assert (opened["planned_end"], opened["day"], opened["status"]) == ("2020-02-14", 3, "active")
    case = ObservationCase.objects.get()
    assert (case.cadre, case.times) == (village_cadre_a, ["08:00", "20:00"])
    listed = client.get("/api/v1/observation/cases", {"q": "zs"})
    assert [c["person_name"] for c in listed.json()["items"]] == ["张三"]
    assert "13812345678" not in listed.content.decode()
    again = post(client, "/observation/cases", body)
    assert again.status_code == 422 and "person_id" in again.json()["detail"]  # one active case per person


def test_opening_refuses_a_cadre_who_does_not_work_for_the_village(
    world: World, village_cadre_a: User, village_cadre_b: User, morning: time_machine.Traveller
) -> None:
    person = factories.person(world.village_a, "张三")
    body = {"person_id": person.pk, "reason": "returnee", "cadre_id": village_cadre_b.pk}
    answer = post(api_client(village_cadre_a), "/observation/cases", body)
    assert answer.status_code == 422 and set(answer.json()["detail"]) == {"cadre_id"}
    assert "charlie" not in answer.content.decode()
    assert not ObservationCase.objects.exists()


def test_a_fever_raises_an_alert_that_the_alert_list_shows(
    world: World, village_cadre_a: User, township_cadre: User, morning: time_machine.Traveller
) -> None:
    case = case_of(world)
    answer = post(api_client(village_cadre_a), f"/observation/cases/{case.pk}/checks", {"temperature": 38.2})
    assert answer.status_code == 201, answer.content
    check = answer.json()
    assert (check["temperature"], check["out_of_range"], check["raised_alert"]) == ("38.2", True, True)
    alert = ImmediateReport.objects.get(pk=check["alert_id"])
    assert alert.org_unit == world.village_a and alert.state == ImmediateReport.State.OPEN
    alerts = api_client(township_cadre).get("/api/v1/observation/alerts").json()["items"]
    assert [(a["case_id"], a["person_name"], a["alert_id"]) for a in alerts] == [(case.pk, "张三", alert.pk)]


def test_a_normal_check_marks_the_slot_done_and_raises_nothing(
    world: World, village_cadre_a: User, morning: time_machine.Traveller
) -> None:
    case = case_of(world)
    client = api_client(village_cadre_a)
    body = {"temperature": "36.5", "taken_at": "2020-02-03T08:10:00+08:00", "self_reported": True}
    assert post(client, f"/observation/cases/{case.pk}/checks", body).status_code == 201
    assert not ImmediateReport.objects.exists()
    detail = client.get(f"/api/v1/observation/cases/{case.pk}").json()
    assert [(s["time"], s["state"]) for s in detail["schedule"]] == [("08:00", "done"), ("20:00", "upcoming")]
    assert [c["temperature"] for c in detail["checks"]] == ["36.5"]
    assert [e["kind"] for e in detail["events"]] == ["opened"] and detail["referral"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"temperature": "33.0"}, "temperature"),
        ({"temperature": "44.0"}, "temperature"),
        ({"temperature": "36.5", "taken_at": "2020-02-03T11:00:00+08:00"}, "taken_at"),
        ({"temperature": "36.5", "symptoms": ["no-such-symptom"]}, "symptoms"),
    ],
)
def test_a_bad_check_is_refused_naming_the_field_and_nothing_is_written(
    world: World, village_cadre_a: User, morning: time_machine.Traveller, body: dict[str, Any], field: str
) -> None:
    case = case_of(world)
    answer = post(api_client(village_cadre_a), f"/observation/cases/{case.pk}/checks", body)
    assert answer.status_code == 422
    assert set(answer.json()["detail"]) == {field}
    assert not HealthCheck.objects.exists() and not ImmediateReport.objects.exists()


def test_release_is_refused_before_the_planned_end_and_then_no_check_is_taken(
    world: World, village_cadre_a: User, morning: time_machine.Traveller
) -> None:
    case = case_of(world, days=14)
    client = api_client(village_cadre_a)
    early = post(client, f"/observation/cases/{case.pk}/release", {"note": "无发热"})
    assert early.status_code == 422
    case.refresh_from_db()
    assert case.status == ObservationCase.Status.ACTIVE and not case.events.filter(kind="released").exists()
    morning.move_to(dt.datetime(2020, 2, 16, 10, 0, tzinfo=LOCAL))  # the 14th day
    assert post(client, f"/observation/cases/{case.pk}/release", {"note": ""}).json()["detail"].keys() == {"note"}
    released = post(client, f"/observation/cases/{case.pk}/release", {"note": "体温正常，无症状"})
    assert released.status_code == 200 and released.json()["status"] == "released"
    late = post(client, f"/observation/cases/{case.pk}/checks", {"temperature": "36.5"})
    assert late.status_code == 422 and "__all__" in late.json()["detail"]
    assert not HealthCheck.objects.exists()


def test_extending_moves_the_planned_end(world: World, village_cadre_a: User, morning: time_machine.Traveller) -> None:
    case = case_of(world, days=14)
    client = api_client(village_cadre_a)
    body = {"new_end": "2020-02-20", "reason": "同住人员确诊"}
    answer = post(client, f"/observation/cases/{case.pk}/extend", body)
    assert answer.status_code == 200 and answer.json()["planned_end"] == "2020-02-20"
    shorter = post(client, f"/observation/cases/{case.pk}/extend", {"new_end": "2020-02-10", "reason": "x"})
    assert shorter.status_code == 422 and set(shorter.json()["detail"]) == {"new_end"}


def test_a_check_sent_twice_with_one_key_is_recorded_once(
    world: World, village_cadre_a: User, morning: time_machine.Traveller
) -> None:
    case = case_of(world)
    client = api_client(village_cadre_a)
    key = str(uuid.uuid4())
    first, second = (
        post(client, f"/observation/cases/{case.pk}/checks", {"temperature": "38.5"}, **{"Idempotency-Key": key})
        for _attempt in range(2)
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert HealthCheck.objects.count() == 1 and ImmediateReport.objects.count() == 1
    other = case_of(world, "李四")
    reused = post(client, f"/observation/cases/{other.pk}/checks", {"temperature": "36.5"}, **{"Idempotency-Key": key})
    assert reused.status_code == 422 and HealthCheck.objects.count() == 1


def test_a_person_or_case_outside_the_scope_is_not_found_and_nothing_changes(
    world: World, village_cadre_a: User, volunteer: User, hospital: Institution, morning: time_machine.Traveller
) -> None:
    theirs = factories.observation_case(factories.person(world.village_b, "沈五"), start_date=MONDAY)
    client = api_client(village_cadre_a)
    body = {"person_id": theirs.person_id, "reason": "close_contact"}
    assert post(client, "/observation/cases", body).status_code == 404
    assert client.get(f"/api/v1/observation/cases/{theirs.pk}").status_code == 404
    attempts: list[tuple[str, dict[str, Any]]] = [
        ("checks", {"temperature": "38.5"}),
        ("extend", {"new_end": "2020-03-01", "reason": "leak"}),
        ("release", {"note": "leak"}),
        ("refer", {"hospital_id": hospital.pk, "transport": "ambulance", "handover": "leak"}),
        ("transfer", {"to_unit_id": world.village_a.pk, "reason": "leak"}),
    ]
    for action, attempt in attempts:
        answer = post(client, f"/observation/cases/{theirs.pk}/{action}", attempt)
        assert answer.status_code == 404, action
    assert "沈五" not in client.get("/api/v1/observation/cases").content.decode()
    assert client.get("/api/v1/observation/cases", {"unit": world.village_b.pk}).status_code == 404
    assert api_client(volunteer).get("/api/v1/observation/cases").status_code == 404  # no observation role
    theirs.refresh_from_db()
    assert (theirs.status, theirs.planned_end, theirs.org_unit) == ("active", dt.date(2020, 2, 16), world.village_b)
    assert not HealthCheck.objects.exists() and not Referral.objects.exists()
    assert ObservationCase.objects.count() == 1


def test_a_referral_is_acknowledged_by_the_hospitals_doctor(
    world: World, village_cadre_a: User, township_cadre: User, hospital: Institution, morning: time_machine.Traveller
) -> None:
    case = case_of(world)
    client = api_client(village_cadre_a)
    handover = {"transport": "ambulance", "handover": "体温38.9℃，咳嗽，家属陪同"}
    clinic = post(client, f"/observation/cases/{case.pk}/refer", {"hospital_id": world.clinic_a.pk, **handover})
    assert clinic.status_code == 422 and set(clinic.json()["detail"]) == {"hospital_id"}  # not designated
    referred = post(client, f"/observation/cases/{case.pk}/refer", {"hospital_id": hospital.pk, **handover})
    assert referred.status_code == 201 and referred.json()["hospital_name"] == "县人民医院"
    case.refresh_from_db()
    assert case.status == ObservationCase.Status.REFERRED
    referral_id = referred.json()["id"]
    url = f"/observation/referrals/{referral_id}/acknowledge"
    assert post(api_client(township_cadre), url, {"received_by": "王医生"}).status_code == 404  # the sending side
    assert Referral.objects.get().acknowledged_at is None
    doctor = api_client(factories.account("doctor", world.township_b))
    waiting = doctor.get("/api/v1/observation/referrals", {"pending": True}).json()["items"]
    assert [(r["id"], r["person_name"], r["from_unit_name"]) for r in waiting] == [(referral_id, "张三", "水磨沟村")]
    received = post(doctor, url, {"received_by": "王医生"})
    assert received.status_code == 200 and received.json()["received_by"] == "王医生"
    assert post(doctor, url, {"received_by": "王医生"}).status_code == 422  # only once
    events = client.get(f"/api/v1/observation/cases/{case.pk}").json()["events"]
    assert [e["kind"] for e in events] == ["opened", "referred", "acknowledged"]


def test_transferring_hands_the_case_to_the_unit_where_the_person_went(
    world: World, village_cadre_a: User, morning: time_machine.Traveller
) -> None:
    case = case_of(world)
    client = api_client(village_cadre_a)
    body = {"to_unit_id": world.village_b.pk, "reason": "搬到女儿家"}
    answer = post(client, f"/observation/cases/{case.pk}/transfer", body)
    assert answer.status_code == 200 and answer.json()["unit_id"] == world.village_b.pk
    assert client.get(f"/api/v1/observation/cases/{case.pk}").status_code == 404  # now theirs to follow
    moved = case.events.get(kind="transferred")
    assert moved.from_unit == world.village_a and ObservationCase.objects.get().status == "active"


def test_today_costs_the_same_queries_for_3_and_15_cases(
    world: World, township_cadre: User, morning: time_machine.Traveller
) -> None:
    client = api_client(township_cadre)
    cases = [case_of(world, f"居民{n}") for n in range(3)]
    check_record(by=None, case=cases[0], temperature=Decimal("36.4"), taken_at=NINE_AM - dt.timedelta(minutes=30))
    client.get("/api/v1/observation/today")  # warm the caches a first request fills

    def queries() -> tuple[int, list[dict[str, Any]]]:
        with CaptureQueriesContext(connection) as captured:
            answer = client.get("/api/v1/observation/today")
        assert answer.status_code == 200
        return len(captured), answer.json()["items"]

    few, rows = queries()
    assert len(rows) == 3
    assert rows[-1]["case_id"] == cases[0].pk and rows[-1]["slots"] == [
        {"time": "08:00", "state": "done"},
        {"time": "20:00", "state": "upcoming"},
    ]
    for n in range(3, 15):
        case_of(world, f"居民{n}")
    many, rows = queries()
    assert len(rows) == 15 and many == few


def test_the_overview_counts_each_township_and_the_county(
    world: World, county_admin: User, morning: time_machine.Traveller
) -> None:
    case_of(world)
    factories.observation_case(factories.person(world.village_b, "沈五"), start_date=MONDAY)
    rows = api_client(county_admin).get("/api/v1/observation/overview").json()
    assert [(r["unit_name"], r["active"], r["starting"]) for r in rows] == [
        ("木垒镇", 1, 1),
        ("东城镇", 1, 1),
        ("木垒哈萨克自治县", 2, 2),
    ]
    assert rows[-1]["unit_id"] is None


def test_a_full_isolation_site_takes_nobody_more(
    world: World, township_cadre: User, county_admin: User, morning: time_machine.Traveller
) -> None:
    site = isolation_site_save(by=None, org_unit=world.township_a, name="木垒镇隔离点", rooms=1, capacity=1)
    theirs = isolation_site_save(by=None, org_unit=world.township_b, name="东城镇隔离点", rooms=5, capacity=5)
    client = api_client(township_cadre)
    first, second = factories.person(world.village_a, "张三"), factories.person(world.village_a, "李四")
    body = {"reason": "close_contact", "place": "site", "site_id": site.pk, "room": "101"}
    placed = post(client, "/observation/cases", {"person_id": first.pk, **body})
    assert placed.status_code == 201 and (placed.json()["site_name"], placed.json()["room"]) == ("木垒镇隔离点", "101")
    full = post(client, "/observation/cases", {"person_id": second.pk, **body})
    assert full.status_code == 422 and set(full.json()["detail"]) == {"site_id"}
    elsewhere = post(client, "/observation/cases", {"person_id": second.pk, **body, "site_id": theirs.pk})
    assert elsewhere.status_code == 404
    assert ObservationCase.objects.count() == 1
    sites = client.get("/api/v1/observation/sites").json()["items"]
    assert [(s["name"], s["capacity"], s["held"]) for s in sites] == [("木垒镇隔离点", 1, 1)]
