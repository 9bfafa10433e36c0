"""Reads of observation cases and their checks, always within the user's scope.

The day's check states of thousands of cases come from two narrow queries (cases as values, the
day's check times) and a loop in Python, so a page costs the same few queries however many there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bastion.core.models import OrgUnit, User
from bastion.core.scope import scoped
from bastion.observation.models import CaseEvent, HealthCheck, IsolationSite, ObservationCase, Referral
from bastion.observation.schedule import (
    DONE,
    DUE,
    MISSED,
    Slot,
    case_slots,
    day_slots,
    earliest_window_start,
    minutes_of,
)
from bastion.reporting.models import ImmediateReport
from bastion.residents.validation import plain

Status = ObservationCase.Status
OPEN_ALERT = Q(
    alert__state__in=[ImmediateReport.State.OPEN, ImmediateReport.State.ACKNOWLEDGED, ImmediateReport.State.HANDLING]
)


def _within(queryset: QuerySet[Any], user: User, unit: OrgUnit | None) -> QuerySet[Any]:
    queryset = scoped(queryset, user)
    if unit is not None:
        low, high = unit.subtree_bounds
        queryset = queryset.filter(org_unit__path__gte=low, org_unit__path__lt=high)
    return queryset


def cases_for_user(
    user: User, *, unit: OrgUnit | None = None, status: str = "", reason: str = "", q: str = ""
) -> QuerySet[ObservationCase]:
    cases = _within(ObservationCase.objects.all(), user, unit)
    if status in Status.values:
        cases = cases.filter(status=status)
    elif status == "ending":
        cases = cases.filter(status=Status.ACTIVE, planned_end__lte=timezone.localdate())
    if reason:
        cases = cases.filter(reason__code=reason)
    text = plain(q)
    if text:
        cases = cases.filter(Q(person__name__startswith=text) | Q(person__name_initials__startswith=text.lower()))
    return cases.select_related("person", "org_unit", "reason", "site").order_by("org_unit__path", "-start_date", "pk")


def case_get_for_user(user: User, case_id: int) -> ObservationCase:
    cases = ObservationCase.objects.select_related("person", "org_unit", "reason", "site", "cadre", "doctor")
    return get_object_or_404(scoped(cases, user), pk=case_id)


def case_checks(case: ObservationCase) -> QuerySet[HealthCheck]:
    return case.checks.select_related("taken_by", "alert").prefetch_related("symptoms")


def case_events(case: ObservationCase) -> QuerySet[CaseEvent]:
    return case.events.select_related("by", "from_unit")


def case_referral(case: ObservationCase) -> Referral | None:
    return Referral.objects.select_related("hospital", "referred_by", "acknowledged_by").filter(case=case).first()


def case_schedule(case: ObservationCase, now: dt.datetime | None = None) -> list[tuple[Slot, str]]:
    """Every slot of the case so far (and today's still to come) with its state: done, missed, due or upcoming."""
    now = now or timezone.now()
    last_day = (
        min(timezone.localdate(now), case.planned_end) if case.ended_at is None else timezone.localdate(case.ended_at)
    )
    if case.ended_at is None and case.planned_end < timezone.localdate(now):
        last_day = timezone.localdate(now)  # past its end and not yet released: still checked
    slots = case_slots(
        minutes=minutes_of(case.check_times),
        first_day=case.start_date,
        last_day=last_day,
        opened_at=case.opened_at,
        ended_at=case.ended_at,
    )
    taken = list(case.checks.values_list("taken_at", flat=True))
    return [(slot, slot.state(taken, now)) for slot in slots]


@dataclass
class DayStates:
    """The day's check states of one active case, from values only."""

    pk: int
    path: str
    address: str
    slots: list[tuple[str, str]]  # (time of day, state)
    alert_open: bool = False

    def _count(self, state: str) -> int:
        return sum(1 for _time, s in self.slots if s == state)

    @property
    def missed(self) -> int:
        return self._count(MISSED)

    @property
    def due(self) -> int:
        return self._count(DUE)

    @property
    def done(self) -> int:
        return self._count(DONE)

    @property
    def rank(self) -> tuple[int, str, str, int]:
        return (0 if self.missed or self.alert_open else 1 if self.due else 2, self.path, self.address, self.pk)


def day_states(user: User, unit: OrgUnit | None = None, now: dt.datetime | None = None) -> list[DayStates]:
    """The slots of the last 24 hours and the rest of today of every active case in scope (below ``unit``).

    Yesterday evening's missed check thus still shows in red the next morning. Three queries.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    yesterday = today - dt.timedelta(days=1)
    since = now - dt.timedelta(hours=24)
    cases = _within(ObservationCase.objects.filter(status=Status.ACTIVE), user, unit).values_list(
        "pk", "org_unit__path", "person__address", "check_times", "opened_at"
    )
    checks = _within(
        HealthCheck.objects.filter(case__status=Status.ACTIVE, taken_at__gte=earliest_window_start(yesterday)),
        user,
        unit,
    ).values_list("case_id", "taken_at")
    taken: dict[int, list[dt.datetime]] = defaultdict(list)
    for case_id, at in checks:
        taken[case_id].append(at)
    alerts = set(
        _within(HealthCheck.objects.filter(OPEN_ALERT, case__status=Status.ACTIVE), user, unit).values_list(
            "case_id", flat=True
        )
    )
    slots_by_times: dict[tuple[str, ...], list[tuple[str, Slot]]] = {}
    rows = []
    for pk, path, address, times, opened_at in cases:
        key = tuple(times)
        if key not in slots_by_times:
            minutes = minutes_of(times)
            recent = [s for s in day_slots(yesterday, minutes) + day_slots(today, minutes) if s.end > since]
            slots_by_times[key] = [(_label(s, today), s) for s in recent]
        mine = taken.get(pk, [])
        states = [(label, s.state(mine, now)) for label, s in slots_by_times[key] if s.end > opened_at]
        rows.append(DayStates(pk, path, address, states, pk in alerts))
    rows.sort(key=lambda r: r.rank)
    return rows


def _label(slot: Slot, today: dt.date) -> str:
    local = timezone.localtime(slot.at)
    return f"{local:%H:%M}" if local.date() == today else f"{local:%m-%d %H:%M}"


def cases_by_pk(pks: list[int]) -> dict[int, ObservationCase]:
    cases = ObservationCase.objects.filter(pk__in=pks).select_related("person", "org_unit", "reason", "site")
    return {case.pk: case for case in cases}


@dataclass
class UnitFigures:
    unit: OrgUnit
    active: int = 0
    starting: int = 0
    ending: int = 0
    slots: int = 0
    missed: int = 0
    alerts_open: int = 0
    referrals: int = 0
    deliveries_pending: int = 0
    overdue_cases: list[int] = field(default_factory=list)

    def add(self, other: UnitFigures) -> None:
        for name in (
            "active",
            "starting",
            "ending",
            "slots",
            "missed",
            "alerts_open",
            "referrals",
            "deliveries_pending",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def overview(user: User, unit: OrgUnit, now: dt.datetime | None = None) -> tuple[UnitFigures, list[UnitFigures]]:
    """The township's or the HQ's day: figures for ``unit`` and for each unit right below it, in constant queries."""
    from bastion.observation.models import DeliveryRequest

    now = now or timezone.now()
    today = timezone.localdate(now)
    below = list(scoped(OrgUnit.objects.filter(parent=unit, is_active=True), user, "").order_by("path"))
    total, rows = UnitFigures(unit), [UnitFigures(child) for child in below]

    def row_for(path: str) -> UnitFigures | None:
        return next((row for row in rows if path.startswith(row.unit.path)), None)

    def count(figures: UnitFigures | None, name: str, amount: int = 1) -> None:
        for target in (total, figures):
            if target is not None:
                setattr(target, name, getattr(target, name) + amount)

    for states in day_states(user, unit, now):
        row = row_for(states.path)
        count(row, "active")
        count(row, "slots", len(states.slots))
        count(row, "missed", states.missed)
        count(row, "alerts_open", int(states.alert_open))
        if states.missed:
            total.overdue_cases.append(states.pk)
    cases = _within(ObservationCase.objects.all(), user, unit)
    for path, start, end, status in cases.filter(
        Q(start_date=today) | Q(status=Status.ACTIVE, planned_end__lte=today) | Q(referral__referred_at__date=today)
    ).values_list("org_unit__path", "start_date", "planned_end", "status"):
        row = row_for(path)
        if start == today:
            count(row, "starting")
        if status == Status.ACTIVE and end <= today:
            count(row, "ending")
        if status == Status.REFERRED:
            count(row, "referrals")
    pending = [DeliveryRequest.Status.REQUESTED, DeliveryRequest.Status.ASSIGNED]
    for (path,) in _within(DeliveryRequest.objects.filter(status__in=pending), user, unit).values_list(
        "org_unit__path"
    ):
        count(row_for(path), "deliveries_pending")
    return total, rows


def open_alerts(user: User, unit: OrgUnit | None = None) -> QuerySet[HealthCheck]:
    """The check that raised each open alert, newest first."""
    checks = _within(HealthCheck.objects.filter(OPEN_ALERT, raised_alert=True), user, unit)
    return checks.select_related("case__person", "org_unit", "alert__waiting_unit").order_by("-taken_at")


def sites_for_user(user: User, unit: OrgUnit | None = None) -> QuerySet[IsolationSite]:
    return _within(IsolationSite.objects.all(), user, unit).select_related("org_unit")


def site_occupancy(sites: QuerySet[IsolationSite]) -> QuerySet[IsolationSite]:
    """Each site with ``held``: the persons it holds now."""
    return sites.annotate(held=Count("cases", filter=Q(cases__status=Status.ACTIVE))).order_by("org_unit__path", "name")


def site_get_for_user(user: User, site_id: int) -> IsolationSite:
    return get_object_or_404(sites_for_user(user), pk=site_id)


def referrals_for_hospital_staff(user: User) -> QuerySet[Referral]:
    """Referrals to hospitals in the user's scope: the hospital side of the hand-over."""
    return (
        scoped(Referral.objects.all(), user, "hospital__org_unit")
        .select_related("case__person", "case__org_unit", "hospital", "referred_by")
        .order_by("acknowledged_at", "-referred_at")
    )
