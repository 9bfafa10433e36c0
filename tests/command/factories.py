"""Command posts, members and working groups for the command tests."""

from __future__ import annotations

import datetime as dt
import itertools

from bastion.command.defaults import WORKING_GROUPS
from bastion.command.models import CommandPost, PostMember, WorkingGroup
from bastion.core.models import OrgUnit, User

_phones = itertools.count(13900000001)


def post(unit: OrgUnit, *, groups: bool = True) -> CommandPost:
    """The unit's command post with the eight default working groups."""
    created = CommandPost.objects.create(
        org_unit=unit,
        name=f"{unit.name}疫情防控指挥部",
        leading_group_name=f"{unit.name}疫情防控领导小组",
        duty_phone="0994-4821234",
    )
    if groups:
        for order, (code, zh, en, duties, areas) in enumerate(WORKING_GROUPS, start=1):
            WorkingGroup.objects.create(
                command_post=created,
                code=code,
                names={"zh-hans": zh, "en": en},
                duties=duties,
                areas=areas,
                sort_order=order * 10,
            )
    return created


def member(
    command_post: CommandPost,
    name: str,
    position: str = PostMember.Position.MEMBER,
    *,
    user: User | None = None,
    group: str = "",
    lead: bool = False,
) -> PostMember:
    """A member from a week ago, optionally in (or leading) the working group with code ``group``."""
    created = PostMember.objects.create(
        command_post=command_post,
        name=name,
        position=position,
        user=user,
        phone=str(next(_phones)),
        starts_on=dt.date.today() - dt.timedelta(days=7),
    )
    if group:
        working_group = WorkingGroup.objects.get(command_post=command_post, code=group)
        working_group.members.add(created)
        if lead:
            working_group.lead = created
            working_group.save(update_fields=["lead"])
    return created


def group(command_post: CommandPost, code: str) -> WorkingGroup:
    return WorkingGroup.objects.get(command_post=command_post, code=code)
