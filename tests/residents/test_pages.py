"""Every residents page answers, for the HQ and for a village cadre, with the demo-like data behind it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bastion.core.models import AuditEvent, User
from bastion.residents.models import CategoryTag, Household, Outcome, Symptom, VisitTask
from bastion.residents.services.screening import campaign_create, round_open, visit_record
from tests import factories
from tests.conftest import World, english_client

pytestmark = pytest.mark.django_db


def test_every_page_answers(world: World, county_admin: User, volunteer: User) -> None:
    person = factories.person(world.village_a, "张三", id_number=factories.id_number(41), phone="13812345678")
    household = Household.objects.create(org_unit=world.village_a, address="一组3号", head=person)
    campaign = campaign_create(by=county_admin, org_unit=world.county, name="全县排查", round_count=2)
    round_open(by=county_admin, screening_round=campaign.rounds.get(number=1))
    task = VisitTask.objects.get()
    visit_record(by=county_admin, task=task, found=True, outcome=Outcome.NO_RISK)
    pages = [
        reverse("residents:person_list"),
        reverse("residents:person_list") + "?q=zs&tag=resident",
        reverse("residents:person_new"),
        reverse("residents:person_new") + f"?household={household.pk}",
        reverse("residents:person_detail", args=[person.pk]),
        reverse("residents:person_edit", args=[person.pk]),
        reverse("residents:travel_add", args=[person.pk]),
        reverse("residents:household_list"),
        reverse("residents:household_new"),
        reverse("residents:household_detail", args=[household.pk]),
        reverse("residents:duplicates"),
        reverse("residents:campaign_list"),
        reverse("residents:campaign_new"),
        reverse("residents:campaign_detail", args=[campaign.pk]),
        reverse("residents:campaign_detail", args=[campaign.pk]) + f"?round=2&unit={world.township_a.pk}",
        reverse("residents:round_tasks", args=[task.round_id]) + f"?unit={world.township_a.pk}&state=no_risk",
        reverse("residents:round_tasks", args=[task.round_id]) + "?state=unaccounted",
        reverse("residents:visit_list"),
        reverse("residents:visit_list") + "?show=all",
        reverse("residents:task_visit", args=[task.pk]),
        reverse("residents:day_summary"),
        reverse("residents:day_summary") + f"?unit={world.township_a.pk}&day={dt.date.today():%Y-%m-%d}",
        reverse("residents:roster_import"),
        reverse("residents:checklists"),
        reverse("residents:checklist_new", args=["tags"]),
        reverse("residents:checklist_item", args=["symptoms", Symptom.objects.get(code="fever").pk]),
    ]
    admin = english_client(county_admin)
    for url in pages:
        response = admin.get(url)
        assert response.status_code == 200, url
    summary = admin.get(reverse("residents:day_summary") + f"?unit={world.county.pk}").content.decode()
    assert "木垒镇" in summary
    export = admin.get(reverse("residents:person_export"))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    tasks = admin.get(reverse("residents:round_tasks", args=[task.round_id]) + "?state=no_risk&format=xlsx")
    assert tasks["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="tasks.export").exists()
    # A volunteer sees the visit list, but neither the export nor the campaign set-up.
    helper = english_client(volunteer)
    assert helper.get(reverse("residents:visit_list")).status_code == 200
    assert helper.get(reverse("residents:person_export")).status_code == 403
    assert helper.get(reverse("residents:campaign_new")).status_code == 403


def test_the_hq_creates_a_campaign_and_opens_its_first_round_from_the_pages(world: World, county_admin: User) -> None:
    factories.person(world.village_a, "张三", tags=("migrant_worker",))
    client = english_client(county_admin)
    refused = client.post(
        reverse("residents:campaign_new"), {"name": "", "org_unit": world.county.pk, "round_count": 4}
    )
    assert (
        "Give the campaign a name." in refused.content.decode() or "This field is required" in refused.content.decode()
    )
    tags = [t.pk for t in CategoryTag.objects.filter(code__in=["migrant_worker", "college_student"])]
    created = client.post(
        reverse("residents:campaign_new"),
        {"name": "返乡人员排查", "org_unit": world.county.pk, "round_count": 4, "tags": tags},
    )
    assert created.status_code == 302
    campaign_url = created["Location"]
    page = client.get(campaign_url)
    first = page.context["shown"]
    client.post(reverse("residents:round_open", args=[first.pk]))
    page = client.get(campaign_url)
    assert page.context["total"].targeted == 1
    closing = client.post(reverse("residents:round_close", args=[first.pk]), follow=True)
    assert "1 person is not accounted for yet" in closing.content.decode()


def test_the_hq_adds_a_symptom_and_a_township_may_not(world: World, county_admin: User) -> None:
    client = english_client(county_admin)
    url = reverse("residents:checklist_new", args=["symptoms"])
    refused = client.post(url, {"code": "Bad Code", "name_zh_hans": "", "sort_order": 0})
    assert "Give the Chinese name." in refused.content.decode() or "valid" in refused.content.decode()
    client.post(
        url, {"code": "chills", "name_zh_hans": "寒战", "name_en": "Chills", "sort_order": 70, "is_active": "on"}
    )
    chills = Symptom.objects.get(code="chills")
    assert chills.names == {"zh-hans": "寒战", "en": "Chills"}
    assert AuditEvent.objects.filter(action="symptom.add", object_id=str(chills.pk)).exists()
    township_admin = factories.account("county_admin", world.township_a)
    assert (
        english_client(township_admin)
        .get(reverse("residents:checklist_item", args=["symptoms", chills.pk]))
        .status_code
        == 404
    )
