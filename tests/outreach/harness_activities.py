"""Village B's outreach for the scope harness (tests/scope_harness.py): an activity and a funeral of village B,
and the snapshot that must not change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bastion.outreach.models import Activity, Gathering
from tests.scope_harness import Outsider, out_of_scope


@out_of_scope("activity_id")
def _activity(b: Outsider) -> int:
    from bastion.outreach.services.activities import activity_record
    from tests.outreach import factories

    activity = Activity.objects.filter(org_unit=b.world.village_b, materials="沈家沟传单").first()
    if activity is None:
        activity = activity_record(
            by=None,
            org_unit=b.world.village_b,
            on=timezone.localdate(),
            channel=factories.channel("leaflet"),
            reach=120,
            materials="沈家沟传单",
        )
    return int(activity.pk)


@out_of_scope("gathering_id")
def _gathering(b: Outsider) -> int:
    from bastion.outreach.services.gatherings import gathering_record

    gathering = Gathering.objects.filter(org_unit=b.world.village_b, family="沈家沟老李").first()
    if gathering is None:
        gathering = gathering_record(
            by=b.cadre,
            org_unit=b.world.village_b,
            kind=Gathering.Kind.FUNERAL,
            family="沈家沟老李",
            phone="13800000003",
            planned_on=timezone.localdate() + dt.timedelta(days=2),
            expected_size=80,
            guidance="沈家沟: 从简办理",
        )
    return int(gathering.pk)


def activities_of_b(in_b: dict[str, str]) -> dict[str, Any]:
    return {
        "outreach_activities": list(
            Activity.objects.filter(**in_b).values_list("pk", "on", "channel_id", "reach", "times", "org_unit_id")
        ),
        "gatherings": list(
            Gathering.objects.filter(**in_b).values_list(
                "pk", "family", "planned_on", "expected_size", "guidance", "outcome", "actual_size", "org_unit_id"
            )
        ),
    }
