"""Mobilization figures offered to report forms: reported, assigned, seconded, on duty."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit
from bastion.core.scope import paths_q
from bastion.mobilization.models import Assignment, Secondment, ShiftTurn
from bastion.reporting.sources import period_bounds, report_source


@report_source("mobilization.assigned", _("Mobilization: responders sent to report here"))
def _assigned(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return Assignment.objects.filter(paths_q([unit.path], "unit"), batch__report_by__lte=last).count()


@report_source("mobilization.reported", _("Mobilization: responders who reported here"))
def _reported(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    _start, end = period_bounds(first, last)
    return Assignment.objects.filter(
        paths_q([unit.path], "unit"), status=Assignment.Status.REPORTED, reported_at__lt=end
    ).count()


@report_source("mobilization.seconded", _("Mobilization: cadres seconded here"))
def _seconded(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return (
        Secondment.objects.filter(paths_q([unit.path], "org_unit"), starts_on__lte=last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .count()
    )


@report_source("mobilization.on_duty", _("Mobilization: on duty now"))
def _on_duty(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    now = timezone.now()
    return ShiftTurn.objects.filter(
        paths_q([unit.path], "shift__org_unit"),
        shift__cancelled=False,
        shift__starts_at__lte=now,
        shift__ends_at__gt=now,
        checked_in_at__isnull=False,
        checked_out_at__isnull=True,
    ).count()


@report_source("mobilization.no_shows", _("Mobilization: no-shows on duty"))
def _no_shows(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    start, end = period_bounds(first, last)
    return ShiftTurn.objects.filter(
        paths_q([unit.path], "shift__org_unit"), no_show_at__gte=start, no_show_at__lt=end
    ).count()
