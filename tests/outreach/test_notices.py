"""Notices as the publicity group writes them: Chinese required, any other language beside it, every change a new
version, withdrawal, the poster with its QR code; and a cadre outside the unit's scope gets nothing of them."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from bastion.core.models import AuditEvent, User
from bastion.outreach.languages import in_order
from bastion.outreach.models import Notice, NoticeVersion
from bastion.outreach.services.notices import notice_create, notice_publish, notice_update, notice_withdraw
from tests import factories
from tests.conftest import World, english_client
from tests.outreach.notices_data import KK_BODY, KK_TITLE, LETTER, ZH_BODY, ZH_TITLE, letter

pytestmark = pytest.mark.django_db


def form_data(unit_id: int | None = None, **overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "audience": "湖北返乡人员",
        "publish_at": (timezone.localtime() - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "withdraw_at": "",
        "title_zh_hans": ZH_TITLE,
        "body_zh_hans": ZH_BODY,
        "title_kk_arab": KK_TITLE,
        "body_kk_arab": KK_BODY,
    }
    if unit_id is not None:
        data["org_unit"] = unit_id
    return {**data, **overrides}


def pdf_text(content: bytes) -> tuple[str, set[str]]:
    """The text of a PDF and the names of the fonts it uses."""
    reader = PdfReader(io.BytesIO(content))
    fonts = {
        str(font.get_object()["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()
    }
    return "".join(page.extract_text() for page in reader.pages), fonts


def test_the_publicity_group_publishes_a_bilingual_letter_that_anyone_reads_in_both_languages_and_prints(
    world: World, publicity: User
) -> None:
    client = english_client(publicity)
    response = client.post(reverse("outreach:notice_new"), form_data(world.county.pk))
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("outreach:notice_detail", args=[notice.pk])
    assert in_order(notice.texts) == ["zh-hans", "kk-arab"]
    assert notice.version == 1 and notice.versions.get().number == 1

    reader = english_client(publicity)  # any phone: no login below
    reader.logout()
    page = reverse("outreach:public_unit", args=[world.village_a.pk])
    chinese = reader.get(page).content.decode()
    assert '<html lang="zh-hans"' in chinese and ZH_TITLE in chinese
    kazakh = reader.get(page, {"lang": "kk-arab"}).content.decode()
    assert '<html lang="kk-arab" dir="rtl">' in kazakh
    assert '<li lang="kk-arab" dir="rtl">' in kazakh and KK_TITLE in kazakh and ZH_TITLE not in kazakh
    one = reader.get(reverse("outreach:public_notice", args=[world.village_a.pk, notice.pk]), {"lang": "kk-arab"})
    assert '<article lang="kk-arab" dir="rtl">' in one.content.decode()
    assert "ون ءتورت كۇن ۇيدە بولىڭىز" in one.content.decode()

    poster = client.get(reverse("outreach:notice_poster", args=[notice.pk]))
    assert poster.status_code == 200 and poster["Content-Type"] == "application/pdf"
    text, fonts = pdf_text(poster.content)
    assert ZH_TITLE in "".join(text.split())
    assert f"http://testserver/outreach/n/{world.county.pk}/{notice.pk}/" in text  # the QR code's address, printed
    # Kazakh in Arabic script is shaped (joined letter forms, right to left) in an embedded Arabic font: the PDF holds
    # presentation forms the typed text did not have, and NFKC brings back the words.
    assert any("\ufb50" <= char <= "\ufeff" for char in text)
    readable = unicodedata.normalize("NFKC", text)
    assert "قايتقاندارعا" in readable and "حات" in readable
    assert any("NotoNaskhArabic" in font or "NotoSansArabic" in font for font in fonts)


def test_a_notice_without_a_chinese_version_is_refused_with_the_reason_and_nothing_is_saved(
    world: World, publicity: User
) -> None:
    client = english_client(publicity)
    response = client.post(
        reverse("outreach:notice_new"), form_data(world.county.pk, title_zh_hans="", body_zh_hans="")
    )
    assert response.status_code == 400
    assert "A notice needs its Chinese version" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        notice_create(by=publicity, org_unit=world.county, texts={"kk-arab": LETTER["kk-arab"]})
    assert "A notice needs its Chinese version" in str(refused.value)
    assert not Notice.objects.exists() and not NoticeVersion.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="notice.").exists()


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ({**LETTER, "xx": {"title": "t", "body": "b"}}, "Bastion has no notice language xx."),
        ({**LETTER, "ug": {"title": "ئۇقتۇرۇش", "body": ""}}, "has a title but no body"),
        ({**LETTER, "en": {"title": "", "body": "Text"}}, "has a body but no title"),
        ({"zh-hans": {"title": "长" * 201, "body": ZH_BODY}}, "longer than 200 characters"),
        ({"zh-hans": {"title": "   ", "body": ZH_BODY}}, "A notice needs its Chinese version"),
    ],
)
def test_bad_texts_are_refused_with_a_clear_message(
    world: World, publicity: User, texts: dict[str, dict[str, str]], message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        notice_create(by=publicity, org_unit=world.county, texts=texts)
    assert message in " ".join(refused.value.message_dict["texts"])
    assert not Notice.objects.exists()


def test_a_notice_is_withdrawn_after_it_is_published_not_before(world: World, publicity: User) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        notice_create(by=publicity, org_unit=world.county, texts=LETTER, publish_at=now, withdraw_at=now)
    assert "withdrawn after it is published" in refused.value.message_dict["withdraw_at"][0]
    draft = letter(publicity, world.county, draft=True)
    with pytest.raises(ValidationError, match="not published"):
        notice_withdraw(by=publicity, notice=draft)
    assert Notice.objects.get().version == 1


def test_a_body_stays_plain_text_with_its_paragraphs(world: World, publicity: User, anonymous: object) -> None:
    texts = {"zh-hans": {"title": "健康提示 <b>", "body": "第一段<script>alert(1)</script>\r\n\r\n\r\n\r\n第二段  "}}
    notice = letter(publicity, world.county, texts=texts)
    assert notice.texts["zh-hans"]["body"] == "第一段<script>alert(1)</script>\n\n第二段"
    html = english_client(publicity).get(reverse("outreach:notice_detail", args=[notice.pk])).content.decode()
    assert "<p>第一段&lt;script&gt;alert(1)&lt;/script&gt;</p>\n\n<p>第二段</p>" in html
    assert "健康提示 &lt;b&gt;" in html


def test_editing_a_notice_keeps_every_earlier_version(world: World, publicity: User) -> None:
    notice = letter(publicity, world.county)
    client = english_client(publicity)
    edit = reverse("outreach:notice_edit", args=[notice.pk])
    assert KK_TITLE in client.get(edit).content.decode()
    data = form_data(
        title_zh_hans="致湖北返乡人员的一封信（修订）",
        title_ug="خۇبېيدىن قايتقانلارغا خەت",
        body_ug="ھۆرمەتلىك يۇرتداشلار!",
    )
    data["publish_at"] = timezone.localtime(notice.publish_at).strftime("%Y-%m-%dT%H:%M")
    response = client.post(edit, data)
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.version == 2 and in_order(notice.texts) == ["zh-hans", "kk-arab", "ug"]
    first, second = notice.versions.order_by("number")
    assert first.texts["zh-hans"]["title"] == ZH_TITLE and "ug" not in first.texts
    assert second.texts["zh-hans"]["title"] == "致湖北返乡人员的一封信（修订）" and second.by == publicity
    detail = client.get(reverse("outreach:notice_detail", args=[notice.pk])).content.decode()
    assert "Version 2" in detail or ">2</td>" in detail
    assert ZH_TITLE in detail  # the first version's title, in the history

    # Saving the same text again changes nothing: no empty version.
    assert notice_update(by=publicity, notice=notice, **_current(notice)).version == 2
    assert notice.versions.count() == 2


def _current(notice: Notice) -> dict[str, object]:
    return {
        "texts": notice.texts,
        "audience": notice.audience,
        "publish_at": notice.publish_at,
        "withdraw_at": notice.withdraw_at,
    }


def test_withdrawing_and_publishing_again_are_versions_too(world: World, publicity: User) -> None:
    notice = letter(publicity, world.county)
    response = english_client(publicity).post(reverse("outreach:notice_withdraw", args=[notice.pk]), follow=True)
    assert "withdrawn from the public page" in response.content.decode()
    notice.refresh_from_db()
    assert notice.withdraw_at is not None and notice.version == 2
    again = notice_publish(by=publicity, notice=notice)
    assert again.withdraw_at is None and again.version == 3
    events = AuditEvent.objects.filter(object_type="outreach.notice", object_id=str(notice.pk)).order_by("pk")
    assert list(events.values_list("action", flat=True)) == [
        "notice.create",
        "notice.withdraw",
        "notice.publish",
    ]
    assert AuditEvent.objects.filter(action="notice.create").get().summary["title"] == ZH_TITLE


def test_the_list_filters_by_status_and_searches_in_every_language(world: World, publicity: User) -> None:
    letter(publicity, world.county)
    letter(publicity, world.township_a, title="木垒镇健康提示", draft=True)
    letter(publicity, world.village_a, title="水磨沟村停止聚集", withdraw_at=timezone.now() - dt.timedelta(minutes=1))
    client = english_client(publicity)
    url = reverse("outreach:notice_list")
    assert client.get(url).content.decode().count('<td><a href="/outreach/notices/') == 3
    current = client.get(url, {"status": "current"}).content.decode()
    assert ZH_TITLE in current and "木垒镇健康提示" not in current and "水磨沟村停止聚集" not in current
    assert "木垒镇健康提示" in client.get(url, {"status": "draft"}).content.decode()
    assert "水磨沟村停止聚集" in client.get(url, {"status": "withdrawn"}).content.decode()
    assert client.get(url, {"q": "قايتقاندارعا"}).content.decode().count('<td><a href="/outreach/notices/') == 3
    assert client.get(url, {"q": "健康"}).content.decode().count('<td><a href="/outreach/notices/') == 1


def test_a_cadre_of_village_a_gets_nothing_of_a_township_b_notice(
    world: World, village_cadre_a: User, village_cadre_b: User
) -> None:
    notice = letter(None, world.township_b, title="东城镇通知")
    cadre = english_client(village_cadre_a)
    assert cadre.get(reverse("outreach:notice_detail", args=[notice.pk])).status_code == 404
    assert cadre.get(reverse("outreach:notice_poster", args=[notice.pk])).status_code == 404
    assert "东城镇通知" not in cadre.get(reverse("outreach:notice_list")).content.decode()
    # A village cadre does not publish at all; a township cadre of A publishes for A, never for B.
    assert cadre.get(reverse("outreach:notice_new")).status_code == 403
    assert cadre.post(reverse("outreach:notice_edit", args=[notice.pk]), form_data()).status_code == 403
    assert cadre.post(reverse("outreach:notice_withdraw", args=[notice.pk])).status_code == 403
    township_a = factories.account("township_cadre", world.township_a, username="ta")
    other = english_client(township_a)
    assert other.post(reverse("outreach:notice_edit", args=[notice.pk]), form_data()).status_code == 404
    assert other.post(reverse("outreach:notice_withdraw", args=[notice.pk])).status_code == 404
    response = other.post(reverse("outreach:notice_new"), form_data(world.township_b.pk))
    assert response.status_code == 400  # B is not among the units to choose from
    with pytest.raises(PermissionDenied):
        notice_update(by=township_a, notice=notice, texts=LETTER)
    with pytest.raises(PermissionDenied):
        notice_create(by=village_cadre_b, org_unit=world.village_b, texts=LETTER)
    notice.refresh_from_db()
    assert notice.version == 1 and notice.texts["zh-hans"]["title"] == "东城镇通知" and notice.withdraw_at is None
    assert Notice.objects.count() == 1
