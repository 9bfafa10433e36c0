"""Reads of the command structure: posts, members, working groups, liaisons, and a unit's "who to call".

Every list and getter goes through the user's scope. The one exception is on purpose: the "who to call" page of
a unit in the scope shows the command posts *above* it, which is the point of the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bastion.command.models import CommandPost, Liaison, PostMember, WorkingGroup
from bastion.core.models import Institution, OrgUnit, User
from bastion.core.scope import scope_paths, scoped
from bastion.core.selectors import institutions_for_user, orgunit_choices_for_user
from bastion.mobilization.models import LeaderAssignment
from bastion.mobilization.selectors import answerable_leaders

# A post at these levels only: a compound or a building has no leading group of its own.
POST_KINDS = frozenset(
    {
        OrgUnit.Kind.PROVINCE,
        OrgUnit.Kind.PREFECTURE,
        OrgUnit.Kind.COUNTY,
        OrgUnit.Kind.TOWNSHIP,
        OrgUnit.Kind.VILLAGE,
        OrgUnit.Kind.COMMUNITY,
    }
)


def current_q(prefix: str = "") -> Q:
    """Members and liaisons still serving: no end date, or one still to come (``ends_on`` is the day they left)."""
    return Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gt": timezone.localdate()})


def is_current(row: PostMember | Liaison, today: dt.date | None = None) -> bool:
    """``current_q`` for a row in hand."""
    return row.ends_on is None or row.ends_on > (today or timezone.localdate())


def home_unit_for_user(user: User) -> OrgUnit | None:
    """The user's first scope unit (the top of the tree for a superuser); None without a scope."""
    paths = scope_paths(user)
    units = OrgUnit.objects.filter(parent=None) if paths is None else OrgUnit.objects.filter(path__in=paths)
    return units.order_by("path").first()


def posts_for_user(user: User, *, unit: OrgUnit | None = None, q: str = "") -> QuerySet[CommandPost]:
    """Command posts in the scope (within ``unit``'s subtree if given), with their counts of current members and
    active groups."""
    posts = scoped(CommandPost.objects.select_related("org_unit"), user, within=unit)
    q = q.strip()
    if q:
        posts = posts.filter(
            Q(name__icontains=q)
            | Q(leading_group_name__icontains=q)
            | Q(org_unit__name__icontains=q)
            | Q(org_unit__short_name__icontains=q)
        )
    return posts.annotate(
        member_count=Count("members", filter=current_q("members__"), distinct=True),
        group_count=Count("groups", filter=Q(groups__is_active=True), distinct=True),
    ).order_by("org_unit__path")


def post_get_for_user(user: User, command_post_id: int) -> CommandPost:
    return get_object_or_404(scoped(CommandPost.objects.select_related("org_unit"), user), pk=command_post_id)


def post_of_unit(unit: OrgUnit) -> CommandPost | None:
    """The unit's own post; the caller has the unit from a scoped getter."""
    return CommandPost.objects.filter(org_unit=unit).first()


def members_of(command_post: CommandPost) -> QuerySet[PostMember]:
    """Every member, current and past: the history of the leading group."""
    return command_post.members.select_related("user").order_by("ends_on", "position", "name", "pk")


def current_members_of(command_post: CommandPost) -> QuerySet[PostMember]:
    return command_post.members.filter(current_q()).order_by("position", "name", "pk")


def member_get_for_user(user: User, member_id: int) -> PostMember:
    members = scoped(PostMember.objects.select_related("command_post__org_unit"), user, "command_post__org_unit")
    return get_object_or_404(members, pk=member_id)


def groups_of(command_post: CommandPost) -> QuerySet[WorkingGroup]:
    return command_post.groups.select_related("lead").prefetch_related(
        Prefetch("members", queryset=PostMember.objects.order_by("name", "pk"))
    )


def group_get_for_user(user: User, group_id: int) -> WorkingGroup:
    groups = scoped(WorkingGroup.objects.select_related("command_post__org_unit"), user, "command_post__org_unit")
    return get_object_or_404(groups, pk=group_id)


def liaisons_of(command_post: CommandPost) -> QuerySet[Liaison]:
    """The post's liaisons, current first, then the ended ones (the history)."""
    return command_post.liaisons.select_related("hq_member", "unit", "institution__org_unit").order_by(
        "ends_on", "unit__path", "institution__name", "-starts_on", "pk"
    )


def liaison_get_for_user(user: User, liaison_id: int) -> Liaison:
    liaisons = scoped(
        Liaison.objects.select_related("command_post__org_unit", "hq_member", "unit", "institution"),
        user,
        "command_post__org_unit",
    )
    return get_object_or_404(liaisons, pk=liaison_id)


def liaison_unit_choices(user: User, command_post: CommandPost) -> QuerySet[OrgUnit]:
    """Units below the post's unit that a liaison may pair it with (the first levels down, as a picker shows)."""
    return orgunit_choices_for_user(user, within=command_post.org_unit).exclude(pk=command_post.org_unit_id)


def liaison_institution_choices(user: User, command_post: CommandPost) -> QuerySet[Institution]:
    return institutions_for_user(user, within=command_post.org_unit, active=True)


def account_choices(command_post: CommandPost) -> QuerySet[User]:
    """Active accounts scoped at the post's unit or above: who may sit in its leading group."""
    return (
        User.objects.filter(
            is_active=True, scopes__org_unit_id__in=[*command_post.org_unit.ancestor_ids, command_post.org_unit_id]
        )
        .distinct()
        .order_by("username")
    )


@dataclass
class PostContacts:
    """A command post as the "who to call" page shows it: duty phone, leaders, office director, groups."""

    post: CommandPost
    leaders: list[PostMember] = field(default_factory=list)
    office_directors: list[PostMember] = field(default_factory=list)
    groups: list[WorkingGroup] = field(default_factory=list)


@dataclass
class UnitContacts:
    unit: OrgUnit
    own: PostContacts | None
    liaisons: list[Liaison]
    leaders: list[LeaderAssignment]
    above: list[PostContacts]
    """The posts above the unit, nearest first."""


def _post_contacts(post: CommandPost) -> PostContacts:
    members: list[PostMember] = post.current_members  # type: ignore[attr-defined]
    return PostContacts(
        post=post,
        leaders=[m for m in members if m.position == PostMember.Position.LEADER],
        office_directors=[m for m in members if m.position == PostMember.Position.OFFICE_DIRECTOR],
        groups=post.active_groups,  # type: ignore[attr-defined]
    )


def contacts_for_unit(unit: OrgUnit) -> UnitContacts:
    """Whom a unit calls: its own post, the liaisons pointing at it, its answerable leaders, the posts above it.

    Five queries whatever the number of posts, groups and liaisons. The caller has ``unit`` from a scoped
    getter; the posts above it are shown although they lie outside a village cadre's scope: they are whom the
    village calls.
    """
    line = [*unit.ancestor_ids, unit.pk]
    leading = [PostMember.Position.LEADER, PostMember.Position.OFFICE_DIRECTOR]
    posts = {
        post.org_unit_id: post
        for post in CommandPost.objects.filter(org_unit_id__in=line)
        .select_related("org_unit")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=PostMember.objects.filter(current_q(), position__in=leading).order_by("position", "name"),
                to_attr="current_members",
            ),
            Prefetch(
                "groups",
                queryset=WorkingGroup.objects.filter(is_active=True).select_related("lead"),
                to_attr="active_groups",
            ),
        )
    }
    liaisons = list(
        Liaison.objects.filter(
            current_q(), Q(unit=unit) | Q(institution__org_unit=unit), command_post__org_unit_id__in=line
        )
        .select_related("command_post__org_unit", "hq_member", "unit", "institution")
        .order_by("-command_post__org_unit__depth", "institution__name", "pk")
    )
    own = posts.get(unit.pk)
    return UnitContacts(
        unit=unit,
        own=_post_contacts(own) if own is not None else None,
        liaisons=liaisons,
        leaders=answerable_leaders(unit),
        above=[_post_contacts(posts[pk]) for pk in reversed(unit.ancestor_ids) if pk in posts],
    )
