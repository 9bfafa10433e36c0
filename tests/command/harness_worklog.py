"""The scope harness's builder for work logs: township B's command post and its log of yesterday."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bastion.command.models import CommandPost, WorkLog
from tests.scope_harness import Outsider, out_of_scope


def post_of_b(b: Outsider) -> CommandPost:
    """Township B's command post, built once (one post per unit) by the structure's builder, which gives it the
    members and liaison its own URLs need; a bare post when that builder is not there."""
    try:
        from tests.command.harness_structure import _post_of_b
    except ImportError:
        from tests.command import factories

        found = CommandPost.objects.filter(org_unit=b.world.township_b).first()
        return found or factories.post(b.world.township_b, groups=False)
    return _post_of_b(b)


@out_of_scope("worklog_id")
def _worklog(b: Outsider) -> int:
    post = post_of_b(b)
    day = timezone.localdate() - dt.timedelta(days=1)
    log, _created = WorkLog.objects.get_or_create(
        command_post=post, day=day, defaults={"body": "1. 东城镇: 沈家沟村发热一人, 已转运"}
    )
    return int(log.pk)
