"""The screening figures of the dashboard (issue 11), at the unit each visit task is answerable to now.

- ``residents.round_targets``: persons targeted in open rounds; +1 per task on the local day its round opened,
  -1 on the day the round closed.
- ``residents.round_visited``: of those, the ones visited at least once; +1 on the day of the task's first
  visit, -1 on the day its round closed.
- ``residents.visits``: visits made, at the visiting unit on the local day of the visit.

A move inside the campaign's area hands a task to another unit: both levels move with it (from the day the
round opened and from its first visit), so the figures of a unit always count the tasks it now holds.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, DateTimeField, Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bastion.dashboard.figures import FLOW, LEVEL, Rows, figure, figure_add
from bastion.reporting.figures import add_rows, local_day
from bastion.residents.models import ScreeningRound, Visit, VisitTask

ROUND_TARGETS = "residents.round_targets"
ROUND_VISITED = "residents.round_visited"
VISITS = "residents.visits"
KEYS = [ROUND_TARGETS, ROUND_VISITED, VISITS]


@figure(ROUND_TARGETS, _("persons targeted in open screening rounds"), kind=LEVEL, list_url="residents:visit_list")
def round_targets() -> Rows:
    tasks = VisitTask.objects.filter(round__opened_at__isnull=False).order_by()
    rows = add_rows({}, tasks.values_list("org_unit_id", local_day("round__opened_at")).annotate(n=Count("pk")))
    closed = tasks.filter(round__status=ScreeningRound.Status.CLOSED, round__closed_at__isnull=False)
    return add_rows(rows, closed.values_list("org_unit_id", local_day("round__closed_at")).annotate(n=Count("pk")), -1)


@figure(ROUND_VISITED, _("persons visited in open screening rounds"), kind=LEVEL, list_url="residents:visit_list")
def round_visited() -> Rows:
    first = Visit.objects.filter(task=OuterRef("pk")).order_by("at").values("at")[:1]
    tasks = VisitTask.objects.filter(visited_at__isnull=False).order_by()
    visited = tasks.annotate(first=Subquery(first, output_field=DateTimeField()))
    rows = add_rows({}, visited.values_list("org_unit_id", local_day("first")).annotate(n=Count("pk")))
    closed = tasks.filter(round__status=ScreeningRound.Status.CLOSED, round__closed_at__isnull=False)
    return add_rows(rows, closed.values_list("org_unit_id", local_day("round__closed_at")).annotate(n=Count("pk")), -1)


@figure(VISITS, _("screening visits"), kind=FLOW, list_url="residents:day_summary")
def visits() -> Rows:
    return add_rows({}, Visit.objects.order_by().values_list("org_unit_id", local_day("at")).annotate(n=Count("pk")))


def round_opened(screening_round: ScreeningRound, units: Counter[int]) -> None:
    """Count the tasks a round just opened with: ``units`` holds how many at each unit."""
    assert screening_round.opened_at is not None
    day = timezone.localdate(screening_round.opened_at)
    for unit_id, count in units.items():
        figure_add(unit_id, ROUND_TARGETS, count, day)


def round_closed(screening_round: ScreeningRound, now: dt.datetime) -> None:
    """Take the tasks of a round just closed out of the levels, one aggregate query for all its units."""
    day = timezone.localdate(now)
    tasks = VisitTask.objects.filter(round=screening_round).order_by()
    for unit_id, count, visited in tasks.values_list("org_unit_id").annotate(n=Count("pk"), v=Count("visited_at")):
        figure_add(unit_id, ROUND_TARGETS, -count, day)
        figure_add(unit_id, ROUND_VISITED, -visited, day)


def visit_counted(*, task: VisitTask, visit: Visit, unit_before: int, visited_before: dt.datetime | None) -> None:
    """Count a visit just recorded: the visit itself; its task visited, when this is its first visit (or an
    earlier one than the first known); and a hand-over, which moves the task to the unit it now belongs to."""
    figure_add(visit.org_unit_id, VISITS, 1, timezone.localdate(visit.at))
    unit_now, moved = task.org_unit_id, task.org_unit_id != unit_before
    if visited_before is None or moved or visit.at < visited_before:  # where or when the first visit lies changed
        earlier = None
        if visited_before is not None:
            earlier = Visit.objects.filter(task=task).exclude(pk=visit.pk).aggregate(first=Min("at"))["first"]
        first = visit.at if earlier is None else min(earlier, visit.at)
        if earlier is None:
            figure_add(unit_now, ROUND_VISITED, 1, timezone.localdate(first))
        elif moved or timezone.localdate(earlier) != timezone.localdate(first):
            figure_add(unit_before, ROUND_VISITED, -1, timezone.localdate(earlier))
            figure_add(unit_now, ROUND_VISITED, 1, timezone.localdate(first))
    if moved and task.round.opened_at is not None:
        opened = timezone.localdate(task.round.opened_at)
        figure_add(unit_before, ROUND_TARGETS, -1, opened)
        figure_add(unit_now, ROUND_TARGETS, 1, opened)
