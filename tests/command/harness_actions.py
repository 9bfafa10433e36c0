"""Township B's action items, meetings and weaknesses for the scope harness (tests/scope_harness.py): an item owned
by a working group with a progress note carrying an attachment, a morning dispatch with an attendance and a
decision, a weakness; and the snapshot that must not change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from bastion.command.models import (
    ActionItem,
    ActionNote,
    Attendance,
    CommandPost,
    Decision,
    Meeting,
    MeetingKind,
    PostMember,
    Weakness,
    WorkingGroup,
)
from bastion.core.models import User

# Imported here, not inside a builder: importing it registers its builders, which must not happen while the
# harness walks them.
from tests.command.harness_structure import _post_of_b as structure_post_of_b
from tests.scope_harness import Outsider, out_of_scope

ITEM_TITLE = "沈家沟返乡人员排查"


def _post_of_b(b: Outsider) -> CommandPost:
    """Township B's post, built once by the structure harness (its own URLs count on the one member it adds)."""
    post = structure_post_of_b(b)
    WorkingGroup.objects.get_or_create(
        command_post=post, code="monitoring", defaults={"names": {"zh-hans": "东城镇疫情监测处置组"}}
    )
    return post


def _member_of_b(b: Outsider) -> PostMember:
    from tests.command import factories

    post = _post_of_b(b)
    return post.members.order_by("pk").first() or factories.member(post, "东城镇委员")


def _staff_of_b(b: Outsider) -> User:
    from tests import factories

    found = User.objects.filter(username="charlie-command").first()
    return found or factories.account("township_cadre", b.world.township_b, username="charlie-command")


def _item_of_b(b: Outsider) -> ActionItem:
    from bastion.command.services.actions import action_item_create

    found = ActionItem.objects.filter(title=ITEM_TITLE).first()
    if found is not None:
        return found
    post = _post_of_b(b)
    return action_item_create(
        by=None,
        command_post=post,
        title=ITEM_TITLE,
        details="东城镇: 沈家沟村逐户排查",
        due_on=timezone.localdate() + dt.timedelta(days=2),
        owner_group=WorkingGroup.objects.get(command_post=post, code="monitoring"),
    )


@out_of_scope("action_item_id")
def _item(b: Outsider) -> int:
    return int(_item_of_b(b).pk)


@out_of_scope("note_id")
def _note(b: Outsider) -> int:
    """A progress note with an attachment: what the attachment download page serves."""
    item = _item_of_b(b)
    note = item.notes.exclude(attachment="").first()
    if note is None:
        note = ActionNote.objects.create(
            item=item,
            text="沈家沟已排查一半",
            attachment=ContentFile(b"\xe6\xb2\x88\xe5\xae\xb6\xe6\xb2\x9f progress", name="shenjiagou.txt"),
            by=_staff_of_b(b),
        )
    return int(note.pk)


@out_of_scope("meeting_id")
def _meeting(b: Outsider) -> int:
    from bastion.command.services.meetings import attendance_record, decision_record, meeting_open

    found = Meeting.objects.filter(title="东城镇早派工").first()
    if found is not None:
        return int(found.pk)
    staff = _staff_of_b(b)
    post = _post_of_b(b)
    meeting = meeting_open(
        by=staff, command_post=post, kind=MeetingKind.objects.get(code="morning_dispatch"), title="东城镇早派工"
    )
    attendance_record(by=staff, meeting=meeting, member=_member_of_b(b), present=True)
    decision_record(
        by=staff,
        meeting=meeting,
        text="沈家沟卡点加派人手",
        due_on=timezone.localdate() + dt.timedelta(days=1),
        owner_unit=b.world.village_b,
    )
    return int(meeting.pk)


@out_of_scope("weakness_id")
def _weakness(b: Outsider) -> int:
    from bastion.command.services.weaknesses import weakness_record

    found = Weakness.objects.filter(found_by="东城镇督导组").first()
    if found is not None:
        return int(found.pk)
    weakness = weakness_record(
        by=_staff_of_b(b),
        command_post=_post_of_b(b),
        org_unit=b.world.village_b,
        found_by="东城镇督导组",
        description="沈家沟卡点夜间无人值守",
    )
    return int(weakness.pk)


def command_actions_of_b(in_b: dict[str, str]) -> dict[str, Any]:
    """Items, notes, meetings, attendances, decisions and weaknesses of the posts in B: none may change."""
    post_in_b = {f"command_post__{k}": v for k, v in in_b.items()}
    meeting_in_b = {f"meeting__{k}": v for k, v in post_in_b.items()}
    return {
        "action_items": list(
            ActionItem.objects.filter(**post_in_b).values_list(
                "pk", "title", "status", "due_on", "priority", "owner_member", "owner_group", "owner_unit"
            )
        ),
        "action_notes": list(
            ActionNote.objects.filter(**{f"item__{k}": v for k, v in post_in_b.items()}).values_list("pk", "text")
        ),
        "meetings": list(Meeting.objects.filter(**post_in_b).values_list("pk", "title", "status", "agenda", "minutes")),
        "attendances": list(Attendance.objects.filter(**meeting_in_b).values_list("pk", "member", "present")),
        "decisions": list(Decision.objects.filter(**meeting_in_b).values_list("pk", "text", "amount")),
        "weaknesses": list(Weakness.objects.filter(**post_in_b).values_list("pk", "status", "verification")),
    }
