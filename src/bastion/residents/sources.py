"""Screening figures offered to report forms: visits of the period and persons still unaccounted for."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit
from bastion.core.scope import paths_q
from bastion.reporting.sources import period_bounds, report_source
from bastion.residents.models import Outcome, ScreeningRound, Visit, VisitTask


def _visits(unit: OrgUnit, first: dt.date, last: dt.date) -> QuerySet[Visit]:
    start, end = period_bounds(first, last)
    return Visit.objects.filter(paths_q([unit.path], "org_unit"), at__gte=start, at__lt=end)


@report_source("residents.visits", _("Screening visits made"))
def _visit_count(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return _visits(unit, first, last).count()


@report_source("residents.not_found", _("Screening visits: person not found"))
def _not_found(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return _visits(unit, first, last).filter(outcome=Outcome.NOT_FOUND).count()


@report_source("residents.referrals", _("Screening: persons referred to hospital"))
def _referrals(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return _visits(unit, first, last).filter(outcome=Outcome.REFERRAL).count()


@report_source("residents.home_observation", _("Screening: persons put under home observation"))
def _home_observation(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return _visits(unit, first, last).filter(outcome=Outcome.HOME_OBSERVATION).count()


@report_source("residents.unaccounted", _("Screening: persons not yet accounted for in open rounds"))
def _unaccounted(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return VisitTask.objects.filter(
        paths_q([unit.path], "org_unit"), round__status=ScreeningRound.Status.OPEN, accounted=False
    ).count()
