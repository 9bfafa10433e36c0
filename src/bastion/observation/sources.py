"""Observation figures offered to report forms: cases, checks, alerts, referrals and deliveries of a unit's subtree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit
from bastion.core.scope import paths_q
from bastion.observation.models import DeliveryRequest, HealthCheck, ObservationCase, Referral
from bastion.observation.schedule import MISSED, case_slots, minutes_of
from bastion.observation.selectors.cases import OPEN_ALERT
from bastion.reporting.sources import period_bounds, report_source

Status = ObservationCase.Status


def _in(unit: OrgUnit) -> Q:
    return paths_q([unit.path], "org_unit")


def _cases(unit: OrgUnit) -> QuerySet[ObservationCase]:
    return ObservationCase.objects.filter(_in(unit))


@report_source("observation.active", _("Persons under observation at the end of the period"))
def _active(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    end = period_bounds(first, last)[1]
    return _cases(unit).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=end), opened_at__lt=end).count()


@report_source("observation.started", _("Observation cases started"))
def _started(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return _cases(unit).filter(start_date__gte=first, start_date__lte=last).count()


@report_source("observation.released", _("Persons released from observation"))
def _released(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    start, end = period_bounds(first, last)
    return _cases(unit).filter(status=Status.RELEASED, ended_at__gte=start, ended_at__lt=end).count()


@report_source("observation.checks", _("Health checks taken"))
def _checks(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    start, end = period_bounds(first, last)
    return HealthCheck.objects.filter(_in(unit), taken_at__gte=start, taken_at__lt=end).count()


@report_source("observation.checks_missed", _("Health checks missed"))
def _checks_missed(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    start, end = period_bounds(first, last)
    now = timezone.now()
    cases = _cases(unit).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=start), opened_at__lt=end)
    rows = list(cases.values_list("pk", "check_times", "start_date", "opened_at", "ended_at"))
    taken: dict[int, list[dt.datetime]] = defaultdict(list)
    checks = HealthCheck.objects.filter(
        case_id__in=[row[0] for row in rows], taken_at__gte=start - dt.timedelta(days=1)
    )
    for case_id, at in checks.filter(taken_at__lt=end + dt.timedelta(days=1)).values_list("case_id", "taken_at"):
        taken[case_id].append(at)
    missed = 0
    for pk, times, start_date, opened_at, ended_at in rows:
        slots = case_slots(
            minutes=minutes_of(times.split(",")),
            first_day=max(first, start_date),
            last_day=last,
            opened_at=opened_at,
            ended_at=ended_at,
        )
        missed += sum(1 for slot in slots if slot.state(taken[pk], now) == MISSED)
    return missed


@report_source("observation.alerts", _("Observation alerts raised (fever or symptoms)"))
def _alerts(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    start, end = period_bounds(first, last)
    return HealthCheck.objects.filter(_in(unit), raised_alert=True, taken_at__gte=start, taken_at__lt=end).count()


@report_source("observation.alerts_open", _("Observation alerts still open"))
def _alerts_open(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return HealthCheck.objects.filter(_in(unit), OPEN_ALERT, raised_alert=True).count()


@report_source("observation.referrals", _("Persons under observation referred to hospital"))
def _referrals(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    start, end = period_bounds(first, last)
    return Referral.objects.filter(
        paths_q([unit.path], "case__org_unit"), referred_at__gte=start, referred_at__lt=end
    ).count()


@report_source("observation.deliveries_pending", _("Deliveries still to make"))
def _deliveries_pending(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    pending = [DeliveryRequest.Status.REQUESTED, DeliveryRequest.Status.ASSIGNED]
    return DeliveryRequest.objects.filter(_in(unit), status__in=pending).count()


@report_source("observation.deliveries_made", _("Deliveries made"))
def _deliveries_made(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    start, end = period_bounds(first, last)
    return DeliveryRequest.objects.filter(
        _in(unit), status=DeliveryRequest.Status.DELIVERED, delivered_at__gte=start, delivered_at__lt=end
    ).count()
