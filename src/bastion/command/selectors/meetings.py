"""Reads of meetings and the material the morning dispatch and the evening review gather by themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from bastion.command.models import ActionItem, ActionNote, CommandPost, Meeting, MeetingKind, WorkingGroup
from bastion.command.selectors.actions import ITEM_RELATED
from bastion.core.models import OrgUnit, User
from bastion.core.scope import scoped
from bastion.reporting.sources import SOURCES, period_bounds

FIGURES = (
    "observation.active",
    "observation.alerts",
    "observation.alerts_open",
    "residents.visits",
    "residents.referrals",
    "checkpoints.passages_in",
    "checkpoints.passages_out",
    "checkpoints.arrivals_overdue",
    "mobilization.on_duty",
    "mobilization.no_shows",
)
"""The figures of the last day that the morning dispatch shows, by report source code."""


def meetings_for_user(
    user: User,
    *,
    unit: OrgUnit | None = None,
    kind: MeetingKind | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
    q: str = "",
) -> QuerySet[Meeting]:
    meetings = scoped(Meeting.objects.all(), user, "command_post__org_unit", within=unit)
    if kind is not None:
        meetings = meetings.filter(kind=kind)
    if first:
        meetings = meetings.filter(held_on__gte=first)
    if last:
        meetings = meetings.filter(held_on__lte=last)
    if q:
        meetings = meetings.filter(Q(title__icontains=q) | Q(agenda__icontains=q) | Q(minutes__icontains=q))
    return meetings.select_related("command_post__org_unit", "kind")


def meeting_get_for_user(user: User, meeting_id: int) -> Meeting:
    return get_object_or_404(
        scoped(Meeting.objects.select_related("command_post__org_unit", "kind"), user, "command_post__org_unit"),
        pk=meeting_id,
    )


def posts_for_user(user: User) -> QuerySet[CommandPost]:
    return scoped(CommandPost.objects.select_related("org_unit"), user)


@dataclass
class GroupLine:
    """One working group's items in the dispatch or the review; ``group`` None gathers other owners."""

    group: WorkingGroup | None
    items: list[ActionItem] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(item.status in (ActionItem.Status.CLAIMED, ActionItem.Status.VERIFIED) for item in self.items)

    @property
    def in_progress(self) -> int:
        return sum(item.status == ActionItem.Status.IN_PROGRESS for item in self.items)

    @property
    def not_started(self) -> int:
        return sum(item.status in (ActionItem.Status.OPEN, ActionItem.Status.REOPENED) for item in self.items)


@dataclass
class Figure:
    label: str
    value: Decimal | None


@dataclass
class Material:
    day: dt.date
    by_group: list[GroupLine]
    open_items: list[ActionItem] = field(default_factory=list)
    awaiting_verification: list[ActionItem] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    @property
    def overdue(self) -> list[ActionItem]:
        return [item for item in self.open_items if item.due_on < self.day]


def _by_group(post: CommandPost, items: Sequence[ActionItem]) -> list[GroupLine]:
    groups = list(WorkingGroup.objects.filter(command_post=post, is_active=True).order_by("sort_order", "code"))
    lines = {group.pk: GroupLine(group) for group in groups}
    others = GroupLine(None)
    for item in items:
        line = lines.get(item.owner_group_id) if item.owner_group_id else None
        (line or others).items.append(item)
    return [*lines.values(), *([others] if others.items else [])]


def _figures(unit: OrgUnit, day: dt.date) -> list[Figure]:
    figures = []
    for code in FIGURES:
        source = SOURCES.get(code)
        if source is not None:
            figures.append(Figure(str(source.label), Decimal(source.compute(unit, day, day))))
    return figures


def _today_assignments(meeting: Meeting) -> Q:
    """The day's assignments: what the day's dispatch meetings decided and what falls due that day."""
    dispatches = Meeting.objects.filter(
        command_post=meeting.command_post, held_on=meeting.held_on, kind__material=MeetingKind.Material.DISPATCH
    )
    return Q(decision__meeting__in=dispatches) | Q(decision__meeting=meeting) | Q(due_on=meeting.held_on)


def dispatch_material(meeting: Meeting) -> Material:
    """Morning dispatch: items still open from before today, those claimed and awaiting supervision, today's
    assignments per working group, and yesterday's figures. A constant number of queries."""
    post, day = meeting.command_post, meeting.held_on
    start, _end = period_bounds(day, day)
    items = ActionItem.objects.filter(command_post=post).select_related(*ITEM_RELATED)
    open_items = list(items.filter(status__in=ActionItem.UNFINISHED, created_at__lt=start).order_by("due_on", "pk"))
    awaiting = list(items.filter(status=ActionItem.Status.CLAIMED).order_by("claimed_at", "pk"))
    today = list(items.filter(_today_assignments(meeting)).distinct().order_by("priority", "due_on", "pk"))
    return Material(
        day=day,
        by_group=_by_group(post, today),
        open_items=open_items,
        awaiting_verification=awaiting,
        figures=_figures(post.org_unit, day - dt.timedelta(days=1)),
    )


def review_material(meeting: Meeting) -> Material:
    """Evening review: each group's assignments of the day against where they stand now, with the day's notes."""
    post, day = meeting.command_post, meeting.held_on
    start, end = period_bounds(day, day)
    day_notes = Prefetch(
        "notes",
        queryset=ActionNote.objects.filter(at__gte=start, at__lt=end).select_related("by").order_by("at", "pk"),
        to_attr="day_notes",
    )
    items = list(
        ActionItem.objects.filter(command_post=post)
        .filter(_today_assignments(meeting))
        .distinct()
        .select_related(*ITEM_RELATED)
        .prefetch_related(day_notes)
        .order_by("priority", "due_on", "pk")
    )
    return Material(day=day, by_group=_by_group(post, items))


def material_for(meeting: Meeting) -> Material | None:
    material = meeting.kind.material
    if material == MeetingKind.Material.DISPATCH:
        return dispatch_material(meeting)
    if material == MeetingKind.Material.REVIEW:
        return review_material(meeting)
    return None
