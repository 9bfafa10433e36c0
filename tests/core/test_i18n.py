from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from bastion.core.i18n import untranslated
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


def test_every_string_has_its_chinese_translation() -> None:
    assert untranslated("zh_Hans") == []


def test_pages_are_chinese_by_default_and_switch_to_english(world: World, county_admin) -> None:
    client = client_for(county_admin)
    assert '<html lang="zh-hans">' in client.get(reverse("core:tree")).content.decode()
    assert "组织机构" in client.get(reverse("core:tree")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("core:tree")})
    page = client.get(reverse("core:tree")).content.decode()
    assert '<html lang="en">' in page and "Org units" in page


def test_the_not_found_page_is_friendly_in_both_languages(world: World, county_admin) -> None:
    client = client_for(county_admin)
    assert "未找到" in client.get("/units/999999/").content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    assert "Not found" in client.get("/units/999999/").content.decode()


def test_the_sign_in_page_is_in_chinese(anonymous: Client) -> None:
    assert "登录" in anonymous.get(reverse("login")).content.decode()
