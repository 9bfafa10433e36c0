"""On a phone: the HQ office runs the morning dispatch (a decision becomes an action item for a working group,
the meeting is closed); the group's lead claims it done; a village cadre finds whom to call at the HQ."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from bastion.command.models import ActionItem, Meeting, PostMember
from bastion.command.services.structure import liaison_create
from tests import factories
from tests.command import factories as command
from tests.conftest import World
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_morning_dispatch_sets_an_item_its_owner_claims_and_a_village_finds_whom_to_call(
    new_context: Callable[..., BrowserContext],
    live_server,
    transactional_db: None,
    world: World,
    sign_in: Callable[..., None],
) -> None:
    office = factories.account("hq_staff", world.county, username="office")
    lead = factories.account("working_group", world.county, username="lead")
    factories.account("village_cadre", world.village_a, username="cadre-a")
    post = command.post(world.county)
    director = command.member(post, "李主任", PostMember.Position.OFFICE_DIRECTOR, user=office)
    command.member(post, "张组长", user=lead, group="monitoring", lead=True)
    liaison_create(
        by=None,
        command_post=post,
        hq_member=director,
        unit=world.village_a,
        contact_name="马书记",
        contact_phone="13966667777",
    )

    page: Page = new_context(viewport=PHONE).new_page()
    sign_in(page, "office")
    page.goto("/command/meetings/")
    page.locator("a.button.primary").first.click()
    with page.expect_navigation():
        page.locator("button.primary").click()
    meeting = Meeting.objects.get()
    expect(page).to_have_url(f"{live_server.url}/command/meetings/{meeting.pk}/")
    monitoring = command.group(post, "monitoring")
    page.locator("textarea[name=text]").fill("核实2月9日返乡人员")
    page.locator("select[name=owner]").select_option(f"g:{monitoring.pk}")
    page.locator("input[name=due_on]").fill(timezone.localdate().isoformat())
    page.locator("#decision_form button.primary").click()
    expect(page.locator("#decision_form ol")).to_contain_text("核实2月9日返乡人员")
    with page.expect_navigation():
        page.locator("form[action$='/close/'] button").click()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED
    item = ActionItem.objects.get()
    assert item.owner_group == monitoring and item.decision is not None
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    owner: Page = new_context(viewport=PHONE).new_page()
    sign_in(owner, "lead")
    owner.goto(f"/command/items/{item.pk}/")
    owner.locator("textarea[name=text]").fill("已核实42人")
    with owner.expect_navigation():
        owner.locator(f"button[formaction='/command/items/{item.pk}/claim/']").click()
    expect(owner.locator(".messages")).to_be_visible()
    item.refresh_from_db()
    assert item.status == ActionItem.Status.CLAIMED

    villager: Page = new_context(viewport=PHONE).new_page()
    sign_in(villager, "cadre-a")
    villager.goto("/command/contacts/")
    expect(villager.locator(f"a[href='tel:{director.phone}']").first).to_be_visible()
    expect(villager.locator("body")).to_contain_text("李主任")
