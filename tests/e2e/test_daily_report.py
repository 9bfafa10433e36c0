"""On a phone: the village cadre sees today's report not yet filed, files figures, and the township sees it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from bastion.core.models import User
from bastion.reporting.models import Report
from tests import factories
from tests.conftest import World
from tests.reporting.conftest import daily_form

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_village_cadre_files_the_daily_report_on_a_phone(
    phone_page: Page,
    live_server,
    transactional_db: None,
    world: World,
    township_cadre: User,
    sign_in: Callable[..., None],
) -> None:
    form = daily_form(world.county)
    form.deadline = dt.time(23, 59)
    form.save(update_fields=["deadline"])
    factories.account("village_cadre", world.village_a, username="erin")
    page = phone_page
    page.goto("/")
    sign_in(page, "erin")
    card = page.locator("section.report-due")
    expect(card).to_contain_text("疫情防控日报告")
    expect(card).to_have_class(re.compile("status-missing"))
    card.locator("a.button").click()

    page.fill("input[name=returnees]", "-2")
    page.locator("main button.wide[type=submit]:not([name=zero])").click()
    expect(page.locator(".has-error")).to_have_count(1)
    assert not Report.objects.exists()

    page.fill("input[name=returnees]", "3")
    page.fill("input[name=fever]", "1")
    page.locator("main button.wide[type=submit]:not([name=zero])").click()
    expect(page.locator(".messages")).to_contain_text("水磨沟村")
    expect(page.locator("section.report-due")).to_have_class(re.compile("status-on_time"))
    assert Report.objects.get().values.get(indicator__code="returnees").number == 3
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    # The township's cadre sees the village on time in the completeness table.
    page.context.clear_cookies()
    page.goto("/")
    sign_in(page, "bob")
    page.goto(f"/reporting/completeness/?form={form.pk}&unit={world.township_a.pk}")
    row = page.locator("table.figures tbody tr", has_text="水磨沟村")
    expect(row.locator("td").nth(2)).to_have_text("1")
