"""Checks shared by the command services: who may act, and who answers for an item."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.command.models import ActionItem, CommandPost, PostMember, WorkingGroup
from bastion.command.selectors.structure import current_q
from bastion.core.models import OrgUnit, User
from bastion.core.scope import require_in_scope, unit_in_scope


def require(by: User | None, perm: str, post: CommandPost) -> None:
    """Refuse what the role does not allow or a command post outside the scope; ``by=None`` is the system."""
    require_in_scope(by, f"command.{perm}", post.org_unit)


def require_on_item(by: User | None, perm: str, item: ActionItem) -> None:
    """The post's own people may work on an item, and so may the unit that owns it (a village's item from the HQ)."""
    if by is None:
        return
    units = [item.command_post.org_unit, *([item.owner_unit] if item.owner_unit is not None else [])]
    if not by.has_perm(f"command.{perm}") or not any(unit_in_scope(by, unit) for unit in units):
        raise PermissionDenied(_("You may not work on this action item."))


def current_members(post: CommandPost) -> Q:
    """Members of the post serving today: started, and not gone (``current_q``: ``ends_on`` is the day they left)."""
    return Q(command_post=post, starts_on__lte=timezone.localdate()) & current_q()


def member_current(post: CommandPost, member: PostMember, field: str) -> PostMember:
    if not PostMember.objects.filter(current_members(post), pk=member.pk).exists():
        raise ValidationError(
            {field: _("%(name)s is not a current member of %(post)s.") % {"name": member.name, "post": post.name}}
        )
    return member


def group_of(post: CommandPost, group: WorkingGroup, field: str) -> WorkingGroup:
    if group.command_post_id != post.pk or not group.is_active:
        raise ValidationError(
            {field: _("%(group)s is not an active working group of %(post)s.") % {"group": group, "post": post.name}}
        )
    return group


def unit_within(post: CommandPost, unit: OrgUnit, field: str) -> OrgUnit:
    if not unit.path.startswith(post.org_unit.path):
        raise ValidationError(
            {
                field: _("%(unit)s is not within %(post_unit)s.")
                % {"unit": unit.display_name, "post_unit": post.org_unit.display_name}
            }
        )
    return unit


def owner_users(item: ActionItem) -> list[User]:
    """The accounts to remind: the person's, the group lead's and members', or the owning unit's own cadres."""
    if item.owner_member_id:
        return [item.owner_member.user] if item.owner_member.user else []  # type: ignore[union-attr]
    if item.owner_group_id:
        group = item.owner_group
        assert group is not None
        people = [*([group.lead] if group.lead else []), *group.members.all()]
        return [person.user for person in people if person.user is not None]
    return list(User.objects.filter(is_active=True, scopes__org_unit=item.owner_unit).distinct())
