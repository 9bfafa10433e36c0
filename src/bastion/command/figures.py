"""The command figures of the dashboard (issue 11): unfinished action items, kept by their due date.

``command.open_by_due`` is a level whose changes sit on each item's due date at its command post's unit: +1 while
an item is unfinished (open, in progress, reopened), taken back when it is claimed done. Its value at yesterday
is the number of open items overdue today; at the latest due date, every open item.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from bastion.command.models import ActionItem
from bastion.dashboard.figures import LEVEL, Rows, figure

OPEN_BY_DUE = "command.open_by_due"
KEYS = [OPEN_BY_DUE]


@figure(OPEN_BY_DUE, _("open action items, by due date"), kind=LEVEL, list_url="command:item_list")
def command_open_by_due() -> Rows:
    rows = (
        ActionItem.objects.filter(status__in=ActionItem.UNFINISHED)
        .values_list("command_post__org_unit_id", "due_on")
        .annotate(total=Count("pk"))
        .order_by()
    )
    return {(unit_id, day): int(total) for unit_id, day, total in rows}
