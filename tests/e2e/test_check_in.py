"""On a phone: a cadre of the third batch scans the village's QR code and reports with a phone number; the
village cadre checks the next one in with one tap on the batch page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from bastion.mobilization.models import Assignment, Batch
from bastion.mobilization.services.checkin import unit_token
from tests import factories
from tests.conftest import World
from tests.mobilization import factories as mobilization

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_responder_reports_by_qr_and_the_cadre_checks_in_the_next(
    phone_page: Page,
    live_server,
    transactional_db: None,
    world: World,
    sign_in: Callable[..., None],
) -> None:
    hq = factories.account("county_admin", world.county, username="hq")
    factories.account("village_cadre", world.village_a, username="cadre-a")
    batch = Batch.objects.create(org_unit=world.county, number=3, report_by=dt.date.today(), created_by=hq)
    wang = mobilization.responder(world.village_a, "王建国", phone="13912345678")
    li = mobilization.responder(world.village_a, "李秀英")
    for person in (wang, li):
        Assignment.objects.create(batch=batch, responder=person, unit=world.village_a)
    page = phone_page

    page.goto(f"/mobilization/c/{unit_token(world.village_a)}/")
    page.locator("input[name=phone]").fill("139 1234 5678")
    page.locator("button.primary").click()
    expect(page.locator("[role=status]")).to_contain_text("已向水磨沟村报到")
    assert Assignment.objects.get(responder=wang).method == "qr"

    sign_in(page, "cadre-a")
    page.goto(f"/mobilization/batches/{batch.pk}/?unit={world.village_a.pk}")
    page.locator(f"#assignment-{Assignment.objects.get(responder=li).pk} button.primary").click()
    expect(page.locator(".messages")).to_contain_text("李秀英")
    assert Assignment.objects.get(responder=li).status == "reported"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
