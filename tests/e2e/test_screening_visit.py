"""On a phone: the village cadre opens today's visits, records one in two taps, and the list empties."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from bastion.core.models import User
from bastion.residents.models import VisitTask
from bastion.residents.services.screening import campaign_create, round_open
from tests import factories
from tests.conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_village_cadre_records_a_visit_on_a_phone(
    phone_page: Page,
    live_server,
    transactional_db: None,
    world: World,
    county_admin: User,
    sign_in: Callable[..., None],
) -> None:
    factories.person(world.village_a, "张三", address="一组3号", tags=("migrant_worker",))
    campaign = campaign_create(by=county_admin, org_unit=world.county, name="返乡人员排查", round_count=4)
    round_open(by=county_admin, screening_round=campaign.rounds.get(number=1))
    factories.account("village_cadre", world.village_a, username="erin")
    page = phone_page
    page.goto("/")
    sign_in(page, "erin")
    page.goto("/residents/visits/")
    page.locator("li.task a", has_text="张三").click()

    page.locator("input[name=found][value='1']").check()
    page.locator("input[name=outcome][value='no_risk']").check()
    page.locator("button.wide[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("无风险")
    expect(page.locator("ul.tasks")).not_to_contain_text("张三")
    assert VisitTask.objects.get().accounted
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
