"""Teams (党员先锋队, 突击队, 服务小分队) and the configurable mobilization lists: forming a team with its leader
and members, its page, the member picker kept to the unit, the export, the scope; the HQ's lists."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bastion.core.models import User
from bastion.mobilization.models import DutyType, Team, TeamKind
from tests import factories
from tests.conftest import World, english_client
from tests.mobilization.factories import responder
from tests.mobilization.factories_deployment import team


def team_data(world: World, **fields: Any) -> dict[str, Any]:
    return {
        "kind": TeamKind.objects.get(code="vanguard").pk,
        "name": "水磨沟党员先锋队",
        "org_unit": world.village_a.pk,
        "institution": "",
        "leader": "",
        "members": [],
        "tasks": "劝返聚集\n入户排查",
    } | fields


@pytest.mark.django_db
def test_a_vanguard_team_is_formed_with_its_leader_and_members_and_has_its_page(
    world: World, county_admin: User
) -> None:
    client = english_client(county_admin)
    wang, li, zhao = (responder(world.village_a, name) for name in ("王建国", "李明", "赵丽"))

    response = client.post(reverse("mobilization:team_new"), team_data(world, leader=wang.pk, members=[li.pk, zhao.pk]))

    assert response.status_code == 302
    formed = Team.objects.get()
    assert (formed.leader, set(formed.members.all())) == (wang, {wang, li, zhao}), "the leader is a member"
    page = client.get(reverse("mobilization:team_detail", kwargs={"team_id": formed.pk}))
    text = page.content.decode()
    assert "水磨沟党员先锋队" in text and "劝返聚集" in text and "Party members&#x27; vanguard team" in text
    assert [m.name for m in page.context["members"]] == sorted(["王建国", "李明", "赵丽"])
    listed = client.get(reverse("mobilization:team_list"), {"kind": formed.kind_id})
    assert [(t.name, t.member_count) for t in listed.context["page"]] == [("水磨沟党员先锋队", 3)]


@pytest.mark.django_db
def test_a_team_is_changed_and_its_members_replaced(world: World, county_admin: User) -> None:
    client = english_client(county_admin)
    wang, li, zhao = (responder(world.village_a, name) for name in ("王建国", "李明", "赵丽"))
    formed = team(county_admin, world.village_a, "水磨沟突击队", wang, li, kind="commando")
    url = reverse("mobilization:team_edit", kwargs={"team_id": formed.pk})
    assert client.get(url).status_code == 200

    data = team_data(world, name="水磨沟突击队", leader=zhao.pk, members=[li.pk], is_active="on")
    assert client.post(url, data).status_code == 302

    formed.refresh_from_db()
    assert (formed.leader, set(formed.members.all())) == (zhao, {li, zhao})


@pytest.mark.django_db
def test_an_institution_outside_the_teams_unit_is_refused_on_its_field(world: World, county_admin: User) -> None:
    client = english_client(county_admin)
    township_clinic = factories.institution(world.township_a, "木垒镇卫生院")

    response = client.post(reverse("mobilization:team_new"), team_data(world, institution=township_clinic.pk))

    assert response.status_code == 400
    assert response.context["form"].errors["institution"] == ["The institution is not in 水磨沟村."]
    assert not Team.objects.exists()


@pytest.mark.django_db
def test_the_member_picker_offers_only_the_units_responders(world: World, county_admin: User) -> None:
    client = english_client(county_admin)
    responder(world.village_a, "王建国")
    outsider = responder(world.township_a, "李明")

    page = client.get(reverse("mobilization:team_new"), {"unit": world.village_a.pk})
    offered = [r.name for r in page.context["form"].fields["members"].queryset]
    assert offered == ["王建国"]
    refused = client.post(
        reverse("mobilization:team_new") + f"?unit={world.village_a.pk}", team_data(world, members=[outsider.pk])
    )
    assert refused.status_code == 400 and "members" in refused.context["form"].errors
    assert not Team.objects.exists()


@pytest.mark.django_db
def test_the_team_list_exports_and_keeps_its_queries_for_twelve_teams(world: World, county_admin: User) -> None:
    client = english_client(county_admin)
    wang, li = responder(world.village_a, "王建国"), responder(world.village_a, "李明")

    def form(n: int) -> None:
        for _i in range(n):
            team(county_admin, world.village_a, f"服务小分队{Team.objects.count() + 1:02d}", wang, li, kind="service")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("mobilization:team_list")).status_code == 200
        return len(captured.captured_queries)

    form(2)
    with_two = queries()
    form(10)
    assert queries() == with_two
    export = client.get(reverse("mobilization:team_list"), {"format": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert rows[0][:6] == ["Name", "Kind", "Unit", "Institution", "Leader", "Members"]
    assert len(rows) == 13
    assert rows[1][:6] == ["服务小分队01", "Service team", "水磨沟村", "", "王建国", 2]
    assert rows[1][6] == "李明、王建国"


@pytest.mark.django_db
def test_a_cadre_of_township_b_gets_no_team_of_village_a(world: World, county_admin: User) -> None:
    formed = team(county_admin, world.village_a, "水磨沟党员先锋队", responder(world.village_a, "王建国"))
    client = english_client(factories.account("township_cadre", world.township_b, username="erin"))
    before = (Team.objects.values_list("name", "leader", "is_active").get(), list(formed.members.all()))

    for name in ("team_detail", "team_edit"):
        url = reverse(f"mobilization:{name}", kwargs={"team_id": formed.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, team_data(world, name="改名")).status_code == 404
    assert "水磨沟党员先锋队" not in client.get(reverse("mobilization:team_list")).content.decode()
    assert client.post(reverse("mobilization:team_new"), team_data(world, name="外来队")).status_code == 400
    assert (Team.objects.values_list("name", "leader", "is_active").get(), list(formed.members.all())) == before


@pytest.mark.django_db
def test_the_hq_adds_a_duty_type_and_a_township_cadre_may_not(world: World, county_admin: User) -> None:
    client = english_client(county_admin)
    page = client.get(reverse("mobilization:lists")).content.decode()
    assert "Door-to-door screening" in page and "Commando team" in page and "Volunteers" in page
    url = reverse("mobilization:list_entry", kwargs={"list_name": "duty-types", "entry_id": 0})
    data = {"code": "disinfection", "name_zh_hans": "消杀", "name_en": "Disinfection", "sort_order": 70}

    assert client.post(url, data | {"is_active": "on"}).status_code == 302
    assert DutyType.objects.get(code="disinfection").names == {"zh-hans": "消杀", "en": "Disinfection"}

    cadre = english_client(factories.account("township_cadre", world.township_a, username="bob"))
    assert cadre.post(url, data | {"code": "other_duty"}).status_code in (403, 404)
    assert not DutyType.objects.filter(code="other_duty").exists()
    unknown = reverse("mobilization:list_entry", kwargs={"list_name": "shoes", "entry_id": 0})
    assert client.get(unknown).status_code == 404
