"""Reads of observation cases and their checks, always within the user's scope.

The day's check states of thousands of cases come from two narrow queries (cases as values, the
day's check times) and a loop in Python, so a page costs the same few queries however many there are.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, ExpressionWrapper, F, Field, IntegerField, Max, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bastion.core.models import OrgUnit, User
from bastion.core.models.orgunits import PATH_STEP
from bastion.core.scope import scoped
from bastion.observation.models import CaseEvent, HealthCheck, IsolationSite, ObservationCase, Referral
from bastion.observation.schedule import (
    DONE,
    DUE,
    MISSED,
    Slot,
    case_slots,
    day_slots,
    minutes_of,
)
from bastion.reporting.models import ImmediateReport
from bastion.residents.validation import plain

Status = ObservationCase.Status
PERSONAL_NUMBERS = ("person__id_number", "person__id_hash", "person__phone", "person__phone_hash")
OPEN_ALERT = Q(
    alert__state__in=[ImmediateReport.State.OPEN, ImmediateReport.State.ACKNOWLEDGED, ImmediateReport.State.HANDLING]
)


def cases_for_user(
    user: User, *, unit: OrgUnit | None = None, status: str = "", reason: str = "", q: str = ""
) -> QuerySet[ObservationCase]:
    cases = scoped(ObservationCase.objects.all(), user, within=unit)
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
        minutes=minutes_of(case.times),
        first_day=case.start_date,
        last_day=last_day,
        opened_at=case.opened_at,
        ended_at=case.ended_at,
    )
    taken = list(case.checks.values_list("taken_at", flat=True))
    return [(slot, slot.state(taken, now)) for slot in slots]


@dataclass(slots=True)
class DayStates:
    """The recent check states of one active case."""

    pk: int
    path: str
    address: str
    slots: list[tuple[str, str]]  # (time of day, state)
    alert_open: bool
    missed: int
    due: int
    done: int

    @property
    def urgency(self) -> int:
        """0: a check missed or an alert open; 1: a check due now; 2: nothing to do now."""
        return 0 if self.missed or self.alert_open else 1 if self.due else 2


@dataclass(frozen=True)
class _Schedule:
    """One set of check times: its recent slots, their labels, and the state of each slot left unchecked."""

    labels: list[str]
    slots: list[Slot]
    unchecked: list[str]


def _recent_schedule(times: str, now: dt.datetime) -> _Schedule:
    today = timezone.localdate(now)
    minutes = minutes_of(times.split(","))
    since = now - dt.timedelta(hours=24)
    slots = [s for s in day_slots(today - dt.timedelta(days=1), minutes) + day_slots(today, minutes) if s.end > since]
    labels = []
    for slot in slots:
        local = timezone.localtime(slot.at)
        labels.append(f"{local:%H:%M}" if local.date() == today else f"{local:%m-%d %H:%M}")
    return _Schedule(labels, slots, [slot.state((), now) for slot in slots])


def _bit(condition: Q, value: int) -> Case:
    return Case(When(condition, then=Value(value)), default=Value(0), output_field=IntegerField())


def _bits(terms: list[Any]) -> Any:
    """The sum of ``terms``, read as the database returns it (an integer, without a converter per row)."""
    if not terms:
        return Value(0, output_field=Field())
    return ExpressionWrapper(functools.reduce(operator.add, terms), output_field=Field())


def day_states(user: User, unit: OrgUnit | None = None, now: dt.datetime | None = None) -> list[DayStates]:
    """The slots of the last 24 hours and the rest of today of every active case in scope (below ``unit``).

    Yesterday evening's missed check thus still shows in red the next morning. Three queries whatever the
    number of cases: the cases (with the time they were opened only when that was in the last 24 hours);
    per case, bit k set when slot k has a check (the recent checks, grouped); the cases with an alert open.
    Cases alike share their slots.
    """
    now = now or timezone.now()
    since = now - dt.timedelta(hours=24)
    cases = scoped(ObservationCase.objects.filter(status=Status.ACTIVE), user, within=unit).order_by()
    rows = list(
        cases.annotate(recently_opened=Case(When(opened_at__gt=since, then=F("opened_at")))).values_list(
            "pk", "org_unit__path", "person__address", "check_times", "recently_opened"
        )
    )
    if not rows:
        return []
    schedules = {times: _recent_schedule(times, now) for times in {row[3] for row in rows}}
    checked = [
        Max(_bit(Q(case__check_times=times, taken_at__gte=slot.start, taken_at__lt=slot.end), 1 << k))
        for times, schedule in schedules.items()
        for k, slot in enumerate(schedule.slots)
    ]
    earliest = min((schedule.slots[0].start for schedule in schedules.values() if schedule.slots), default=since)
    recent = scoped(HealthCheck.objects.filter(case__status=Status.ACTIVE, taken_at__gte=earliest), user, within=unit)
    done = dict(recent.order_by().values("case_id").annotate(mask=_bits(checked)).values_list("case_id", "mask"))
    alerts = set(
        scoped(HealthCheck.objects.filter(OPEN_ALERT, case__status=Status.ACTIVE), user, within=unit)
        .order_by()
        .values_list("case_id", flat=True)
    )
    shapes: dict[tuple[str, dt.datetime | None, int, bool], tuple[list[tuple[str, str]], bool, int, int, int]] = {}
    result = []
    for pk, path, address, times, opened in rows:
        key = (times, opened, done.get(pk, 0), pk in alerts)
        shape = shapes.get(key)
        if shape is None:
            schedule, done_mask = schedules[times], key[2]
            slots = [
                (schedule.labels[k], DONE if done_mask >> k & 1 else schedule.unchecked[k])
                for k, slot in enumerate(schedule.slots)
                if opened is None or slot.end > opened
            ]
            states = [state for _label, state in slots]
            shape = shapes[key] = (slots, key[3], states.count(MISSED), states.count(DUE), states.count(DONE))
        result.append(DayStates(pk, path, address, *shape))
    result.sort(key=lambda r: (r.urgency, r.path, r.address, r.pk))
    return result


def cases_by_pk(pks: list[int]) -> dict[int, ObservationCase]:
    """The cases of a page of rows: what the lists show, without the personal numbers."""
    cases = ObservationCase.objects.filter(pk__in=pks).select_related("person", "org_unit", "site").order_by()
    fields = ["start_date", "planned_end", "status", "room", "person__name", "person__address"]
    fields += ["org_unit__name", "org_unit__short_name", "site__name"]
    return {case.pk: case for case in cases.only(*fields)}


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
    alert_cases: list[int] = field(default_factory=list)

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
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    below = list(scoped(OrgUnit.objects.filter(parent=unit, is_active=True), user, "").order_by("path"))
    total, rows = UnitFigures(unit), [UnitFigures(child) for child in below]
    by_path, width = {row.unit.path: row for row in rows}, len(unit.path) + PATH_STEP

    def count(path: str, name: str, amount: int = 1) -> None:
        setattr(total, name, getattr(total, name) + amount)
        row = by_path.get(path[:width])
        if row is not None:
            setattr(row, name, getattr(row, name) + amount)

    for states in day_states(user, unit, now):
        count(states.path, "active")
        count(states.path, "slots", len(states.slots))
        if states.missed:
            count(states.path, "missed", states.missed)
            total.overdue_cases.append(states.pk)
        if states.alert_open:
            count(states.path, "alerts_open")
            total.alert_cases.append(states.pk)
    referred_today = Q(referral__referred_at__gte=midnight, referral__referred_at__lt=midnight + dt.timedelta(days=1))
    cases = scoped(ObservationCase.objects.all(), user, within=unit).filter(
        Q(start_date=today) | Q(status=Status.ACTIVE, planned_end__lte=today) | referred_today
    )
    for path, start, end, status, referred_at in cases.order_by().values_list(
        "org_unit__path", "start_date", "planned_end", "status", "referral__referred_at"
    ):
        if start == today:
            count(path, "starting")
        if status == Status.ACTIVE and end <= today:
            count(path, "ending")
        if referred_at is not None and referred_at >= midnight:
            count(path, "referrals")
    pending = [DeliveryRequest.Status.REQUESTED, DeliveryRequest.Status.ASSIGNED]
    deliveries = scoped(DeliveryRequest.objects.filter(status__in=pending), user, within=unit).order_by()
    for (path,) in deliveries.values_list("org_unit__path"):
        count(path, "deliveries_pending")
    return total, rows


def open_alerts(user: User, unit: OrgUnit | None = None, cases: list[int] | None = None) -> QuerySet[HealthCheck]:
    """The check that raised each open alert, newest first; only of ``cases`` when given (the overview knows them)."""
    checks = scoped(HealthCheck.objects.filter(OPEN_ALERT, raised_alert=True), user, within=unit)
    if cases is not None:
        checks = checks.filter(case_id__in=cases)
    checks = checks.select_related("case__person", "org_unit", "alert__waiting_unit").order_by("-taken_at")
    return checks.defer(*(f"case__{field}" for field in PERSONAL_NUMBERS))


def sites_for_user(user: User, unit: OrgUnit | None = None) -> QuerySet[IsolationSite]:
    return scoped(IsolationSite.objects.all(), user, within=unit).select_related("org_unit")


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
