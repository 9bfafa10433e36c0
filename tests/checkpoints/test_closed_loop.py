"""The closed loop (闭环): passages at two posts, an arrival from a risk area verified by its village with the
result back on the passage, another arrival overdue and escalated."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from bastion.checkpoints.models import Arrival, Passage, Post
from bastion.checkpoints.selectors import arrivals_for_user, day_counts, passages_for_user
from bastion.checkpoints.services.arrivals import arrival_verify, arrivals_escalate
from bastion.checkpoints.services.passages import passage_count, passage_record
from bastion.core.models import User
from bastion.observation.models import ObservationCase
from bastion.reporting.models import ImmediateReport
from bastion.residents.models import Person
from tests import factories
from tests.conftest import World

NOON = dt.datetime(2020, 2, 3, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db
def test_an_arrival_from_a_risk_area_is_verified_by_its_village_and_the_result_flows_back(
    world: World, highway_exit: Post, bus_station: Post, duty_officer: User, county_admin: User
) -> None:
    cadre_a = factories.account("village_cadre", world.village_a, username="erin")
    with time_machine.travel(NOON, tick=False):
        wuhan = passage_record(
            by=duty_officer,
            post=highway_exit,
            direction="in",
            name="王五",
            id_number=factories.id_number(7),
            phone="13912345678",
            from_region="湖北省武汉市",
            from_division_code="420100",
            to_unit=world.village_a,
            temperature=Decimal("36.6"),
            plate="新B12345",
        )
        local = passage_record(
            by=county_admin,
            post=bus_station,
            direction="in",
            name="赵六",
            phone="13900000001",
            from_region="木垒县城",
            from_division_code="652328",
            to_unit=world.village_a,
        )
        passage_record(by=county_admin, post=bus_station, direction="out", name="钱七", phone="13900000002")
        passage_count(by=duty_officer, post=highway_exit, direction="in")
    assert wuhan.exception_reasons == ["risk_area", "arrival"] and not local.is_exception
    arrival = arrivals_for_user(cadre_a).get()
    assert arrival.passage == wuhan and arrival.due_at == NOON + dt.timedelta(hours=24)
    with time_machine.travel(NOON + dt.timedelta(hours=5), tick=False):
        arrival_verify(by=cadre_a, arrival=arrival, result=Arrival.Result.OBSERVATION, note="已居家")
    wuhan.refresh_from_db()
    assert wuhan.arrival.result == Arrival.Result.OBSERVATION
    assert wuhan.person is not None and wuhan.person.org_unit == world.village_a
    assert ObservationCase.objects.get(person=wuhan.person).status == ObservationCase.Status.ACTIVE
    counts = {row["name"]: row for row in day_counts(county_admin, NOON.date())}
    assert (counts["木垒东高速出口"]["passages_in"], counts["木垒县汽车站"]["passages_out"]) == (2, 1)
    assert list(passages_for_user(duty_officer)) == [wuhan], "a post's staff see their own post only"


@pytest.mark.django_db
def test_an_arrival_not_verified_in_time_becomes_an_immediate_report(
    world: World, highway_exit: Post, duty_officer: User
) -> None:
    with time_machine.travel(NOON, tick=False):
        passage_record(
            by=duty_officer,
            post=highway_exit,
            direction="in",
            name="孙八",
            phone="13900000003",
            from_region="乌鲁木齐市",
            from_division_code="650100",
            to_unit=world.village_a,
        )
    with time_machine.travel(NOON + dt.timedelta(hours=23), tick=False):
        assert arrivals_escalate() == 0
    with time_machine.travel(NOON + dt.timedelta(hours=25), tick=False):
        assert arrivals_escalate() == 1
        assert arrivals_escalate() == 0
    report = ImmediateReport.objects.get()
    assert report.org_unit == world.village_a and report.waiting_unit == world.township_a
    assert report.category.code == "arrival_overdue"


@pytest.mark.django_db
def test_a_person_seen_before_fills_in_from_the_register(world: World, highway_exit: Post, duty_officer: User) -> None:
    number = factories.id_number(11)
    factories.person(world.village_a, "李四", id_number=number, phone="13811112222")
    passage = passage_record(by=duty_officer, post=highway_exit, direction="out", id_number=number)
    assert (passage.name, passage.phone, passage.person.name) == ("李四", "13811112222", "李四")


@pytest.mark.django_db
def test_one_idempotency_key_makes_one_passage(highway_exit: Post, duty_officer: User) -> None:
    key = uuid.uuid4()
    passages = {
        passage_record(
            by=duty_officer, post=highway_exit, direction="in", name="周九", phone="13900000004", idempotency_key=key
        ).pk
        for _n in range(20)
    }
    assert len(passages) == 1 and Passage.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"id_number": "652328199001011234"}, "id_number"),
        ({"plate": "ABC"}, "plate"),
        ({"temperature": Decimal("44.0")}, "temperature"),
        ({"phone": "12345"}, "phone"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(
    highway_exit: Post, duty_officer: User, fields: dict[str, object], field: str
) -> None:
    data: dict[str, object] = {"name": "吴十", "phone": "13900000005"} | fields
    with pytest.raises(ValidationError) as refused:
        passage_record(by=duty_officer, post=highway_exit, direction="in", **data)  # type: ignore[arg-type]
    assert field in refused.value.message_dict
    assert not Passage.objects.exists() and not Person.objects.exists()


@pytest.mark.django_db
def test_staff_outside_the_posts_unit_are_refused(world: World, highway_exit: Post, village_cadre_b: User) -> None:
    with pytest.raises(PermissionDenied):
        passage_record(by=village_cadre_b, post=highway_exit, direction="in", name="郑", phone="13900000006")
    assert not Passage.objects.exists()


@pytest.mark.django_db
def test_passages_forget_who_passed_after_the_retention_but_keep_the_figures(
    world: World, highway_exit: Post, duty_officer: User
) -> None:
    from bastion.checkpoints.services.retention import passages_anonymise
    from bastion.reporting.sources import source_value

    with time_machine.travel(NOON, tick=False):
        out = passage_record(
            by=duty_officer,
            post=highway_exit,
            direction="out",
            name="冯一",
            id_number=factories.id_number(21),
            phone="13900000021",
            plate="新B54321",
        )
        pending = passage_record(
            by=duty_officer,
            post=highway_exit,
            direction="in",
            name="冯二",
            phone="13900000022",
            from_region="武汉市",
            from_division_code="420100",
            to_unit=world.village_a,
        )
    with time_machine.travel(NOON + dt.timedelta(days=29), tick=False):
        assert passages_anonymise() == 1
    out.refresh_from_db()
    pending.refresh_from_db()
    assert (out.name, out.id_number, out.id_hash, out.phone, out.plate) == ("", "", "", "", "")
    assert out.direction == "out" and pending.name == "冯二", "an arrival still to verify keeps its traveller"
    figure = source_value("checkpoints.passages_out", world.township_a, NOON.date(), NOON.date())
    assert figure == 1
