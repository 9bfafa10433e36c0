"""Township B's notice for the scope harness (tests/scope_harness.py): a published bilingual notice of 东城镇 for
沈家沟村, and the snapshot that must not change."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bastion.outreach.models import Notice, NoticeVersion
from tests.scope_harness import Outsider, out_of_scope

TITLE = "东城镇致沈家沟村返乡人员的一封信"


@out_of_scope("notice_id")
def _notice(b: Outsider) -> int:
    from bastion.outreach.services.notices import notice_create

    notice = Notice.objects.filter(**{"texts__zh-hans__title": TITLE}).first()
    if notice is None:
        notice = notice_create(
            by=None,
            org_unit=b.world.township_b,
            texts={
                "zh-hans": {"title": TITLE, "body": "沈家沟村的乡亲们：请从湖北返乡的人员主动登记。"},
                "kk-arab": {"title": "شىن جيا گوۋ اۋىلىنا حات", "body": "قۇرمەتتى اعايىن!"},
            },
            audience="沈家沟村返乡人员",
            publish_at=timezone.now(),
        )
    return int(notice.pk)


def notices_of_b(in_b: dict[str, str]) -> dict[str, Any]:
    notice_in_b = {f"notice__{k}": v for k, v in in_b.items()}
    return {
        "notices": list(
            Notice.objects.filter(**in_b).values_list("pk", "texts", "audience", "publish_at", "withdraw_at", "version")
        ),
        "notice_versions": list(NoticeVersion.objects.filter(**notice_in_b).values_list("pk", "number")),
    }
