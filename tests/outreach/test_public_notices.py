"""The public notice page: no login, the reader picks the language, right-to-left text marked as such, nothing
personal, cacheable (304 to a conditional GET, no ``Vary: Cookie``), no script, and as many queries for 30 notices
as for 3."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bastion.core.models import User
from bastion.outreach.services.notices import notice_withdraw
from tests.conftest import World
from tests.outreach.notices_data import KK_TITLE, ZH_TITLE, letter

pytestmark = pytest.mark.django_db


def page(unit_id: int) -> str:
    return reverse("outreach:public_unit", args=[unit_id])


def test_a_village_page_shows_the_county_and_township_notices_in_the_language_chosen_chinese_otherwise(
    world: World, publicity: User, anonymous: Client
) -> None:
    letter(publicity, world.county)
    only_chinese = letter(
        publicity, world.township_a, texts={"zh-hans": {"title": "木垒镇健康提示", "body": "勤洗手。"}}
    )
    html = anonymous.get(page(world.village_a.pk), {"lang": "kk-arab"}).content.decode()
    assert KK_TITLE in html and ZH_TITLE not in html
    # The township's notice has no Kazakh version: its Chinese title, marked as Chinese, left to right.
    assert '<li lang="zh-hans" dir="ltr"><h2><a href="' in html and "木垒镇健康提示" in html
    assert f"{reverse('outreach:public_notice', args=[world.village_a.pk, only_chinese.pk])}?lang=kk-arab" in html
    # The language links are plain links, one per language on the page.
    assert 'href="?lang=kk-arab"' in html and 'href="?"' in html and "?lang=ug" not in html
    one = anonymous.get(
        reverse("outreach:public_notice", args=[world.village_a.pk, only_chinese.pk]), {"lang": "kk-arab"}
    )
    assert '<article lang="zh-hans" dir="ltr">' in one.content.decode()
    assert "<p>勤洗手。</p>" in one.content.decode()


def test_withdrawn_future_draft_and_other_branches_notices_are_not_shown(
    world: World, publicity: User, anonymous: Client
) -> None:
    now = timezone.now()
    current = letter(publicity, world.county, title="当前通知")
    withdrawn = letter(publicity, world.county, title="已撤回通知")
    notice_withdraw(by=publicity, notice=withdrawn)
    expired = letter(publicity, world.county, title="已过期通知", withdraw_at=now - dt.timedelta(minutes=1))
    future = letter(publicity, world.county, title="明天的通知", publish_at=now + dt.timedelta(days=1))
    draft = letter(publicity, world.county, title="草稿通知", draft=True)
    other = letter(None, world.township_b, title="东城镇通知")
    below = letter(publicity, world.village_a, title="水磨沟村通知")
    html = anonymous.get(page(world.township_a.pk)).content.decode()
    assert "当前通知" in html
    for hidden in ("已撤回通知", "已过期通知", "明天的通知", "草稿通知", "东城镇通知", "水磨沟村通知"):
        assert hidden not in html
    for notice in (withdrawn, expired, future, draft, other, below):
        assert (
            anonymous.get(reverse("outreach:public_notice", args=[world.township_a.pk, notice.pk])).status_code == 404
        )
    assert anonymous.get(reverse("outreach:public_notice", args=[world.township_a.pk, current.pk])).status_code == 200


def test_unknown_or_inactive_units_are_not_found(world: World, publicity: User, anonymous: Client) -> None:
    notice = letter(publicity, world.village_b)
    world.village_b.is_active = False
    world.village_b.save(update_fields=["is_active"])
    assert anonymous.get(page(world.village_b.pk)).status_code == 404
    assert anonymous.get(reverse("outreach:public_notice", args=[world.village_b.pk, notice.pk])).status_code == 404
    assert anonymous.get(page(999_999)).status_code == 404
    # A deactivated unit's notice is no longer shown below it either.
    assert anonymous.get(reverse("outreach:public_notice", args=[world.compound_b.pk, notice.pk])).status_code == 404


def test_the_page_is_cacheable_and_answers_a_conditional_get_with_304(
    world: World, publicity: User, anonymous: Client
) -> None:
    notice = letter(publicity, world.county)
    for url in (page(world.village_a.pk), reverse("outreach:public_notice", args=[world.village_a.pk, notice.pk])):
        first = anonymous.get(url)
        assert first.status_code == 200
        assert first["Cache-Control"] == "public, max-age=60"
        assert "Cookie" not in first.get("Vary", "") and not first.cookies
        assert first["ETag"] and first["Last-Modified"]
        assert anonymous.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
        not_modified = anonymous.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
        assert not_modified.status_code == 304 and not_modified["Cache-Control"] == "public, max-age=60"
        assert anonymous.get(url, {"lang": "kk-arab"}, headers={"If-None-Match": first["ETag"]}).status_code == 200
    # A change shows: the old validators no longer match.
    etag = anonymous.get(page(world.village_a.pk))["ETag"]
    notice_withdraw(by=publicity, notice=notice)
    changed = anonymous.get(page(world.village_a.pk), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and ZH_TITLE not in changed.content.decode()


def test_the_page_has_no_script_no_form_no_session_and_nothing_personal(
    world: World, publicity: User, anonymous: Client
) -> None:
    notice = letter(publicity, world.county)
    for url in (page(world.village_a.pk), reverse("outreach:public_notice", args=[world.village_a.pk, notice.pk])):
        response = anonymous.get(url)
        html = response.content.decode()
        assert "<script" not in html and "<form" not in html and "csrfmiddlewaretoken" not in html
        assert "publicity" not in html and "base.html" not in html and '<nav class="tabs"' not in html
        assert '<meta name="viewport"' in html
        assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    # Signed in or not, the reader gets the same page: the view does not look at who asks.
    signed_in = Client()
    signed_in.force_login(publicity)
    assert signed_in.get(page(world.village_a.pk)).content == anonymous.get(page(world.village_a.pk)).content


def test_the_page_costs_the_same_queries_for_30_notices_as_for_3_and_one_once_rendered(
    world: World, publicity: User, anonymous: Client
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert anonymous.get(page(world.village_a.pk), {"lang": "kk-arab"}).status_code == 200
        return len(captured.captured_queries)

    for i in range(3):
        letter(publicity, world.county, title=f"通知{i}")
    few = queries()
    for i in range(27):
        letter(publicity, [world.county, world.township_a, world.village_a][i % 3], title=f"更多通知{i}")
    assert queries() == few == 2
    with CaptureQueriesContext(connection) as captured:
        etag = anonymous.get(page(world.village_a.pk))["ETag"]
        assert anonymous.get(page(world.village_a.pk), headers={"If-None-Match": etag}).status_code == 304
    assert len(captured.captured_queries) == 2 + 1  # a 304 needs only the unit's query
    # A phone that has not seen this version yet gets the page rendered for the one before it: the unit's query only.
    assert queries() == 1
