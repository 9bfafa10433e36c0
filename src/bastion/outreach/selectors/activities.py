"""Reads of outreach activities (scoped), and the reach of a unit and period by channel, target group and
child unit, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from bastion.core.models import OrgUnit, User
from bastion.core.models.orgunits import PATH_STEP
from bastion.core.scope import scope_paths, scoped
from bastion.outreach.models import Activity, Channel, Notice, TargetGroup

E = TypeVar("E", Channel, TargetGroup)


def activities_for_user(
    user: User,
    *,
    unit: OrgUnit | None = None,
    channel: Channel | None = None,
    target_group: TargetGroup | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str = "",
) -> QuerySet[Activity]:
    activities = scoped(
        Activity.objects.select_related("org_unit", "channel", "target_group", "notice", "created_by"),
        user,
        within=unit,
    )
    if channel is not None:
        activities = activities.filter(channel=channel)
    if target_group is not None:
        activities = activities.filter(target_group=target_group)
    if date_from is not None:
        activities = activities.filter(on__gte=date_from)
    if date_to is not None:
        activities = activities.filter(on__lte=date_to)
    if q:
        activities = activities.filter(
            Q(materials__icontains=q) | Q(note__icontains=q) | Q(org_unit__name__icontains=q)
        )
    return activities


def activity_get_for_user(user: User, activity_id: int) -> Activity:
    return get_object_or_404(activities_for_user(user), pk=activity_id)


def channels_active() -> QuerySet[Channel]:
    return Channel.objects.filter(is_active=True)


def target_groups_active() -> QuerySet[TargetGroup]:
    return TargetGroup.objects.filter(is_active=True)


def entry_by_code(model: type[E], code: str) -> E | None:
    """The channel or target group of a filter's code; None when none is asked for (or no such code)."""
    return model._default_manager.filter(code=code).first() if code else None


def notices_linkable(user: User) -> QuerySet[Notice]:
    """Notices an activity may name: those of units in the user's scope and of the units above it."""
    notices = Notice.objects.select_related("org_unit").order_by("-publish_at", "-pk")
    paths = scope_paths(user)
    if paths is None:
        return notices
    above: set[str] = set()
    for path in paths:
        above |= {path[:end] for end in range(PATH_STEP, len(path), PATH_STEP)}
    return scoped(notices, user) | notices.filter(org_unit__path__in=above)


def _child_path(unit: OrgUnit, path: str) -> str:
    """The path of the child of ``unit`` that ``path`` lies under ("" when it is the unit itself)."""
    return path[: len(unit.path) + PATH_STEP] if len(path) > len(unit.path) else ""


def default_unit(user: User) -> OrgUnit | None:
    """The unit a page shows when none is asked for: the top of the user's scope (the first one)."""
    paths = scope_paths(user)
    units = OrgUnit.objects.filter(parent=None) if paths is None else OrgUnit.objects.filter(path__in=paths)
    return units.order_by("path").first()


@dataclass
class Line:
    """One line of the totals: a channel, a target group or a unit (``key`` is None for "none" or "the unit
    itself"), with its reach, times and number of activities."""

    key: Any
    reach: int = 0
    times: int = 0
    count: int = 0


@dataclass
class ReachTotals:
    unit: OrgUnit
    first: dt.date
    last: dt.date
    by_channel: list[Line] = field(default_factory=list)
    by_group: list[Line] = field(default_factory=list)
    by_unit: list[Line] = field(default_factory=list)
    total: Line = field(default_factory=lambda: Line(None))


_SUMS = {"reach_sum": Sum("reach"), "times_sum": Sum("times"), "count": Count("pk")}


def _line(key: Any, row: dict[str, Any]) -> Line:
    return Line(key, int(row["reach_sum"] or 0), int(row["times_sum"] or 0), int(row["count"]))


def _entry_lines(rows: QuerySet[Any, dict[str, Any]], column: str, entries: QuerySet[E]) -> list[Line]:
    """Lines in the list's order, entries without activity left out; the rows of no entry (None) last."""
    by_id = {row[column]: row for row in rows}
    lines = [_line(entry, by_id[entry.pk]) for entry in entries if entry.pk in by_id]
    if None in by_id:
        lines.append(_line(None, by_id[None]))
    return lines


def reach_totals(user: User, unit: OrgUnit, first: dt.date, last: dt.date) -> ReachTotals:
    """Person-times reached in ``unit``'s subtree from ``first`` to ``last``: by channel, by target group, by
    child unit (rolled up from every unit below it; the unit's own records on a line of their own) and in all.
    Six queries, whatever the number of activities or units."""
    activities = activities_for_user(user, unit=unit, date_from=first, date_to=last).order_by()
    totals = ReachTotals(unit=unit, first=first, last=last)
    channel_rows = activities.values("channel_id").annotate(**_SUMS)
    totals.by_channel = _entry_lines(channel_rows, "channel_id", Channel.objects.all())
    group_rows = activities.values("target_group_id").annotate(**_SUMS)
    totals.by_group = _entry_lines(group_rows, "target_group_id", TargetGroup.objects.all())
    rolled: dict[str, Line] = {}
    for row in activities.values("org_unit__path").annotate(**_SUMS):
        line = rolled.setdefault(_child_path(unit, row["org_unit__path"]), Line(None))
        line.reach += int(row["reach_sum"] or 0)
        line.times += int(row["times_sum"] or 0)
        line.count += int(row["count"])
    children = scoped(OrgUnit.objects.filter(parent=unit), user, field="").order_by("sort_order", "name")
    for child in children:
        if child.is_active or child.path in rolled:
            line = rolled.get(child.path) or Line(None)
            line.key = child
            totals.by_unit.append(line)
    if "" in rolled:
        totals.by_unit.append(rolled[""])  # key None: the unit's own activities
    for line in totals.by_channel:
        totals.total.reach += line.reach
        totals.total.times += line.times
        totals.total.count += line.count
    return totals
