"""The notices API: a phone or another system publishes, changes (a new version each time) and withdraws notices
of its scope; bad input gets the reason and changes nothing; outside the scope a notice does not exist."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from bastion.core.models import AuditEvent, User
from bastion.core.services.accounts import token_create
from bastion.outreach.models import Notice
from tests.conftest import World
from tests.outreach.notices_data import KK_TITLE, LETTER, ZH_TITLE, letter

pytestmark = pytest.mark.django_db


def api_client(user: User) -> Client:
    _token, key = token_create(by=user, name="phone")
    return Client(headers={"authorization": f"Bearer {key}", "accept-language": "en"})


def test_a_notice_is_published_changed_read_with_its_versions_and_withdrawn(world: World, publicity: User) -> None:
    client = api_client(publicity)
    body = {"unit_id": world.county.pk, "texts": LETTER, "audience": "湖北返乡人员", "publish_at": timezone.now()}
    created = client.post("/api/v1/outreach/notices", body, content_type="application/json")
    assert created.status_code == 201, created.content
    notice = created.json()
    assert notice["status"] == "current" and notice["version"] == 1 and notice["unit_id"] == world.county.pk
    assert notice["texts"]["kk-arab"]["title"] == KK_TITLE and len(notice["versions"]) == 1

    changed_texts = {**LETTER, "zh-hans": {"title": ZH_TITLE + "（修订）", "body": "请主动登记。"}}
    put = client.put(
        f"/api/v1/outreach/notices/{notice['id']}",
        {"texts": changed_texts, "audience": "全体村民", "publish_at": notice["publish_at"]},
        content_type="application/json",
    )
    assert put.status_code == 200, put.content
    assert put.json()["version"] == 2
    read = client.get(f"/api/v1/outreach/notices/{notice['id']}").json()
    assert [v["number"] for v in read["versions"]] == [2, 1]
    assert read["versions"][1]["texts"]["zh-hans"]["title"] == ZH_TITLE and read["versions"][0]["by"] == "publicity"

    withdrawn = client.post(f"/api/v1/outreach/notices/{notice['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    listed = client.get("/api/v1/outreach/notices", {"status": "withdrawn"}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == notice["id"]
    assert client.get("/api/v1/outreach/notices", {"status": "current"}).json()["count"] == 0
    assert AuditEvent.objects.filter(action__startswith="notice.").count() == 3


def test_a_notice_without_chinese_is_refused_with_the_reason_and_nothing_changes(world: World, publicity: User) -> None:
    client = api_client(publicity)
    body = {"unit_id": world.county.pk, "texts": {"kk-arab": LETTER["kk-arab"]}}
    refused = client.post("/api/v1/outreach/notices", body, content_type="application/json")
    assert refused.status_code == 422
    assert "A notice needs its Chinese version" in refused.json()["detail"]["texts"][0]
    assert not Notice.objects.exists()
    notice = letter(publicity, world.county)
    put = client.put(
        f"/api/v1/outreach/notices/{notice.pk}", {"texts": {"en": {"title": "x"}}}, content_type="application/json"
    )
    assert put.status_code == 422
    notice.refresh_from_db()
    assert notice.version == 1 and notice.texts == {k: LETTER[k] for k in LETTER}


def test_outside_the_scope_a_notice_does_not_exist(world: World, village_cadre_a: User, township_cadre: User) -> None:
    notice = letter(None, world.township_b, title="东城镇通知")
    reader = api_client(village_cadre_a)
    assert reader.get(f"/api/v1/outreach/notices/{notice.pk}").status_code == 404
    assert reader.get("/api/v1/outreach/notices").json()["count"] == 0
    assert reader.post(f"/api/v1/outreach/notices/{notice.pk}/withdraw").status_code == 404  # no change_notice
    writer = api_client(township_cadre)
    assert writer.post(f"/api/v1/outreach/notices/{notice.pk}/withdraw").status_code == 404
    put = writer.put(f"/api/v1/outreach/notices/{notice.pk}", {"texts": LETTER}, content_type="application/json")
    assert put.status_code == 404
    body = {"unit_id": world.township_b.pk, "texts": LETTER}
    assert writer.post("/api/v1/outreach/notices", body, content_type="application/json").status_code == 404
    notice.refresh_from_db()
    assert notice.version == 1 and notice.withdraw_at is None and Notice.objects.count() == 1
