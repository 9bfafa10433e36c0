"""On a phone: the village doctor opens today's checks, records a fever in two taps, and the alert is raised."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from bastion.observation.models import HealthCheck
from bastion.reporting.models import ImmediateReport
from tests import factories
from tests.conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_village_doctor_records_a_fever_on_a_phone(
    phone_page: Page,
    live_server,
    transactional_db: None,
    world: World,
    sign_in: Callable[..., None],
) -> None:
    factories.observation_case(factories.person(world.village_a, "张三", address="一组3号"))
    factories.account("doctor", world.village_a, username="dr-li")
    page = phone_page
    page.goto("/")
    sign_in(page, "dr-li")
    page.goto("/observation/today/")
    page.locator("li.task a", has_text="张三").click()

    page.locator("input[name=temperature]").fill("38.1")
    page.locator("button.wide[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("已向乡镇和指挥部报警")
    expect(page.locator("li.task", has_text="张三")).to_contain_text("预警未处理")
    assert HealthCheck.objects.get().raised_alert
    assert ImmediateReport.objects.get().waiting_unit_id == world.township_a.pk
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
