"""Reads of action items and weaknesses, in the user's scope: the post's people and the owning unit see an item."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bastion.command.models import ActionItem, ActionNote, Weakness
from bastion.core.models import OrgUnit, User
from bastion.core.scope import paths_q, scope_paths, scoped

ITEM_RELATED = ("command_post__org_unit", "owner_member", "owner_group", "owner_unit", "decision__meeting")


def _items_in_scope(user: User) -> QuerySet[ActionItem]:
    items = ActionItem.objects.all()
    paths = scope_paths(user)
    if paths is None:
        return items
    return items.filter(paths_q(paths, "command_post__org_unit") | paths_q(paths, "owner_unit"))


def items_for_user(
    user: User,
    *,
    unit: OrgUnit | None = None,
    status: str = "",
    group_code: str = "",
    overdue: bool = False,
    q: str = "",
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
) -> QuerySet[ActionItem]:
    """Items in scope; ``unit`` keeps those set by a post in its subtree or owned by a unit in it."""
    items = _items_in_scope(user)
    if unit is not None:
        low, high = unit.subtree_bounds
        items = items.filter(
            Q(command_post__org_unit__path__gte=low, command_post__org_unit__path__lt=high)
            | Q(owner_unit__path__gte=low, owner_unit__path__lt=high)
        )
    if status == "unfinished":
        items = items.filter(status__in=ActionItem.UNFINISHED)
    elif status:
        items = items.filter(status=status)
    if group_code:
        items = items.filter(owner_group__code=group_code)
    if overdue:
        items = items.filter(status__in=ActionItem.UNFINISHED, due_on__lt=timezone.localdate())
    if q:
        items = items.filter(Q(title__icontains=q) | Q(details__icontains=q))
    if due_from:
        items = items.filter(due_on__gte=due_from)
    if due_to:
        items = items.filter(due_on__lte=due_to)
    return items.select_related(*ITEM_RELATED).order_by("due_on", "priority", "pk")


def item_get_for_user(user: User, item_id: int) -> ActionItem:
    return get_object_or_404(_items_in_scope(user).select_related(*ITEM_RELATED, "weakness"), pk=item_id)


def item_notes(item: ActionItem) -> QuerySet[ActionNote]:
    return item.notes.select_related("by").order_by("at", "pk")


def note_get_for_user(user: User, note_id: int) -> ActionNote:
    return get_object_or_404(
        ActionNote.objects.filter(item__in=_items_in_scope(user)).exclude(attachment=""), pk=note_id
    )


def weaknesses_for_user(
    user: User, *, unit: OrgUnit | None = None, status: str = "", q: str = ""
) -> QuerySet[Weakness]:
    weaknesses = scoped(Weakness.objects.all(), user, "command_post__org_unit", within=None)
    if unit is not None:
        weaknesses = scoped(weaknesses, user, "org_unit", within=unit)
    if status:
        weaknesses = weaknesses.filter(status=status)
    if q:
        weaknesses = weaknesses.filter(Q(description__icontains=q) | Q(found_by__icontains=q))
    return weaknesses.select_related("command_post", "org_unit").order_by("-found_on", "-pk")


def weakness_get_for_user(user: User, weakness_id: int) -> Weakness:
    return get_object_or_404(
        scoped(Weakness.objects.select_related("command_post__org_unit", "org_unit"), user, "command_post__org_unit"),
        pk=weakness_id,
    )


def items_waiting_for(user: User, limit: int = 10) -> list[ActionItem]:
    """Unfinished items the user answers for: as the owner, as a lead or member of the owning group, or as a
    cadre of the owning unit; the earliest due first."""
    mine = (
        Q(owner_member__user=user)
        | Q(owner_group__lead__user=user)
        | Q(owner_group__members__user=user)
        | Q(owner_unit__in=user.scope_units.all())
    )
    pks = ActionItem.objects.filter(mine, status__in=ActionItem.UNFINISHED).values("pk")
    return list(ActionItem.objects.filter(pk__in=pks).select_related(*ITEM_RELATED).order_by("due_on", "pk")[:limit])
