"""Report sources of the command system (DESIGN principle 5): action items set, verified, and overdue, for the
command posts in a unit's subtree; the dashboard and any report form can show them."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bastion.command.models import ActionItem
from bastion.core.models import OrgUnit
from bastion.core.scope import paths_q
from bastion.reporting.sources import period_bounds, report_source


def _items(unit: OrgUnit) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(paths_q([unit.path], "command_post__org_unit"))


@report_source("command.items_set", _("Command: action items set"))
def _set(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    start, end = period_bounds(first, last)
    return int(_items(unit).filter(created_at__gte=start, created_at__lt=end).count())


@report_source("command.items_verified", _("Command: action items verified by supervision"))
def _verified(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    start, end = period_bounds(first, last)
    return int(_items(unit).filter(verified_at__gte=start, verified_at__lt=end).count())


@report_source("command.items_overdue", _("Command: action items still unfinished past their due date"))
def _overdue(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    """Counted as the items stand now: an item finished late no longer counts."""
    return int(_items(unit).filter(status__in=ActionItem.UNFINISHED, due_on__lt=last).count())
