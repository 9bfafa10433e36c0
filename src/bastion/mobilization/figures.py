"""The mobilization figures of the dashboard (issue 11): responders sent and reported to each unit, secondments.

All three are levels kept as their changes per day at the receiving (or serving) unit:

- ``mobilization.assigned``: +1 for every assignment not marked absent, on the day it was issued: the day its
  batch was made or, if earlier, the batch's report-by day or the day the responder reported (records entered
  after the fact), so that no day counts more reported than sent. An assignment marked absent takes it back.
- ``mobilization.reported``: +1 on the local day the responder reported.
- ``mobilization.seconded``: +1 on the first day of a secondment, -1 the day after its last day.

The services call the ``*_count`` helpers below in their transactions, so that the kept rows always equal the
recompute.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bastion.dashboard.figures import LEVEL, Rows, figure, figure_add
from bastion.mobilization.models import Assignment, Batch, Secondment

ASSIGNED = "mobilization.assigned"
REPORTED = "mobilization.reported"
SECONDED = "mobilization.seconded"
KEYS = [ASSIGNED, REPORTED, SECONDED]
ONE_DAY = dt.timedelta(days=1)


def assigned_day(batch: Batch, reported_at: dt.datetime | None = None) -> dt.date:
    """The day an assignment of ``batch`` counts as sent (see the module's docstring)."""
    day = min(timezone.localdate(batch.created_at), batch.report_by)
    return min(day, timezone.localdate(reported_at)) if reported_at is not None else day


def _assignment_rows() -> Iterable[tuple[int, str, dt.date, dt.date, dt.date | None, int]]:
    return (
        Assignment.objects.exclude(status=Assignment.Status.ABSENT)
        .annotate(made=TruncDate("batch__created_at"), due=F("batch__report_by"), reported=TruncDate("reported_at"))
        .values_list("unit_id", "status", "made", "due", "reported")
        .annotate(total=Count("pk"))
        .order_by()
    )


@figure(ASSIGNED, _("responders sent"), kind=LEVEL, list_url="mobilization:batch_list")
def mobilization_assigned() -> Rows:
    rows: Rows = Counter()
    for unit_id, status, made, due, reported, total in _assignment_rows():
        day = min(made, due)
        if status == Assignment.Status.REPORTED and reported is not None:
            day = min(day, reported)
        rows[(unit_id, day)] += total
    return dict(rows)


@figure(REPORTED, _("responders reported"), kind=LEVEL, list_url="mobilization:overview")
def mobilization_reported() -> Rows:
    reported = (
        Assignment.objects.filter(status=Assignment.Status.REPORTED)
        .annotate(day=TruncDate("reported_at"))
        .values_list("unit_id", "day")
        .annotate(total=Count("pk"))
        .order_by()
    )
    return {(unit_id, day): int(total) for unit_id, day, total in reported}


@figure(SECONDED, _("cadres seconded"), kind=LEVEL, list_url="mobilization:secondment_list")
def mobilization_seconded() -> Rows:
    rows: Rows = Counter()
    starts = Secondment.objects.values_list("org_unit_id", "starts_on").annotate(total=Count("pk")).order_by()
    for unit_id, day, total in starts:
        rows[(unit_id, day)] += total
    ends = (
        Secondment.objects.filter(ends_on__isnull=False)
        .values_list("org_unit_id", "ends_on")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for unit_id, day, total in ends:
        rows[(unit_id, day + ONE_DAY)] -= total
    return dict(rows)


def assignments_count(batch: Batch, unit_ids: Iterable[int]) -> None:
    """New pending assignments of ``batch`` to these units (a unit once per assignment): one write per unit."""
    day = assigned_day(batch)
    for unit_id, count in Counter(unit_ids).items():
        figure_add(unit_id, ASSIGNED, count, day)


def assignment_status_count(assignment: Assignment, was: str, was_reported_at: dt.datetime | None) -> None:
    """An assignment moved from status ``was`` (reported at ``was_reported_at``) to its current status."""
    unit_id, batch = assignment.unit_id, assignment.batch
    old_report = timezone.localdate(was_reported_at) if was == Assignment.Status.REPORTED and was_reported_at else None
    new_report = (
        timezone.localdate(assignment.reported_at)
        if assignment.status == Assignment.Status.REPORTED and assignment.reported_at
        else None
    )
    old = None if was == Assignment.Status.ABSENT else min(assigned_day(batch), old_report or dt.date.max)
    new = None if assignment.status == Assignment.Status.ABSENT else min(assigned_day(batch), new_report or dt.date.max)
    if old != new:
        if old is not None:
            figure_add(unit_id, ASSIGNED, -1, old)
        if new is not None:
            figure_add(unit_id, ASSIGNED, 1, new)
    if old_report != new_report:
        if old_report is not None:
            figure_add(unit_id, REPORTED, -1, old_report)
        if new_report is not None:
            figure_add(unit_id, REPORTED, 1, new_report)


def secondment_count(secondment: Secondment, sign: int = 1) -> None:
    """Add (1) or take back (-1) a secondment: its start, and its end if it has one."""
    figure_add(secondment.org_unit_id, SECONDED, sign, secondment.starts_on)
    if secondment.ends_on is not None:
        figure_add(secondment.org_unit_id, SECONDED, -sign, secondment.ends_on + ONE_DAY)


def secondment_end_count(secondment: Secondment, was_ending: dt.date | None) -> None:
    """A secondment's last day moved from ``was_ending`` (None: open-ended) to its current ``ends_on``."""
    if was_ending == secondment.ends_on:
        return
    if was_ending is not None:
        figure_add(secondment.org_unit_id, SECONDED, 1, was_ending + ONE_DAY)
    if secondment.ends_on is not None:
        figure_add(secondment.org_unit_id, SECONDED, -1, secondment.ends_on + ONE_DAY)
