"""Reads of gatherings (scoped), and their counts per child unit and outcome in one query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from bastion.core.models import OrgUnit, User
from bastion.core.models.orgunits import PATH_STEP
from bastion.core.scope import scoped
from bastion.outreach.models import Gathering


def gatherings_for_user(
    user: User,
    *,
    unit: OrgUnit | None = None,
    kind: str = "",
    outcome: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str = "",
) -> QuerySet[Gathering]:
    """Gatherings of units in scope; ``q`` finds the family by the start of its name, or the guidance."""
    gatherings = scoped(Gathering.objects.select_related("org_unit", "created_by"), user, within=unit)
    if kind:
        gatherings = gatherings.filter(kind=kind)
    if outcome:
        gatherings = gatherings.filter(outcome=outcome)
    if date_from is not None:
        gatherings = gatherings.filter(planned_on__gte=date_from)
    if date_to is not None:
        gatherings = gatherings.filter(planned_on__lte=date_to)
    if q:
        gatherings = gatherings.filter(Q(family__startswith=q) | Q(guidance__icontains=q))
    return gatherings


def gathering_get_for_user(user: User, gathering_id: int) -> Gathering:
    return get_object_or_404(gatherings_for_user(user), pk=gathering_id)


@dataclass
class CountLine:
    """Gatherings of one child unit (``unit`` None: the unit's own), by outcome, with the people expected and
    the people who came."""

    unit: OrgUnit | None
    by_outcome: dict[str, int] = field(default_factory=dict)
    expected: int = 0
    actual: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_outcome.values())

    def cells(self) -> list[int]:
        """The counts in the order of the outcomes, for a table."""
        return [self.by_outcome.get(value, 0) for value in Gathering.Outcome.values]


def gathering_counts(
    user: User, unit: OrgUnit, first: dt.date | None = None, last: dt.date | None = None
) -> tuple[list[CountLine], CountLine]:
    """Gatherings planned for the period in ``unit``'s subtree, per child unit and outcome, and in all: two
    queries."""
    rows = (
        gatherings_for_user(user, unit=unit, date_from=first, date_to=last)
        .order_by()
        .values("org_unit__path", "outcome")
        .annotate(n=Count("pk"), expected=Sum("expected_size"), actual=Sum("actual_size"))
    )
    rolled: dict[str, CountLine] = {}
    total = CountLine(None)
    for row in rows:
        path = row["org_unit__path"]
        key = path[: len(unit.path) + PATH_STEP] if len(path) > len(unit.path) else ""
        for line in (rolled.setdefault(key, CountLine(None)), total):
            line.by_outcome[row["outcome"]] = line.by_outcome.get(row["outcome"], 0) + row["n"]
            line.expected += int(row["expected"] or 0)
            line.actual += int(row["actual"] or 0)
    lines: list[CountLine] = []
    for child in scoped(OrgUnit.objects.filter(parent=unit), user, field="").order_by("sort_order", "name"):
        if child.is_active or child.path in rolled:
            line = rolled.get(child.path) or CountLine(None)
            line.unit = child
            lines.append(line)
    if "" in rolled:
        lines.append(rolled[""])
    return lines, total
