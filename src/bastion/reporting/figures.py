"""The reporting figures of the dashboard (issue 11), and two helpers the other areas' figures share.

- ``reporting.filed_on_time``, ``reporting.filed_late``, ``reporting.filed_zero``: reports filed, counted on
  the report's period (its first day) at the filing unit, each report under its status (a zero report is
  zero even when late). ``report_submit`` keeps them, also when an edit turns a report into a zero report
  or back.
- ``reporting.immediate``: immediate reports filed, at the reporting unit on the local day filed.

An area whose alerts are immediate reports of a category registers a level of those not yet closed in
``IMMEDIATE_LEVELS`` (observation's alerts open); ``immediate_report_file`` and ``immediate_report_close``
keep it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bastion.dashboard.figures import FLOW, Rows, figure, figure_add
from bastion.reporting.models import ImmediateReport, Report, Status

FILED_ON_TIME = "reporting.filed_on_time"
FILED_LATE = "reporting.filed_late"
FILED_ZERO = "reporting.filed_zero"
IMMEDIATE = "reporting.immediate"
KEYS = [FILED_ON_TIME, FILED_LATE, FILED_ZERO, IMMEDIATE]
STATUS_KEY = {Status.ON_TIME: FILED_ON_TIME, Status.LATE: FILED_LATE, Status.ZERO: FILED_ZERO}

IMMEDIATE_LEVELS: dict[str, str] = {}
"""Category code of immediate reports → the key of a level figure of those not closed (+1 filed, -1 closed)."""


def local_day(field: str) -> TruncDate:
    """The local date of an aware datetime field, truncated by the database in the current time zone."""
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def add_rows(rows: Rows, counted: Iterable[tuple[int, dt.date, int]], sign: int = 1) -> Rows:
    """Add ``(unit id, day, count)`` triples (an aggregate query's rows) to ``rows``, times ``sign``."""
    for unit_id, day, count in counted:
        rows[(unit_id, day)] = rows.get((unit_id, day), 0) + sign * int(count)
    return rows


def _reports(condition: Q) -> Rows:
    reports = Report.objects.filter(condition).order_by()
    return add_rows({}, reports.values_list("org_unit_id", "period").annotate(n=Count("pk")))


@figure(FILED_ON_TIME, _("reports filed on time"), kind=FLOW, list_url="reporting:completeness")
def filed_on_time() -> Rows:
    return _reports(Q(is_zero=False, is_late=False))


@figure(FILED_LATE, _("reports filed late"), kind=FLOW, list_url="reporting:completeness")
def filed_late() -> Rows:
    return _reports(Q(is_zero=False, is_late=True))


@figure(FILED_ZERO, _("zero reports"), kind=FLOW, list_url="reporting:completeness")
def filed_zero() -> Rows:
    return _reports(Q(is_zero=True))


@figure(IMMEDIATE, _("immediate reports filed"), kind=FLOW, list_url="reporting:immediate_list")
def immediate_filed() -> Rows:
    reports = ImmediateReport.objects.order_by()
    return add_rows({}, reports.values_list("org_unit_id", local_day("filed_at")).annotate(n=Count("pk")))


def immediate_open_rows(category: str) -> Rows:
    """The rows of a level of the immediate reports of ``category`` not closed: +1 filed, -1 closed."""
    reports = ImmediateReport.objects.filter(category__code=category).order_by()
    rows = add_rows({}, reports.values_list("org_unit_id", local_day("filed_at")).annotate(n=Count("pk")))
    closed = reports.filter(state=ImmediateReport.State.CLOSED, closed_at__isnull=False)
    return add_rows(rows, closed.values_list("org_unit_id", local_day("closed_at")).annotate(n=Count("pk")), -1)


def immediate_level_add(report: ImmediateReport, delta: int, day: dt.date) -> None:
    """Keep the level registered for the report's category, if any (in the caller's transaction)."""
    if IMMEDIATE_LEVELS and (key := IMMEDIATE_LEVELS.get(report.category.code)):
        figure_add(report.org_unit_id, key, delta, day)
