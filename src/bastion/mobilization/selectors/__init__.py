"""Reads of the mobilization app, each restricted to the user's scope."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Least
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bastion.core.models import OrgUnit, User
from bastion.core.names import localized
from bastion.core.scope import scoped
from bastion.mobilization.models import (
    Assignment,
    Batch,
    LeaderAssignment,
    Responder,
    Secondment,
    Shift,
    ShiftPattern,
    ShiftTurn,
    SwapRequest,
    Team,
)
from bastion.mobilization.selectors.on_duty import OnDuty
from bastion.residents.validation import name_keys


def responders_for_user(
    user: User,
    *,
    q: str = "",
    category: int | None = None,
    unit: OrgUnit | None = None,
    active: bool | None = True,
) -> QuerySet[Responder]:
    """The register in scope; ``q`` matches the name, its pinyin or its initials."""
    responders = scoped(Responder.objects.select_related("org_unit", "category", "institution"), user, within=unit)
    if q:
        _initials, pinyin = name_keys(q)
        match = Q(name__contains=q) | Q(name_initials__startswith=q.lower()) | Q(name_pinyin__startswith=q.lower())
        if pinyin and pinyin != q.lower():
            match |= Q(name_pinyin__startswith=pinyin)
        responders = responders.filter(match)
    if category:
        responders = responders.filter(category_id=category)
    if active is not None:
        responders = responders.filter(is_active=active)
    return responders


def responder_get_for_user(user: User, responder_id: int) -> Responder:
    return get_object_or_404(responders_for_user(user, active=None), pk=responder_id)


def batches_for_user(user: User) -> QuerySet[Batch]:
    """Batches issued by a unit in scope, or sending someone to a unit in scope."""
    reaching = scoped(Assignment.objects.all(), user, "unit").values("batch_id")
    return (
        Batch.objects.filter(Q(pk__in=reaching) | Q(pk__in=scoped(Batch.objects.all(), user).values("pk")))
        .select_related("org_unit")
        .annotate(
            assigned=Count("assignments"),
            reported=Count("assignments", filter=Q(assignments__status=Assignment.Status.REPORTED)),
            absent=Count("assignments", filter=Q(assignments__status=Assignment.Status.ABSENT)),
            pending=Count("assignments", filter=Q(assignments__status=Assignment.Status.PENDING)),
        )
        .order_by("-report_by", "-number")
    )


def batch_get_for_user(user: User, batch_id: int) -> Batch:
    return get_object_or_404(batches_for_user(user), pk=batch_id)


def assignments_for_user(
    user: User, *, batch: Batch | None = None, unit: OrgUnit | None = None, status: str = ""
) -> QuerySet[Assignment]:
    assignments = scoped(Assignment.objects.all(), user, "unit", within=unit).select_related(
        "responder__category", "unit", "batch", "confirmed_by"
    )
    if batch is not None:
        assignments = assignments.filter(batch=batch)
    if status:
        assignments = assignments.filter(status=status)
    return assignments


def assignment_get_for_user(user: User, assignment_id: int) -> Assignment:
    return get_object_or_404(assignments_for_user(user), pk=assignment_id)


@dataclass
class UnitProgress:
    unit: OrgUnit
    assigned: int
    reported: int
    absent: int

    @property
    def pending(self) -> int:
        return self.assigned - self.reported - self.absent


def batch_progress(user: User, batch: Batch) -> list[UnitProgress]:
    """For each unit that receives someone of the batch (in scope): assigned, reported, absent."""
    rows = (
        assignments_for_user(user, batch=batch)
        .order_by()
        .values("unit")
        .annotate(
            assigned=Count("pk"),
            reported=Count("pk", filter=Q(status=Assignment.Status.REPORTED)),
            absent=Count("pk", filter=Q(status=Assignment.Status.ABSENT)),
        )
    )
    units = OrgUnit.objects.in_bulk([r["unit"] for r in rows])
    progress = [UnitProgress(units[r["unit"]], r["assigned"], r["reported"], r["absent"]) for r in rows]
    return sorted(progress, key=lambda p: p.unit.path)


def secondments_for_user(
    user: User, *, on: dt.date | None = None, duty_type: int | None = None, unit: OrgUnit | None = None
) -> QuerySet[Secondment]:
    """Secondments to units in scope; with ``on``, those running that day (who is where today)."""
    secondments = scoped(Secondment.objects.all(), user, within=unit).select_related(
        "responder__category", "responder__org_unit", "duty_type", "org_unit"
    )
    if on is not None:
        secondments = secondments.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    if duty_type:
        secondments = secondments.filter(duty_type_id=duty_type)
    return secondments


def secondment_get_for_user(user: User, secondment_id: int) -> Secondment:
    return get_object_or_404(secondments_for_user(user), pk=secondment_id)


def teams_for_user(user: User, *, kind: int | None = None, q: str = "") -> QuerySet[Team]:
    teams = scoped(Team.objects.all(), user).select_related("kind", "org_unit", "leader", "institution")
    teams = teams.annotate(member_count=Count("members"))
    if kind:
        teams = teams.filter(kind_id=kind)
    if q:
        teams = teams.filter(name__contains=q)
    return teams


def team_get_for_user(user: User, team_id: int) -> Team:
    return get_object_or_404(teams_for_user(user), pk=team_id)


def leader_assignments_for_user(user: User, *, current: bool = True) -> QuerySet[LeaderAssignment]:
    assignments = scoped(LeaderAssignment.objects.all(), user).select_related("leader__category", "org_unit")
    if current:
        today = timezone.localdate()
        assignments = assignments.filter(starts_on__lte=today).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return assignments


def leader_assignment_get_for_user(user: User, assignment_id: int) -> LeaderAssignment:
    return get_object_or_404(leader_assignments_for_user(user, current=False), pk=assignment_id)


def answerable_leaders(unit: OrgUnit) -> list[LeaderAssignment]:
    """The leaders answering for this unit or, failing that, for the nearest unit above it."""
    today = timezone.localdate()
    current = (
        LeaderAssignment.objects.filter(org_unit_id__in=[*unit.ancestor_ids, unit.pk], starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("leader", "org_unit")
    )
    by_unit: dict[int, list[LeaderAssignment]] = {}
    for item in current:
        by_unit.setdefault(item.org_unit_id, []).append(item)
    for pk in [unit.pk, *reversed(unit.ancestor_ids)]:
        if pk in by_unit:
            return by_unit[pk]
    return []


def patterns_for(user: User, *, unit: OrgUnit, post_id: int | None) -> QuerySet[ShiftPattern]:
    patterns = ShiftPattern.objects.filter(org_unit=unit)
    patterns = patterns.filter(post__isnull=True) if post_id is None else patterns.filter(post_id=post_id)
    patterns = scoped(patterns, user)
    return patterns.select_related("lead").prefetch_related("members")


def shifts_for_user(
    user: User, *, unit: OrgUnit | None = None, post_id: int | None = None, first: dt.date | None = None, days: int = 7
) -> QuerySet[Shift]:
    shifts = scoped(Shift.objects.all(), user, within=unit).select_related("post", "org_unit")
    if post_id is not None:
        shifts = shifts.filter(post_id=post_id)
    if first is not None:
        shifts = shifts.filter(day__gte=first, day__lt=first + dt.timedelta(days=days))
    return shifts.prefetch_related("turns__responder")


def shift_get_for_user(user: User, shift_id: int) -> Shift:
    return get_object_or_404(scoped(Shift.objects.select_related("post", "org_unit"), user), pk=shift_id)


def turn_get_for_user(user: User, turn_id: int) -> ShiftTurn:
    turns = scoped(ShiftTurn.objects.select_related("shift__org_unit", "responder"), user, "shift__org_unit")
    return get_object_or_404(turns, pk=turn_id)


def swap_get_for_user(user: User, swap_id: int) -> SwapRequest:
    swaps = scoped(SwapRequest.objects.select_related("turn__shift"), user, "turn__shift__org_unit")
    return get_object_or_404(swaps, pk=swap_id)


def on_duty_turns(user: User, *, unit: OrgUnit | None = None, now: dt.datetime | None = None) -> QuerySet[ShiftTurn]:
    """The turns of shifts under way, checked in or not and not checked out: what ``on_duty_now`` lists, for
    counting without its columns' joins."""
    now = now or timezone.now()
    turns = scoped(ShiftTurn.objects.all(), user, "shift__org_unit", within=unit)
    return turns.filter(
        shift__cancelled=False, shift__starts_at__lte=now, shift__ends_at__gt=now, checked_out_at__isnull=True
    )


def on_duty_now(user: User, *, unit: OrgUnit | None = None, now: dt.datetime | None = None) -> OnDuty:
    """Who is on duty now, as rows of what the list, its export and the API show (``selectors.on_duty``)."""
    return OnDuty(user, unit=unit, now=now)


def hours_served(user: User, *, first: dt.date, last: dt.date, unit: OrgUnit | None = None) -> QuerySet[Responder]:
    """Responders in scope with the hours they served in shifts that began between ``first`` and ``last``
    (checked in to checked out; a turn never checked out counts to the shift's end)."""
    served = ExpressionWrapper(
        Least(Coalesce(F("turns__checked_out_at"), F("turns__shift__ends_at")), F("turns__shift__ends_at"))
        - F("turns__checked_in_at"),
        output_field=DurationField(),
    )
    in_period = Q(turns__shift__day__gte=first, turns__shift__day__lte=last, turns__checked_in_at__isnull=False)
    return (
        responders_for_user(user, unit=unit, active=None)
        .annotate(
            served=Sum(served, filter=in_period),
            turn_count=Count("turns", filter=in_period),
            no_shows=Count(
                "turns",
                filter=Q(turns__shift__day__gte=first, turns__shift__day__lte=last, turns__no_show_at__isnull=False),
            ),
        )
        .filter(Q(turn_count__gt=0) | Q(no_shows__gt=0))
        .order_by("org_unit__path", "name")
    )


@dataclass
class Mobilised:
    by_category: list[tuple[str, int, int]]  # (category, category id, reported)
    seconded: list[tuple[str, int, int]]  # (duty type, duty type id, count today)
    mobilised: int


@dataclass
class Figures(Mobilised):
    by_batch: list[Batch]
    on_duty: int


def mobilised_figures(user: User, *, unit: OrgUnit | None = None) -> Mobilised:
    """Mobilised (reported with a batch) in all and by category, and seconded today by duty: two queries."""
    assignments = assignments_for_user(user, unit=unit).filter(status=Assignment.Status.REPORTED)
    categories = Counter[tuple[str, int]]()
    mobilised = 0
    for row in (
        assignments.order_by()
        .values("responder__category", "responder__category__names")
        .annotate(n=Count("pk"), people=Count("responder", distinct=True))
    ):
        categories[(localized(row["responder__category__names"]), row["responder__category"])] += row["n"]
        mobilised += row["people"]  # a responder is of one category: the categories' people add up
    seconded = Counter[tuple[str, int]]()
    today = timezone.localdate()
    for item in (
        secondments_for_user(user, on=today, unit=unit)
        .order_by()
        .values("duty_type", "duty_type__names")
        .annotate(n=Count("pk"))
    ):
        seconded[(localized(item["duty_type__names"]), item["duty_type"])] += item["n"]
    return Mobilised(
        by_category=[(name, pk, n) for (name, pk), n in categories.items()],
        seconded=[(name, pk, n) for (name, pk), n in seconded.items()],
        mobilised=mobilised,
    )


def mobilisation_figures(user: User, *, unit: OrgUnit | None = None) -> Figures:
    """The HQ's overview: reported by category and batch, seconded by duty today, on duty now."""
    mobilised = mobilised_figures(user, unit=unit)
    return Figures(
        by_category=mobilised.by_category,
        seconded=mobilised.seconded,
        mobilised=mobilised.mobilised,
        by_batch=list(batches_for_user(user)),
        on_duty=on_duty_turns(user, unit=unit).filter(checked_in_at__isnull=False).count(),
    )


ROSTER_CANDIDATES = 300


def roster_candidates(user: User, unit: OrgUnit) -> QuerySet[Responder]:
    """Who can be put on a roster of ``unit``: active responders of its subtree, seconded to it or sent there
    with a batch (at most ``ROSTER_CANDIDATES``, by name)."""
    low, high = unit.subtree_bounds
    today = timezone.localdate()
    here = Q(org_unit__path__gte=low, org_unit__path__lt=high)
    seconded = (
        Secondment.objects.filter(org_unit__path__gte=low, org_unit__path__lt=high, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values("responder_id")
    )
    sent = Assignment.objects.filter(unit__path__gte=low, unit__path__lt=high).values("responder_id")
    responders = scoped(Responder.objects.filter(is_active=True), user)
    pks = responders.filter(here | Q(pk__in=seconded) | Q(pk__in=sent)).values_list("pk", flat=True)[:ROSTER_CANDIDATES]
    return Responder.objects.filter(pk__in=list(pks)).select_related("org_unit").order_by("name", "pk")


def pattern_get_for_user(user: User, pattern_id: int) -> ShiftPattern:
    return get_object_or_404(scoped(ShiftPattern.objects.select_related("org_unit", "post"), user), pk=pattern_id)
