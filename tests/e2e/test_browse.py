"""Browse the org-unit tree in a real browser: sign in, expand the tree, search, switch language, stay in scope.

The world (tests/conftest.py): 木垒哈萨克自治县 with townships 木垒镇 (village 水磨沟村) and
东城镇 (village 沈家沟村, compound 沈家沟一号小区). Assertions are on data and structure; the
interface language is read from ``<html lang>`` because translations may be incomplete.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from bastion.core.models import User
from tests.conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SignIn = Callable[..., None]


def tree_node(page: Page, name: str) -> Locator:
    """The <li class="node"> whose own link (not a descendant's) is ``name``."""
    return page.locator("li.node").filter(has=page.locator(":scope > a", has_text=re.compile(f"^{re.escape(name)}$")))


def expand(page: Page, name: str) -> None:
    node = tree_node(page, name)
    with page.expect_response(re.compile(r"/units/\d+/children/$")) as response:
        node.locator(":scope > button.toggle").click()
    assert response.value.ok, f"children of {name}: HTTP {response.value.status}"
    expect(node.locator(":scope > ul.subtree > li.node").first).to_be_visible()


def switch_language(page: Page, label: str) -> None:
    with page.expect_navigation():
        page.locator("header select#language").select_option(label=label)


def test_county_admin_signs_in_and_lands_home(
    page: Page, live_server, transactional_db: None, county_admin: User, world: World, sign_in: SignIn
) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    sign_in(page, "alice")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("main h2 a", has_text=world.county.name)).to_be_visible()
    expect(page.locator(".whoami")).to_contain_text("alice")
    expect(page.locator(".whoami .scope")).to_contain_text(world.county.name)
    # The nav offers the tree; htmx loaded from the static files.
    expect(page.locator("header nav.nav a[href='/units/']")).to_be_visible()
    assert page.evaluate("typeof window.htmx") == "object"


def test_tree_expands_lazily_and_leads_to_a_village(
    page: Page, transactional_db: None, county_admin: User, world: World, sign_in: SignIn, screenshots: Path
) -> None:
    sign_in(page, "alice")
    page.locator("header nav.nav a[href='/units/']").click()
    expect(page).to_have_url(re.compile(r"/units/$"))

    county = tree_node(page, world.county.name)
    expect(county).to_have_count(1)
    # Townships are not in the page until the ▸ asks for them.
    expect(page.get_by_role("link", name=world.township_a.name, exact=True)).to_have_count(0)

    expand(page, world.county.name)
    townships = county.locator(":scope > ul.subtree > li.node > a")
    expect(townships).to_contain_text([world.township_a.name])
    expect(townships).to_contain_text([world.township_b.name])
    expect(townships).to_have_count(2)
    expect(county.locator(":scope > button.toggle")).to_have_attribute("aria-expanded", "true")

    expand(page, world.township_a.name)
    village_link = tree_node(page, world.township_a.name).get_by_role("link", name=world.village_a.name, exact=True)
    expect(village_link).to_be_visible()
    page.screenshot(path=str(screenshots / "tree-zh.png"), full_page=True)

    village_link.click()
    expect(page).to_have_url(re.compile(rf"/units/{world.village_a.pk}/$"))
    expect(page.locator("main h1")).to_contain_text(world.village_a.name)
    breadcrumb = page.locator("nav.breadcrumb a")
    expect(breadcrumb).to_have_text([world.county.name, world.township_a.name])
    expect(page.locator("main")).to_contain_text(world.clinic_a.name)


def test_search_by_pinyin_initials(
    page: Page, transactional_db: None, county_admin: User, world: World, sign_in: SignIn, screenshots: Path
) -> None:
    sign_in(page, "alice")
    page.goto("/units/")
    search = page.locator("form[role=search] input[name=q]")
    search.fill("mlz")
    with page.expect_navigation():
        search.press("Enter")

    expect(page).to_have_url(re.compile(r"/units/\?q=mlz"))
    rows = page.locator("main table.list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link", name=world.township_a.name, exact=True)).to_be_visible()
    expect(rows.first).to_contain_text(world.county.name)  # parent column
    expect(search).to_have_value("mlz")
    page.screenshot(path=str(screenshots / "search-mlz.png"), full_page=True)

    rows.first.get_by_role("link").click()
    expect(page.locator("main h1")).to_contain_text(world.township_a.name)


def test_language_switch_on_a_phone(
    phone_page: Page, transactional_db: None, county_admin: User, world: World, sign_in: SignIn, screenshots: Path
) -> None:
    page = phone_page
    sign_in(page, "alice")
    page.goto(f"/units/{world.village_a.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.screenshot(path=str(screenshots / "unit-zh-phone.png"), full_page=True)

    switch_language(page, "English")
    expect(page).to_have_url(re.compile(rf"/units/{world.village_a.pk}/$"))  # stays on the same page
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("header nav.nav")).to_contain_text("Org units")
    expect(page.locator("header select#language")).to_have_value("en")
    expect(page.locator("main h1")).to_contain_text(world.village_a.name)
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.screenshot(path=str(screenshots / "unit-en.png"), full_page=True)

    # The choice sticks across pages.
    page.goto("/units/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("Org units")

    switch_language(page, "简体中文")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("header select#language")).to_have_value("zh-hans")


def test_township_cadre_sees_only_own_township(
    page: Page, transactional_db: None, township_cadre: User, world: World, sign_in: SignIn, live_server
) -> None:
    sign_in(page, "bob")
    expect(page.locator("main h2 a")).to_have_text([world.township_a.name])

    page.goto("/units/")
    roots = page.locator("main ul.tree > li.node > a")
    expect(roots).to_have_text([world.township_a.name])
    expand(page, world.township_a.name)
    expect(page.get_by_role("link", name=world.village_a.name, exact=True)).to_be_visible()
    main = page.locator("main")
    for hidden in (world.county.name, world.township_b.name, world.village_b.name, world.compound_b.name):
        expect(main).not_to_contain_text(hidden)

    # Search: the own village by a shared character, never the other township's.
    page.goto("/units/?q=村")
    results = page.locator("main table.list tbody a")
    expect(results).to_have_text([world.village_a.name])
    page.goto("/units/?q=sjg")  # 沈家沟村 by its initials
    expect(page.locator("main table.list tbody a")).to_have_count(0)
    expect(main).not_to_contain_text(world.village_b.name)

    # Typing the address of the other village or of the county's children does not leak them either.
    for path in (f"/units/{world.village_b.pk}/", f"/units/{world.county.pk}/children/"):
        response = page.goto(path)
        assert response is not None and response.status in (403, 404), f"{path}: HTTP {response and response.status}"
        expect(page.locator("body")).not_to_contain_text(world.village_b.name)
