"""The scope harness's builder for daily briefings (tests/scope_harness.py): township B's briefing of today."""

from __future__ import annotations

from django.utils import timezone

from bastion.dashboard.models import Briefing
from tests.scope_harness import Outsider, out_of_scope


@out_of_scope("briefing_id")
def _briefing(b: Outsider) -> int:
    from bastion.dashboard.services import briefing_make

    found = Briefing.objects.filter(org_unit=b.world.township_b).first()
    return int((found or briefing_make(by=None, unit=b.world.township_b, day=timezone.localdate())).pk)
