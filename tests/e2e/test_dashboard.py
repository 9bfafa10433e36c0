"""The dashboard in a browser: the HQ opens the county's on a desk and its wall screen, a township cadre the
township's on a phone; the figures show and ECharts draws the trends and the treemap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from bastion.dashboard import figures
from bastion.dashboard.figures import FLOW, LEVEL, figure_add
from tests import factories
from tests.conftest import World
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEEDED = {"checkpoints.passages_in": FLOW, "checkpoints.passages_out": FLOW, "observation.active": LEVEL}


@pytest.fixture(autouse=True)
def needed_figures() -> Iterator[None]:
    added = [key for key in NEEDED if key not in figures.FIGURES]
    for key in added:
        figures.figure(key, key, kind=NEEDED[key])(dict)
    yield
    for key in added:
        del figures.FIGURES[key]


def drawn(page: Page, selector: str) -> None:
    """ECharts has drawn into the container (a canvas, or an svg with the SVG renderer)."""
    expect(page.locator(f"{selector} canvas, {selector} svg").first).to_be_attached()


def test_the_hq_and_a_township_cadre_see_their_figures_and_charts(
    new_context: Callable[..., BrowserContext],
    live_server,
    transactional_db: None,
    world: World,
    sign_in: Callable[..., None],
    screenshots: Path,
) -> None:
    from bastion.reporting.services.filing import report_submit
    from tests.reporting.conftest import daily_form

    factories.account("county_admin", world.county, username="hq")
    factories.account("township_cadre", world.township_a, username="township")
    today = timezone.localdate()
    for n in range(30):
        day = today - dt.timedelta(days=n)
        figure_add(world.village_a, "checkpoints.passages_in", 40 + n % 7, day)
        figure_add(world.village_a, "checkpoints.passages_out", 30 + n % 5, day)
        figure_add(world.village_b, "checkpoints.passages_in", 20 + n % 3, day)
    figure_add(world.village_a, "observation.active", 12, today - dt.timedelta(days=20))
    form = daily_form(world.county)
    report_submit(by=None, form=form, org_unit=world.village_a, period=today, is_zero=True)

    hq: Page = new_context().new_page()
    sign_in(hq, "hq")
    hq.goto("/dashboard/")
    passages_in = hq.locator('#panel-checkpoints [data-key="checkpoints.passages_in"] .value')
    expect(passages_in).to_have_text(str(40 + 20))
    expect(hq.locator('[data-key="reports.missing"] .value')).to_have_text("1")
    expect(hq.locator('[data-key="units.township"] .value')).to_have_text("2")
    drawn(hq, '[data-chart="passages"]')
    drawn(hq, "#treemap")
    expect(hq.locator("#children")).to_contain_text("东城镇")
    hq.screenshot(path=str(screenshots / "dashboard-county.png"), full_page=True)

    hq.goto("/dashboard/wall/")
    expect(hq.locator("body.wall")).to_be_visible()
    expect(hq.locator('meta[http-equiv="refresh"]')).to_have_attribute("content", "60")
    size = hq.locator('[data-key="checkpoints.passages_in"] .value').evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 48
    drawn(hq, '[data-chart="passages"]')
    drawn(hq, "#treemap")
    hq.screenshot(path=str(screenshots / "dashboard-wall.png"), full_page=True)

    cadre: Page = new_context(viewport=PHONE).new_page()
    sign_in(cadre, "township")
    cadre.goto("/dashboard/")
    expect(cadre.locator("h1")).to_contain_text(world.township_a.display_name)
    expect(cadre.locator('#panel-checkpoints [data-key="checkpoints.passages_in"] .value')).to_have_text("40")
    expect(cadre.locator('[data-key="reports.zero"] .value')).to_have_text("1")
    drawn(cadre, '[data-chart="passages"]')
    drawn(cadre, "#treemap")
    expect(cadre.locator("main")).not_to_contain_text("东城镇")
    cadre.locator(".dash-range button").nth(1).click()  # the 30-day trend
    expect(cadre.locator(".dash-range button").nth(1)).to_have_attribute("aria-pressed", "true")
    assert cadre.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    cadre.screenshot(path=str(screenshots / "dashboard-township-phone.png"), full_page=True)
    assert cadre.goto(f"/dashboard/?unit={world.county.pk}").status == 404  # type: ignore[union-attr]


def test_a_prefecture_official_sees_the_counties_on_a_map_coloured_by_a_chosen_figure(
    new_context: Callable[..., BrowserContext],
    live_server,
    transactional_db: None,
    roles: None,
    sign_in: Callable[..., None],
    screenshots: Path,
) -> None:
    from bastion.core.models import OrgUnit

    province = factories.unit(None, "新疆维吾尔自治区", kind=OrgUnit.Kind.PROVINCE)
    changji = factories.unit(province, "昌吉回族自治州", kind=OrgUnit.Kind.PREFECTURE)
    today = timezone.localdate()
    for n, name in enumerate(["昌吉市", "阜康市", "呼图壁县", "玛纳斯县", "吉木萨尔县", "奇台县", "木垒哈萨克自治县"]):
        county = factories.unit(changji, name, kind=OrgUnit.Kind.COUNTY)
        figure_add(county, "checkpoints.passages_in", 100 * (n + 1), today)
        figure_add(county, "observation.active", 7 - n, today)
    factories.account("county_admin", changji, username="prefecture")

    page: Page = new_context().new_page()
    sign_in(page, "prefecture")
    page.goto("/dashboard/")
    expect(page.locator("#prefecture-map")).to_have_attribute("data-drawn", "true")
    drawn(page, "#prefecture-map")
    series = "echarts.getInstanceByDom(document.getElementById('prefecture-map')).getOption().series[0]"
    assert page.evaluate(f"{series}.map") == f"unit-{changji.pk}"
    mulei = f"{series}.data.find(d => d.name === '木垒哈萨克自治县').value"
    assert page.evaluate(mulei) == 700
    page.select_option("#map-figure", "observation.active")
    assert page.evaluate(mulei) == 1
    page.screenshot(path=str(screenshots / "dashboard-prefecture-map.png"), full_page=True)
