"""Reads of the register and of screening, always within the user's scope."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bastion.core.crypto import keyed_hash
from bastion.core.models import OrgUnit, User
from bastion.core.models.orgunits import PATH_STEP, path_ids
from bastion.core.scope import paths_q, scope_paths, scoped, unit_in_scope
from bastion.residents.models import (
    Campaign,
    CategoryTag,
    Household,
    Outcome,
    Person,
    ScreeningRound,
    Symptom,
    Visit,
    VisitTask,
)
from bastion.residents.validation import plain

_ID_LIKE = re.compile(r"\d{17}[\dXx]")
_PHONE_LIKE = re.compile(r"\+?\d{7,15}")
_INITIALS = re.compile(r"[a-z]+")


def is_personal_number(q: str) -> bool:
    """Whether a search text is an ID or phone number, which must travel in a request body, never a URL."""
    text = plain(q).replace(" ", "")
    return bool(_ID_LIKE.fullmatch(text) or _PHONE_LIKE.fullmatch(text))


def persons_for_user(user: User) -> QuerySet[Person]:
    return scoped(Person.objects.filter(merged_into__isnull=True), user).select_related("org_unit", "household")


def person_search(
    user: User, q: str = "", *, tag: str = "", unit: OrgUnit | None = None, arrived_from: dt.date | None = None
) -> QuerySet[Person]:
    """Persons in scope: by exact ID or phone number, by name, or by pinyin initials or full pinyin (zs, zhangsan).

    Name and pinyin match from the start, as an index range, so 150,000 persons answer at once.
    """
    persons = persons_for_user(user)
    text = plain(q).replace(" ", "")
    if _ID_LIKE.fullmatch(text):
        persons = persons.filter(id_hash=keyed_hash(text.upper()))
    elif _PHONE_LIKE.fullmatch(text):
        persons = persons.filter(phone_hash=keyed_hash(text.removeprefix("+86")))
    elif _INITIALS.fullmatch(text.lower()):
        key = text.lower()
        persons = persons.filter(
            Q(name_initials__gte=key, name_initials__lt=key + "{") | Q(name_pinyin__gte=key, name_pinyin__lt=key + "{")
        )
    elif text:
        persons = persons.filter(name__gte=text, name__lt=text + "\U0010ffff")
    if tag:
        persons = persons.filter(tags__code=tag)
    if unit is not None:
        low, high = unit.subtree_bounds
        persons = persons.filter(org_unit__path__gte=low, org_unit__path__lt=high)
    if arrived_from is not None:
        persons = persons.filter(travels__arrival_date__gte=arrived_from).distinct()
    return persons.prefetch_related("tags")


def person_get_for_user(user: User, person_id: int) -> Person:
    return get_object_or_404(
        scoped(Person.objects.select_related("org_unit", "household", "merged_into"), user), pk=person_id
    )


def households_for_user(user: User, unit: OrgUnit | None = None) -> QuerySet[Household]:
    households = scoped(Household.objects.select_related("org_unit", "head"), user, within=unit)
    members = Count("members", filter=Q(members__merged_into__isnull=True))
    return households.annotate(member_count=members).order_by("org_unit__path", "address", "pk")


def household_get_for_user(user: User, household_id: int) -> Household:
    return get_object_or_404(scoped(Household.objects.select_related("org_unit", "head"), user), pk=household_id)


def household_choices_for_user(user: User, unit: OrgUnit) -> QuerySet[Household]:
    """Households a person of ``unit`` may belong to: in the unit, above it or below it, in scope."""
    low, high = unit.subtree_bounds
    near = Q(org_unit__path__gte=low, org_unit__path__lt=high) | Q(org_unit_id__in=path_ids(unit.path))
    return scoped(Household.objects.filter(near).select_related("org_unit"), user)


def likely_duplicates_for_user(user: User) -> list[list[Person]]:
    """Groups of records with the same name, phone and date of birth, in scope: candidates for a merge."""
    persons = persons_for_user(user).exclude(phone_hash="").exclude(birth_date=None)
    keys = (
        persons.values("name", "phone_hash", "birth_date")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("name")[:100]
    )
    groups: dict[tuple[Any, ...], list[Person]] = defaultdict(list)
    query = Q(pk__in=[])
    for key in keys:
        query |= Q(name=key["name"], phone_hash=key["phone_hash"], birth_date=key["birth_date"])
    for person in persons.filter(query).order_by("name", "pk"):
        groups[person.name, person.phone_hash, person.birth_date].append(person)
    return list(groups.values())


def tag_choices() -> QuerySet[CategoryTag]:
    return CategoryTag.objects.filter(is_active=True)


def symptom_choices() -> QuerySet[Symptom]:
    return Symptom.objects.filter(is_active=True)


# --- screening ------------------------------------------------------------------------------------


def _ancestor_paths(paths: list[str]) -> set[str]:
    """Paths of every unit above the given ones (their path prefixes)."""
    return {path[:end] for path in paths for end in range(PATH_STEP, len(path), PATH_STEP)}


def campaigns_for_user(user: User) -> QuerySet[Campaign]:
    """Campaigns whose area is in the user's scope or contains it (a village sees the county's campaign)."""
    campaigns = Campaign.objects.select_related("org_unit").prefetch_related(
        "tags", Prefetch("rounds", queryset=ScreeningRound.objects.order_by("number"))
    )
    paths = scope_paths(user)
    if paths is None:
        return campaigns
    return campaigns.filter(paths_q(paths, "org_unit") | Q(org_unit__path__in=_ancestor_paths(paths)))


def campaign_get_for_user(user: User, campaign_id: int) -> Campaign:
    return get_object_or_404(campaigns_for_user(user), pk=campaign_id)


def round_get_for_user(user: User, round_id: int) -> ScreeningRound:
    rounds = ScreeningRound.objects.select_related("campaign__org_unit")
    return get_object_or_404(rounds.filter(campaign__in=campaigns_for_user(user)), pk=round_id)


def area_unit_for_user(user: User, area: OrgUnit) -> OrgUnit:
    """Where a user starts reading a campaign: its area when in scope, else the user's own unit inside it."""
    if unit_in_scope(user, area):
        return area
    from bastion.core.selectors import orgunit_roots_for_user

    inside = [root for root in orgunit_roots_for_user(user) if root.path.startswith(area.path)]
    if not inside:
        raise Http404("not in scope")
    return inside[0]


def task_get_for_user(user: User, task_id: int) -> VisitTask:
    tasks = VisitTask.objects.select_related("round__campaign__org_unit", "person", "org_unit", "handed_from")
    return get_object_or_404(scoped(tasks, user), pk=task_id)


def visit_list_for_user(user: User, *, unit: OrgUnit | None = None, pending_only: bool = True) -> QuerySet[VisitTask]:
    """The cadre's day: tasks of open rounds in scope, by address, the ones still to do first."""
    tasks = scoped(VisitTask.objects.filter(round__status=ScreeningRound.Status.OPEN), user, within=unit)
    if pending_only:
        tasks = tasks.filter(accounted=False)
    return tasks.select_related("person", "org_unit", "round__campaign", "handed_from").order_by(
        "accounted", "org_unit__path", "person__address", "person__name"
    )


def round_tasks_for_user(
    user: User, screening_round: ScreeningRound, unit: OrgUnit, *, state: str = ""
) -> QuerySet[VisitTask]:
    """The persons behind a progress figure: a round's tasks below ``unit``, by state or outcome."""
    tasks = scoped(VisitTask.objects.filter(round=screening_round), user, within=unit)
    filters = {
        "unaccounted": Q(accounted=False),
        "accounted": Q(accounted=True),
        "visited": Q(visited_at__isnull=False),
        "exceptions": ~Q(exception_reason=""),
        "handed_over": Q(handed_from__isnull=False),
        **{outcome: Q(outcome=outcome) for outcome in Outcome.values},
    }
    if state in filters:
        tasks = tasks.filter(filters[state])
    return tasks.select_related("person", "org_unit", "handed_from").order_by(
        "org_unit__path", "person__address", "person__name", "pk"
    )


def task_visits(task: VisitTask) -> QuerySet[Visit]:
    return task.visits.select_related("by", "moved_to").prefetch_related("symptoms")


@dataclass
class Progress:
    unit: OrgUnit | None
    targeted: int = 0
    visited: int = 0
    accounted: int = 0
    exceptions: int = 0
    handed_over: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Outcome.values, 0))

    @property
    def unaccounted(self) -> int:
        return self.targeted - self.accounted

    @property
    def percent(self) -> int:
        return round(100 * self.accounted / self.targeted) if self.targeted else 100

    def add(self, row: dict[str, Any]) -> None:
        self.targeted += row["n"]
        self.visited += row["visited"]
        self.accounted += row["accounted_n"]
        self.exceptions += row["exceptions"]
        self.handed_over += row["handed"]
        if row["outcome"]:
            self.outcomes[row["outcome"]] += row["n"]


def round_progress(user: User, screening_round: ScreeningRound, unit: OrgUnit) -> tuple[Progress, list[Progress]]:
    """Targeted, visited, accounted, each outcome: for ``unit`` and each unit right below it, in one query."""
    tasks = scoped(VisitTask.objects.filter(round=screening_round), user, within=unit)
    rows = tasks.values("org_unit__path", "outcome").annotate(
        n=Count("pk"),
        visited=Count("pk", filter=Q(visited_at__isnull=False)),
        accounted_n=Count("pk", filter=Q(accounted=True)),
        exceptions=Count("pk", filter=~Q(exception_reason="")),
        handed=Count("pk", filter=Q(handed_from__isnull=False)),
    )
    children = list(unit.children.filter(is_active=True).order_by("sort_order", "name"))
    by_child = {child.path: Progress(child) for child in children}
    total = Progress(unit)
    own = Progress(unit)
    for row in rows:
        total.add(row)
        path = row["org_unit__path"]
        child_path = next((p for p in by_child if path.startswith(p)), None)
        (by_child[child_path] if child_path else own).add(row)
    below = [p for p in by_child.values() if p.targeted] + ([own] if own.targeted else [])
    return total, below


def day_summary(user: User, unit: OrgUnit, day: dt.date) -> tuple[Progress, list[Progress], int]:
    """The evening summary (碰头会): the day's visits per unit below, and how many had fever or symptoms."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    visits = scoped(Visit.objects.filter(at__gte=start, at__lt=start + dt.timedelta(days=1)), user, within=unit)
    rows = visits.values("org_unit__path", "outcome").annotate(
        n=Count("pk"),
        visited=Count("pk", filter=Q(found=True)),
        accounted_n=Count("pk", filter=Q(outcome__in=[o for o in Outcome.values if o != Outcome.NOT_FOUND])),
        exceptions=Count("pk", filter=Q(pk__in=[])),
        handed=Count("pk", filter=Q(moved_to__isnull=False)),
    )
    children = list(unit.children.filter(is_active=True).order_by("sort_order", "name"))
    by_child = {child.path: Progress(child) for child in children}
    total, own = Progress(unit), Progress(unit)
    for row in rows:
        total.add(row)
        child_path = next((p for p in by_child if row["org_unit__path"].startswith(p)), None)
        (by_child[child_path] if child_path else own).add(row)
    symptomatic = visits.filter(
        Q(temperature__gte=37.3) | Exists(Visit.symptoms.through.objects.filter(visit_id=OuterRef("pk")))
    ).count()
    below = [p for p in by_child.values() if p.targeted] + ([own] if own.targeted else [])
    return total, below, symptomatic
