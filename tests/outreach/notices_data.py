"""The letter to people returning from Hubei, in Chinese and in Kazakh (Arabic script), for the notice tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bastion.core.models import OrgUnit, User
from bastion.outreach.models import Notice
from bastion.outreach.services.notices import notice_create

ZH_TITLE = "致湖北返乡人员的一封信"
ZH_BODY = "各位返乡的乡亲：\n\n请您主动向村委会报告，居家观察十四天。\n\n如有发热、咳嗽，请及时就医。"
KK_TITLE = "حۋبەيدەن قايتقاندارعا حات"
KK_BODY = "قۇرمەتتى اعايىن!\n\nاۋىل كومىتەتىنە ءوزىڭىز حابارلاڭىز، ون ءتورت كۇن ۇيدە بولىڭىز."
LETTER = {"zh-hans": {"title": ZH_TITLE, "body": ZH_BODY}, "kk-arab": {"title": KK_TITLE, "body": KK_BODY}}


def letter(
    by: User | None,
    unit: OrgUnit,
    *,
    title: str = ZH_TITLE,
    texts: dict[str, Any] | None = None,
    publish_at: dt.datetime | None = None,
    withdraw_at: dt.datetime | None = None,
    draft: bool = False,
) -> Notice:
    """A notice of ``unit``, published an hour ago unless told otherwise."""
    texts = texts or {**LETTER, "zh-hans": {"title": title, "body": ZH_BODY}}
    if publish_at is None and not draft:
        publish_at = timezone.now() - dt.timedelta(hours=1)
    return notice_create(
        by=by, org_unit=unit, texts=texts, audience="湖北返乡人员", publish_at=publish_at, withdraw_at=withdraw_at
    )
