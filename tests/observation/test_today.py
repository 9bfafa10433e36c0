"""The doctor's day and the township's overview: what they show, in how many queries; the case opened
straight from a screening visit."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bastion.core.models import User
from bastion.observation.models import ObservationCase
from bastion.observation.services.checks import check_record
from bastion.residents.models import Outcome, Symptom
from bastion.residents.services.screening import campaign_create, round_open, visit_record
from tests import factories
from tests.conftest import World, english_client

MORNING = dt.datetime(2020, 2, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def observed(world: World, count: int) -> list[ObservationCase]:
    with time_machine.travel(MORNING - dt.timedelta(days=1), tick=False):
        return [
            factories.observation_case(factories.person(world.village_a, f"观察{n}", address=f"{n}号"))
            for n in range(count)
        ]


def queries_of(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["observation:today", "observation:overview", "observation:case_list"])
def test_the_pages_use_the_same_queries_for_three_cases_as_for_twelve(
    world: World, township_cadre: User, village_doctor: User, page: str
) -> None:
    cases = observed(world, 3)
    client = english_client(township_cadre)
    with time_machine.travel(MORNING, tick=False):
        check_record(by=village_doctor, case=cases[0], temperature=Decimal("38.0"))
        few = queries_of(client, reverse(page))
    more = observed(world, 9)
    with time_machine.travel(MORNING, tick=False):
        check_record(by=village_doctor, case=more[0], temperature=Decimal("38.5"))
        many = queries_of(client, reverse(page))
    assert many == few


@pytest.mark.django_db
def test_todays_checks_put_the_missed_and_the_alerts_first(world: World, village_doctor: User) -> None:
    calm, feverish, forgotten = observed(world, 3)
    evening = MORNING.replace(hour=20)
    with time_machine.travel(MORNING, tick=False):
        check_record(by=village_doctor, case=calm, temperature=Decimal("36.5"))
        check_record(by=village_doctor, case=feverish, temperature=Decimal("37.5"))
        check_record(by=village_doctor, case=forgotten, temperature=Decimal("36.6"))
    with time_machine.travel(evening, tick=False):
        check_record(by=village_doctor, case=calm, temperature=Decimal("36.4"))
        check_record(by=village_doctor, case=feverish, temperature=Decimal("36.9"))
    with time_machine.travel(MORNING + dt.timedelta(days=1), tick=False):
        page = english_client(village_doctor).get(reverse("observation:today")).content.decode()
    order = [page.index(name) for name in ("观察1", "观察2", "观察0")]
    assert order == sorted(order), "the open alert and the missed check come before the case in order"
    assert "1 with a missed check" in page and "1 with an open alert" in page


@pytest.mark.django_db
def test_home_observation_in_screening_opens_the_case(world: World, county_admin: User, volunteer: User) -> None:
    person = factories.person(world.village_a, "返乡人", tags=("migrant_worker",))
    feverish = factories.person(world.village_a, "发热人", tags=("migrant_worker",))
    campaign = campaign_create(by=county_admin, org_unit=world.county, name="返乡人员排查", round_count=1)
    round_open(by=county_admin, screening_round=campaign.rounds.get())
    tasks = {t.person_id: t for t in campaign.rounds.get().tasks.all()}
    visit_record(by=volunteer, task=tasks[person.pk], found=True, outcome=Outcome.HOME_OBSERVATION)
    visit_record(
        by=volunteer,
        task=tasks[feverish.pk],
        found=True,
        outcome=Outcome.HOME_OBSERVATION,
        temperature=Decimal("37.6"),
        symptoms=[Symptom.objects.get(code="fatigue")],
    )
    cases = {c.person_id: c for c in ObservationCase.objects.select_related("reason")}
    assert cases[person.pk].reason.code == "returnee" and cases[feverish.pk].reason.code == "screening"
    assert cases[person.pk].org_unit == world.village_a and cases[person.pk].visit is not None
    assert not tasks[person.pk].__class__.objects.filter(awaiting_observation=True).exists()


@pytest.mark.django_db
def test_the_release_note_exists_only_once_released(world: World, village_doctor: User) -> None:
    (case,) = observed(world, 1)
    response = english_client(village_doctor).get(reverse("observation:release_note", args=[case.pk]))
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_person_page_shows_the_cases_and_the_way_to_open_one(world: World, village_cadre_a: User) -> None:
    (case,) = observed(world, 1)
    page = english_client(village_cadre_a).get(reverse("residents:person_detail", args=[case.person_id]))
    body = page.content.decode()
    assert reverse("observation:case_detail", args=[case.pk]) in body and "Put under observation" in body


@pytest.mark.django_db
def test_the_case_export_needs_the_export_permission_and_is_audited(
    world: World, township_cadre: User, village_cadre_a: User
) -> None:
    from python_calamine import CalamineWorkbook

    from bastion.core.models import AuditEvent

    observed(world, 2)
    assert english_client(village_cadre_a).get(reverse("observation:case_export")).status_code == 403
    response = english_client(township_cadre).get(reverse("observation:case_export"), {"status": "all"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert [row[1] for row in rows[1:]] == ["观察0", "观察1"]
    assert AuditEvent.objects.filter(action="observation.export", summary__count=2).exists()
    with time_machine.travel(MORNING, tick=False):
        day = english_client(township_cadre).get(reverse("observation:today"), {"format": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(day.content)).get_sheet_by_index(0).to_python()
    assert [row[1] for row in rows[1:]] == ["观察0", "观察1"] and "missed" in rows[1][4]
    assert english_client(village_cadre_a).get(reverse("observation:today"), {"format": "xlsx"}).status_code == 403
