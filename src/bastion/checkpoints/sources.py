"""Checkpoint figures offered to report forms: passages in and out, exceptions, arrivals verified and overdue."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bastion.checkpoints.models import Arrival, Passage
from bastion.core.models import OrgUnit
from bastion.core.scope import paths_q
from bastion.reporting.sources import period_bounds, report_source


def _passages(unit: OrgUnit, first: dt.date, last: dt.date) -> QuerySet[Passage]:
    start, end = period_bounds(first, last)
    return Passage.objects.filter(paths_q([unit.path], "org_unit"), at__gte=start, at__lt=end)


@report_source("checkpoints.passages_in", _("Checkpoints: persons in"))
def _passages_in(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return _passages(unit, first, last).filter(direction=Passage.Direction.IN).count()


@report_source("checkpoints.passages_out", _("Checkpoints: persons out"))
def _passages_out(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return _passages(unit, first, last).filter(direction=Passage.Direction.OUT).count()


@report_source("checkpoints.exceptions", _("Checkpoints: exceptions (risk area, fever, arrival to verify)"))
def _exceptions(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return _passages(unit, first, last).filter(is_exception=True).count()


@report_source("checkpoints.from_risk_areas", _("Checkpoints: persons from risk areas"))
def _from_risk_areas(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return _passages(unit, first, last).filter(exception_reasons__contains=["risk_area"]).count()


@report_source("checkpoints.arrivals_verified", _("Arrivals verified by the unit"))
def _arrivals_verified(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    start, end = period_bounds(first, last)
    return (
        Arrival.objects.filter(paths_q([unit.path], "org_unit"), verified_at__gte=start, verified_at__lt=end)
        .exclude(result=Arrival.Result.PENDING)
        .count()
    )


@report_source("checkpoints.arrivals_overdue", _("Arrivals not verified by their deadline"))
def _arrivals_overdue(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return Arrival.objects.filter(
        paths_q([unit.path], "org_unit"), result=Arrival.Result.PENDING, due_at__lt=timezone.now()
    ).count()
