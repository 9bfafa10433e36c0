"""A campaign of four rounds across a township, as the county ran it: import, visit, hand over, refer, close."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from bastion.core.models import OrgUnit, User
from bastion.reporting.models import ImmediateReport
from bastion.residents import selectors
from bastion.residents.models import CategoryTag, Outcome, Person, ScreeningRound, Symptom, VisitTask
from bastion.residents.services.roster import roster_import
from bastion.residents.services.screening import (
    campaign_create,
    round_close,
    round_open,
    task_explain,
    visit_record,
)
from bastion.residents.sources import _unaccounted, _visit_count
from tests import factories
from tests.conftest import World, english_client
from tests.residents.conftest import roster

pytestmark = pytest.mark.django_db


def _task(screening_round: ScreeningRound, name: str) -> VisitTask:
    return VisitTask.objects.select_related("org_unit").get(round=screening_round, person__name=name)


def _visit_everyone(screening_round: ScreeningRound, cadres: dict[int, User]) -> None:
    """Each village's cadre visits the village's persons still to visit."""
    for task in screening_round.tasks.filter(accounted=False):
        by = cadres[task.org_unit_id]
        visit_record(by=by, task=task, found=True, outcome=Outcome.NO_RISK, temperature=Decimal("36.5"))


def test_a_campaign_of_four_rounds_across_a_township(
    world: World, county_admin: User, village_c: OrgUnit, village_cadre_a: User, village_cadre_c: User
) -> None:
    campaign = campaign_create(
        by=county_admin,
        org_unit=world.township_a,
        name="1月10日以来返乡人员排查",
        tags=list(CategoryTag.objects.filter(code__in=["migrant_worker", "college_student"])),
        arrived_from=dt.date(2020, 1, 10),
    )
    rounds = list(campaign.rounds.order_by("number"))
    assert [r.number for r in rounds] == [1, 2, 3, 4]

    # Village A imports its roster; village C registers its returnee one by one.
    data = roster(
        [
            [
                "张三",
                factories.id_number(11),
                "13899110001",
                "一组3号",
                "水磨沟村",
                "返乡务工人员",
                "武汉",
                "2020.1.20",
                "火车",
                "K1234",
            ],
            [
                "李四",
                factories.id_number(12),
                "13899110002",
                "二组8号",
                "水磨沟村",
                "返乡务工人员",
                "乌鲁木齐",
                "2020年1月25日",
                "汽车",
                "新A12345",
            ],
            [
                "王五",
                factories.id_number(13),
                "13899110003",
                "三组1号",
                "水磨沟村",
                "返乡大学生",
                "西安",
                "2020/1/5",
                "火车",
                "T52",
            ],
        ]
    )
    result = roster_import(by=village_cadre_a, data=data, default_unit=world.village_a, dry_run=False)
    assert (result.created, result.errors) == (3, [])
    zhao = factories.person(village_c, "赵六", tags=("college_student",), id_number=factories.id_number(14))
    from bastion.residents.services.persons import travel_entry_add

    travel_entry_add(by=village_cadre_c, person=zhao, from_region="湖北省武汉市", arrival_date=dt.date(2020, 1, 22))

    with pytest.raises(ValidationError, match="earlier rounds"):
        round_open(by=county_admin, screening_round=rounds[1])
    with pytest.raises(PermissionDenied):
        round_open(by=village_cadre_a, screening_round=rounds[0])
    # 王五 arrived on 5 January, before the campaign's window: not targeted.
    assert round_open(by=county_admin, screening_round=rounds[0]) == 3

    zhang, li = _task(rounds[0], "张三"), _task(rounds[0], "李四")
    visit_record(by=village_cadre_a, task=zhang, found=True, outcome=Outcome.NO_RISK, temperature=Decimal("36.4"))
    # 李四 now lives in village C: the task goes there.
    visit_record(by=village_cadre_a, task=li, found=False, outcome=Outcome.MOVED_AWAY, moved_to=village_c)
    li.refresh_from_db()
    assert (li.org_unit, li.handed_from_id, li.accounted) == (village_c, world.village_a.pk, False)
    assert Person.objects.get(name="李四").org_unit == village_c
    assert [t.person.name for t in selectors.visit_list_for_user(village_cadre_c)] == ["赵六", "李四"]  # by address
    assert [t.person.name for t in selectors.visit_list_for_user(village_cadre_a)] == []

    # 赵六 has a fever and a dry cough: referred, and the township hears of it at once.
    with pytest.raises(ValidationError, match="referred or put under home observation"):
        visit_record(
            by=village_cadre_c,
            task=_task(rounds[0], "赵六"),
            found=True,
            outcome=Outcome.NO_RISK,
            temperature=Decimal("38.2"),
        )
    visit_record(
        by=village_cadre_c,
        task=_task(rounds[0], "赵六"),
        found=True,
        outcome=Outcome.REFERRAL,
        temperature=Decimal("38.2"),
        symptoms=Symptom.objects.filter(code="dry_cough"),
    )
    alert = ImmediateReport.objects.get()
    assert (alert.org_unit, alert.category.code, alert.persons_involved) == (village_c, "suspected_case", "赵六")
    assert "38.2" in alert.description

    # 李四 is not at home in village C: still unaccounted, the round refuses to close.
    visit_record(by=village_cadre_c, task=li, found=False, outcome=Outcome.NOT_FOUND)
    with pytest.raises(ValidationError, match=r"1 person is not accounted for yet \(英格堡村\)"):
        round_close(by=county_admin, screening_round=rounds[0])
    total, below = selectors.round_progress(county_admin, rounds[0], world.township_a)
    assert (total.targeted, total.visited, total.accounted, total.handed_over) == (3, 3, 2, 1)
    assert (total.outcomes[Outcome.NO_RISK], total.outcomes[Outcome.REFERRAL], total.outcomes[Outcome.NOT_FOUND]) == (
        1,
        1,
        1,
    )
    assert {p.unit.name: (p.targeted, p.unaccounted) for p in below} == {"水磨沟村": (1, 0), "英格堡村": (2, 1)}
    assert _unaccounted(world.township_a, dt.date.today(), dt.date.today()) == 1
    assert _visit_count(village_c, dt.date.today(), dt.date.today()) == 2

    # Found the next day, seen at home: the last person is accounted for and the round closes.
    visit_record(by=village_cadre_c, task=li, found=True, outcome=Outcome.NO_RISK, method="phone")
    round_close(by=county_admin, screening_round=rounds[0])
    rounds[0].refresh_from_db()
    assert rounds[0].status == ScreeningRound.Status.CLOSED

    # Rounds 2 to 4: 李四 is now visited in village C; one person in hospital elsewhere is an explained exception.
    for screening_round in rounds[1:]:
        assert round_open(by=county_admin, screening_round=screening_round) == 3
        assert _task(screening_round, "李四").org_unit == village_c
        task_explain(by=village_cadre_c, task=_task(screening_round, "赵六"), reason="在县医院隔离治疗")
        _visit_everyone(screening_round, {world.village_a.pk: village_cadre_a, village_c.pk: village_cadre_c})
        round_close(by=county_admin, screening_round=screening_round)
    assert list(campaign.rounds.values_list("status", flat=True)) == ["closed"] * 4


def test_a_retried_visit_is_recorded_once_and_a_closed_round_takes_no_visit(
    world: World, county_admin: User, village_cadre_a: User
) -> None:
    factories.person(world.village_a, "张三")
    campaign = campaign_create(by=county_admin, org_unit=world.township_a, name="全员排查", round_count=1)
    first = campaign.rounds.get()
    round_open(by=county_admin, screening_round=first)
    task = first.tasks.get()
    key = uuid.uuid4()
    one = visit_record(by=village_cadre_a, task=task, found=True, outcome=Outcome.NO_RISK, idempotency_key=key)
    two = visit_record(by=village_cadre_a, task=task, found=True, outcome=Outcome.NO_RISK, idempotency_key=key)
    assert one.pk == two.pk and task.visits.count() == 1
    round_close(by=county_admin, screening_round=first)
    with pytest.raises(ValidationError, match="not open"):
        visit_record(by=village_cadre_a, task=task, found=True, outcome=Outcome.NO_RISK)


def test_a_visit_outside_the_scope_is_refused(world: World, county_admin: User, village_cadre_b: User) -> None:
    factories.person(world.village_a, "张三")
    campaign = campaign_create(by=county_admin, org_unit=world.county, name="全县排查", round_count=1)
    round_open(by=county_admin, screening_round=campaign.rounds.get())
    with pytest.raises(PermissionDenied):
        visit_record(by=village_cadre_b, task=VisitTask.objects.get(), found=True, outcome=Outcome.NO_RISK)


def test_the_cadre_records_a_visit_in_two_taps_on_the_phone_page(
    world: World, county_admin: User, village_cadre_a: User
) -> None:
    factories.person(world.village_a, "张三", address="一组3号")
    campaign = campaign_create(by=county_admin, org_unit=world.county, name="全县排查", round_count=1)
    round_open(by=county_admin, screening_round=campaign.rounds.get())
    task = VisitTask.objects.get()
    client = english_client(village_cadre_a)
    listing = client.get(reverse("residents:visit_list"))
    assert "张三" in listing.content.decode() and "一组3号" in listing.content.decode()
    page = client.get(reverse("residents:task_visit", kwargs={"task_id": task.pk}))
    key = page.context["form"].initial["idempotency_key"]
    answer = client.post(
        reverse("residents:task_visit", kwargs={"task_id": task.pk}),
        {"found": "1", "outcome": "no_risk", "method": "door", "idempotency_key": key},
    )
    assert answer.status_code == 302
    task.refresh_from_db()
    assert (task.outcome, task.accounted) == ("no_risk", True)
    wrong = client.post(
        reverse("residents:task_visit", kwargs={"task_id": task.pk}),
        {"found": "1", "outcome": "no_risk", "method": "door", "temperature": "39.0", "idempotency_key": uuid.uuid4()},
    )
    assert "referred or put under home observation" in wrong.content.decode()


def test_the_hq_sees_progress_per_unit_in_a_fixed_number_of_queries(
    world: World, county_admin: User, django_assert_max_num_queries: object
) -> None:
    for village in (world.village_a, world.village_b):
        for n in range(5):
            factories.person(village, f"居民{village.pk}-{n}")
    campaign = campaign_create(by=county_admin, org_unit=world.county, name="全县排查", round_count=1)
    round_open(by=county_admin, screening_round=campaign.rounds.get())
    client = english_client(county_admin)
    url = reverse("residents:campaign_detail", kwargs={"campaign_id": campaign.pk})
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        response = client.get(url)
    assert response.context["total"].targeted == 10
    assert [p.targeted for p in response.context["below"]] == [5, 5]


def test_the_visit_list_runs_a_fixed_number_of_queries(
    world: World, county_admin: User, village_cadre_a: User, django_assert_max_num_queries: object
) -> None:
    for n in range(25):
        factories.person(world.village_a, f"居民{n}", address=f"{n}号")
    campaign = campaign_create(by=county_admin, org_unit=world.county, name="全县排查", round_count=1)
    round_open(by=county_admin, screening_round=campaign.rounds.get())
    client = english_client(village_cadre_a)
    with django_assert_max_num_queries(13):  # type: ignore[operator]
        response = client.get(reverse("residents:visit_list"))
    assert len(response.context["page"]) == 25
