"""Reads of places, their checklists, history and disinfection schedule, always scoped to the user's units."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bastion.command.models import ActionItem
from bastion.core.models import OrgUnit, User
from bastion.core.scope import scoped
from bastion.outreach.models import ChecklistItem, Disinfection, Inspection, Place, PlaceKind


def place_kinds_active() -> QuerySet[PlaceKind]:
    return PlaceKind.objects.filter(is_active=True)


def _with_schedule(places: QuerySet[Place]) -> QuerySet[Place]:
    """Each place with its last disinfection, its interval (its own, else its kind's) and whether a rectification
    is open: subqueries, so one query whatever the number of places."""
    last = Disinfection.objects.filter(place=OuterRef("pk")).order_by("-done_at").values("done_at")[:1]
    return places.annotate(
        last_disinfected_at=Subquery(last),
        interval_days=Coalesce(F("disinfect_every_days"), F("kind__disinfect_every_days"), output_field=IntegerField()),
        has_open_rectification=_open_rectification(),
    )


def _open_rectification() -> Exists:
    return Exists(ActionItem.objects.filter(inspection__place=OuterRef("pk"), status__in=ActionItem.UNFINISHED))


def _intervals_in_use() -> list[int]:
    """Every disinfection interval set on a place or a kind: a handful of numbers, in one query."""
    own = Place.objects.exclude(disinfect_every_days=None).order_by().values_list("disinfect_every_days", flat=True)
    kinds = (
        PlaceKind.objects.exclude(disinfect_every_days=None).order_by().values_list("disinfect_every_days", flat=True)
    )
    return sorted({days for days in own.union(kinds) if days})


def overdue_q(intervals: list[int], today: dt.date) -> Q:
    """Places whose last disinfection (or none at all) is older than their interval: due on the day of the last one
    plus the interval, overdue from the day after. One clause per interval in use, so no date arithmetic in SQL."""
    query = Q(pk__in=[])
    for days in intervals:
        threshold = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), dt.time.min))
        query |= Q(interval_days=days) & (Q(last_disinfected_at__isnull=True) | Q(last_disinfected_at__lt=threshold))
    return query


def due_on(place: Place) -> dt.date | None:
    """The day the place's next disinfection is due (on a place from ``places_for_user``); None when it has no
    schedule or was never disinfected (then it is overdue as soon as it has a schedule)."""
    interval: int | None = getattr(place, "interval_days", None)
    last: dt.datetime | None = getattr(place, "last_disinfected_at", None)
    if interval is None or last is None:
        return None
    return timezone.localtime(last).date() + dt.timedelta(days=interval)


def places_for_user(
    user: User,
    *,
    unit: OrgUnit | None = None,
    kind: PlaceKind | None = None,
    q: str = "",
    overdue: bool = False,
    open_rectification: bool = False,
    active_only: bool = False,
    today: dt.date | None = None,
) -> QuerySet[Place]:
    places = _with_schedule(scoped(Place.objects.select_related("org_unit", "kind"), user, within=unit))
    if kind is not None:
        places = places.filter(kind=kind)
    if q:
        places = places.filter(
            Q(name__icontains=q)
            | Q(address__icontains=q)
            | Q(responsible_name__icontains=q)
            | Q(org_unit__name__icontains=q)
        )
    if active_only or overdue:
        places = places.filter(is_active=True)
    if overdue:
        places = places.filter(overdue_q(_intervals_in_use(), today or timezone.localdate()))
    if open_rectification:
        places = places.filter(_open_rectification())
    return places.order_by("org_unit__path", "name", "pk")


def disinfection_overdue(user: User, unit: OrgUnit | None = None, *, today: dt.date | None = None) -> QuerySet[Place]:
    """Active places in scope whose disinfection is overdue, the longest overdue first (never disinfected first):
    two queries, whatever the number of places."""
    places = places_for_user(user, unit=unit, overdue=True, today=today)
    return places.order_by(F("last_disinfected_at").asc(nulls_first=True), "org_unit__path", "name", "pk")


def place_get_for_user(user: User, place_id: int) -> Place:
    return get_object_or_404(
        _with_schedule(scoped(Place.objects.select_related("org_unit", "kind"), user)), pk=place_id
    )


def place_checklist(place: Place) -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(place_kind_id=place.kind_id, is_active=True).order_by("sort_order", "code")


def place_inspections(place: Place) -> QuerySet[Inspection]:
    """The place's inspections, newest first, with their answers and rectifications."""
    return (
        Inspection.objects.filter(place=place)
        .select_related("rectification", "follows", "created_by")
        .prefetch_related("answers__item")
        .order_by("-inspected_at", "-pk")
    )


def place_disinfections(place: Place) -> QuerySet[Disinfection]:
    return Disinfection.objects.filter(place=place).order_by("-done_at", "-pk")


def place_open_rectifications(place: Place) -> QuerySet[Inspection]:
    """The failed inspections of the place whose rectification is not finished (open, in progress, reopened or
    claimed done and awaiting supervision), each with its latest re-inspection to follow."""
    unfinished = [*ActionItem.UNFINISHED, ActionItem.Status.CLAIMED]
    return (
        Inspection.objects.filter(place=place, rectification__status__in=unfinished)
        .select_related("rectification")
        .order_by("rectification__due_on", "pk")
    )


def rectification_of(inspection: Inspection) -> ActionItem | None:
    """The action item of the failed inspection that started the chain of re-inspections ``inspection`` ends."""
    current: Inspection | None = inspection
    while current is not None and current.rectification_id is None:
        current = current.follows
    return current.rectification if current is not None else None


def latest_of_chain(inspection: Inspection) -> Inspection:
    """The last re-inspection of the chain an inspection starts (itself when never re-inspected)."""
    current = inspection
    while True:
        later = current.reinspections.order_by("-inspected_at", "-pk").first()
        if later is None:
            return current
        current = later
