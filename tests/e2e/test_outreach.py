"""On a phone: a returnee reads the county's letter on the public page, without JavaScript, in Kazakh; an
inspector works through the supermarket's checklist, fails the temperature check and sets the rectification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, expect

from bastion.command.models import ActionItem
from bastion.outreach.models import ChecklistItem, Inspection
from bastion.outreach.services.notices import notice_create
from tests import factories
from tests.command import factories as command
from tests.conftest import World
from tests.e2e.conftest import PHONE
from tests.outreach import factories as outreach

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
KAZAKH_TITLE = "حۋبەيدەن ورالعاندارعا حات"


def test_the_letter_reads_in_kazakh_on_a_phone_without_javascript(
    browser: Browser, live_server, transactional_db: None, world: World
) -> None:
    notice_create(
        by=None,
        org_unit=world.county,
        texts={
            "zh-hans": {"title": "致湖北返乡人员的一封信", "body": "请主动报告，居家观察14天。"},
            "kk-arab": {"title": KAZAKH_TITLE, "body": "ۇيدە 14 كۇن باقىلاۋدا بولىڭىز."},
        },
        publish_at=timezone.now() - dt.timedelta(hours=1),
    )
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, java_script_enabled=False, locale="zh-CN"
    )
    try:
        page = context.new_page()
        response = page.goto(f"/outreach/n/{world.village_a.pk}/")
        assert response is not None and "public" in (response.headers.get("cache-control") or "")
        expect(page.locator("h2 a")).to_have_text("致湖北返乡人员的一封信")
        page.locator("nav a[hreflang='kk-arab']").click()
        expect(page.locator("li[lang='kk-arab'][dir='rtl'] h2")).to_have_text(KAZAKH_TITLE)
        page.locator("h2 a").click()
        expect(page.locator("body")).to_contain_text("ۇيدە 14 كۇن")
        assert page.evaluate("document.scripts.length") == 0
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    finally:
        context.close()


def test_an_inspector_fails_the_temperature_check_and_sets_the_rectification(
    new_context: Callable[..., BrowserContext],
    live_server,
    transactional_db: None,
    world: World,
    sign_in: Callable[..., None],
) -> None:
    factories.account("working_group", world.county, username="inspector")
    command.post(world.county)
    supermarket = outreach.place(world.village_a)
    temperature = ChecklistItem.objects.get(place_kind=supermarket.kind, code="temperature")
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, "inspector")
    page.goto(f"/outreach/places/{supermarket.pk}/inspect/")
    page.locator("input[name=inspectors]").fill("县督查组 王、李")
    for item in ChecklistItem.objects.filter(place_kind=supermarket.kind, is_active=True):
        choice = "failed" if item == temperature else "passed"
        page.locator(f"input[name=item_{item.pk}][value={choice}]").check()
    page.locator(f"[name=note_{temperature.pk}]").fill("入口无人测温")
    deadline = page.locator("input[name=rectify_by]")
    expect(deadline).to_be_visible()
    deadline.fill((timezone.localdate() + dt.timedelta(days=1)).isoformat())
    with page.expect_navigation():
        page.locator("form.inspection button[type=submit]").click()
    inspection = Inspection.objects.get()
    assert inspection.result == Inspection.Result.FAILED
    item = ActionItem.objects.get()
    assert item.owner_unit == world.village_a and inspection.rectification == item
    expect(page.locator("main")).to_contain_text("入口无人测温")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
