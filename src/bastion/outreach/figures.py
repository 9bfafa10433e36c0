"""The outreach figures of the dashboard (issue 11): person-times reached and activities, per unit and day."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from bastion.dashboard.figures import FLOW, Rows, figure
from bastion.outreach.models import Activity

REACH = "outreach.reach"
ACTIVITIES = "outreach.activities"
KEYS = [REACH, ACTIVITIES]


@figure(REACH, _("outreach reach (person-times)"), kind=FLOW, list_url="outreach:activity_totals")
def outreach_reach() -> Rows:
    rows = Activity.objects.values_list("org_unit_id", "on").annotate(total=Sum("reach")).order_by()
    return {(unit_id, day): int(total or 0) for unit_id, day, total in rows}


@figure(ACTIVITIES, _("outreach activities"), kind=FLOW, list_url="outreach:activity_list")
def outreach_activities() -> Rows:
    rows = Activity.objects.values_list("org_unit_id", "on").annotate(total=Count("pk")).order_by()
    return {(unit_id, day): int(total) for unit_id, day, total in rows}
