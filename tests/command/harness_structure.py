"""Township B's command structure for the scope harness (tests/scope_harness.py): its post with the eight groups,
a member leading one, a liaison to village B; and the snapshot that must not change."""

from __future__ import annotations

from typing import Any

from bastion.command.models import CommandPost, Liaison, PostMember, WorkingGroup
from tests.scope_harness import Outsider, out_of_scope

MEMBER = "东城镇主任"


def _post_of_b(b: Outsider) -> CommandPost:
    """Township B's post, its office director leading its coordination group and its liaison to village B; another
    builder may have made the bare post already (one post per unit), so each part is made when missing."""
    from bastion.command.services.structure import command_post_create, liaison_create, post_member_add

    post = CommandPost.objects.filter(org_unit=b.world.township_b).first() or command_post_create(
        by=None, org_unit=b.world.township_b, name="东城镇疫情防控指挥部", duty_phone="0994-4830000"
    )
    member = post.members.filter(name=MEMBER).first() or post_member_add(
        by=None, command_post=post, name=MEMBER, position=PostMember.Position.OFFICE_DIRECTOR, phone="13800000011"
    )
    group, _created = WorkingGroup.objects.get_or_create(
        command_post=post, code="coordination", defaults={"names": {"zh-hans": "东城镇综合协调组"}}
    )
    if group.lead_id is None:
        group.lead = member
        group.save(update_fields=["lead"])
        group.members.add(member)
    if not post.liaisons.filter(unit=b.world.village_b).exists():
        liaison_create(
            by=None,
            command_post=post,
            hq_member=member,
            unit=b.world.village_b,
            contact_name="沈家沟联络员",
            contact_phone="13800000012",
        )
    return post


@out_of_scope("command_post_id")
def _command_post(b: Outsider) -> int:
    return int(_post_of_b(b).pk)


@out_of_scope("member_id")
def _member(b: Outsider) -> int:
    return int(_post_of_b(b).members.get(name=MEMBER).pk)


@out_of_scope("group_id")
def _group(b: Outsider) -> int:
    return int(_post_of_b(b).groups.get(code="coordination").pk)


@out_of_scope("liaison_id")
def _liaison(b: Outsider) -> int:
    return int(_post_of_b(b).liaisons.get(unit=b.world.village_b).pk)


def command_structure_of_b(in_b: dict[str, str]) -> dict[str, Any]:
    post_in_b = {f"command_post__{k}": v for k, v in in_b.items()}
    return {
        "command_posts": list(
            CommandPost.objects.filter(**in_b).values_list("pk", "name", "leading_group_name", "duty_phone", "address")
        ),
        "post_members": list(
            PostMember.objects.filter(**post_in_b).values_list("pk", "name", "position", "title", "user", "ends_on")
        ),
        "working_groups": list(
            WorkingGroup.objects.filter(**post_in_b).values_list("pk", "names", "duties", "areas", "lead", "is_active")
        ),
        "group_members": list(
            WorkingGroup.members.through.objects.filter(
                **{f"workinggroup__{k}": v for k, v in post_in_b.items()}
            ).values_list("pk", "workinggroup_id", "postmember_id")
        ),
        "liaisons": list(
            Liaison.objects.filter(**post_in_b).values_list("pk", "hq_member", "contact_name", "starts_on", "ends_on")
        ),
    }
