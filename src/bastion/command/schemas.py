"""Schemas of the command API: what goes in and what comes out, never all fields.

A member's phone number leaves only masked; attachments stay on the pages (a note says only that it has one).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Field, Schema

from bastion.command.models import ActionItem, ActionNote, Attendance, Meeting
from bastion.command.selectors.meetings import GroupLine

PRIORITY = "1 high, 2 normal, 3 low"
OWNER = "exactly one of owner_member_id, owner_group_id and owner_unit_id"


class OwnerOut(Schema):
    kind: str = Field(description="member, group or unit")
    id: int
    name: str


class ItemOut(Schema):
    id: int
    command_post_id: int
    post_name: str = Field(alias="command_post.name")
    title: str
    details: str
    origin: str = Field(description="meeting, weakness, inspection or direct")
    decision_id: int | None
    meeting_id: int | None = Field(None, alias="decision.meeting_id")
    weakness_id: int | None
    source_note: str
    owner: OwnerOut | None
    owner_member_id: int | None
    owner_group_id: int | None
    owner_unit_id: int | None
    due_on: dt.date
    priority: int = Field(description=PRIORITY)
    status: str = Field(description="open, in_progress, claimed, verified or reopened")
    status_label: str
    overdue: bool = Field(description="unfinished and past its due date")
    created_at: dt.datetime
    claimed_at: dt.datetime | None
    verified_at: dt.datetime | None
    chase_count: int = Field(description="how many times its owner was reminded that it is late")

    @staticmethod
    def resolve_owner(obj: ActionItem) -> dict[str, Any] | None:
        if obj.owner_member is not None:
            return {"kind": "member", "id": obj.owner_member.pk, "name": obj.owner_member.name}
        if obj.owner_group is not None:
            return {"kind": "group", "id": obj.owner_group.pk, "name": str(obj.owner_group)}
        if obj.owner_unit is not None:
            return {"kind": "unit", "id": obj.owner_unit.pk, "name": obj.owner_unit.display_name}
        return None

    @staticmethod
    def resolve_status_label(obj: ActionItem) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_overdue(obj: ActionItem) -> bool:
        return not obj.is_finished and obj.due_on < timezone.localdate()


class NoteOut(Schema):
    id: int
    text: str
    status_to: str = Field(description="the status the note set, if any")
    by: str
    at: dt.datetime
    has_attachment: bool = Field(description="the attachment itself is on the item's page")

    @staticmethod
    def resolve_by(obj: ActionNote) -> str:
        return obj.by.display_name if obj.by is not None else ""

    @staticmethod
    def resolve_has_attachment(obj: ActionNote) -> bool:
        return bool(obj.attachment)


class ItemDetailOut(Schema):
    item: ItemOut
    notes: list[NoteOut]


class ItemIn(Schema):
    command_post_id: int
    title: str
    details: str = ""
    due_on: dt.date | None = Field(None, description="today or later")
    owner_member_id: int | None = Field(None, description=OWNER)
    owner_group_id: int | None = Field(None, description=OWNER)
    owner_unit_id: int | None = Field(None, description=OWNER)
    priority: int = Field(ActionItem.Priority.NORMAL, description=PRIORITY)
    weakness_id: int | None = Field(None, description="a corrective item of this weakness of the same post")


class NoteIn(Schema):
    text: str = ""


class MeetingOut(Schema):
    id: int
    command_post_id: int
    post_name: str = Field(alias="command_post.name")
    kind: str = Field(alias="kind.code")
    kind_name: str
    held_on: dt.date
    starts_at: dt.time | None
    title: str
    agenda: str
    minutes: str
    status: str = Field(description="open or closed")
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_kind_name(obj: Meeting) -> str:
        return str(obj.kind)


class AttendanceOut(Schema):
    member_id: int
    name: str = Field(alias="member.name")
    position: str = Field(alias="member.position")
    phone: str = Field(description="masked")
    present: bool
    absence_reason: str

    @staticmethod
    def resolve_phone(obj: Attendance) -> str:
        return obj.member.masked_phone


class DecisionOut(Schema):
    id: int
    text: str
    group_id: int | None
    amount: Decimal | None = Field(description="yuan allocated to a fund")
    fund_entry_id: int | None
    items: list[ItemOut] = Field(alias="action_items")


class FigureOut(Schema):
    label: str
    value: Decimal | None


class MaterialItemOut(ItemOut):
    notes_today: list[NoteOut] = Field(description="the evening review: the notes written on the day")

    @staticmethod
    def resolve_notes_today(obj: ActionItem) -> list[ActionNote]:
        return list(getattr(obj, "day_notes", []))


class GroupLineOut(Schema):
    group_id: int | None = Field(description="none for items owned by a person or a unit")
    group_code: str
    group_name: str
    done: int = Field(description="claimed done or verified")
    in_progress: int
    not_started: int
    items: list[MaterialItemOut]

    @staticmethod
    def resolve_group_id(obj: GroupLine) -> int | None:
        return obj.group.pk if obj.group is not None else None

    @staticmethod
    def resolve_group_code(obj: GroupLine) -> str:
        return obj.group.code if obj.group is not None else ""

    @staticmethod
    def resolve_group_name(obj: GroupLine) -> str:
        return str(obj.group) if obj.group is not None else ""


class MaterialOut(Schema):
    """What a morning dispatch or an evening review gathers by itself."""

    day: dt.date
    by_group: list[GroupLineOut] = Field(description="the day's assignments per working group")
    open_items: list[ItemOut] = Field(description="dispatch: still open from before the day")
    overdue: list[ItemOut] = Field(description="dispatch: the open ones past their due date")
    awaiting_verification: list[ItemOut] = Field(description="dispatch: claimed done, for supervision")
    figures: list[FigureOut] = Field(description="dispatch: the figures of the day before")


class MeetingDetailOut(Schema):
    meeting: MeetingOut
    attendances: list[AttendanceOut]
    decisions: list[DecisionOut]
    material: MaterialOut | None = Field(description="for a kind that gathers material: dispatch or review")


class MeetingFilters(Schema):
    unit: int | None = Field(None, description="meetings of the posts at or below this unit id")
    kind: str = Field("", description="meeting kind code")
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    q: str = ""


class ItemFilters(Schema):
    unit: int | None = Field(None, description="set by a post at or below this unit id, or owned by a unit there")
    status: str = Field("", description='a status, or "unfinished" (open, in progress or reopened)')
    group: str = Field("", description="owning working group code")
    overdue: bool = False
    q: str = ""
    due_from: dt.date | None = None
    due_to: dt.date | None = None


class MeetingIn(Schema):
    command_post_id: int
    kind: str = Field(description="meeting kind code")
    held_on: dt.date | None = Field(None, description="default: today")
    starts_at: dt.time | None = Field(None, description="default: the kind's usual time")
    title: str = ""
    agenda: str = ""


class AttendanceIn(Schema):
    member_id: int = Field(description="a current member of the meeting's command post")
    present: bool = True
    absence_reason: str = Field("", description="required when absent")


class DecisionIn(Schema):
    text: str
    due_on: dt.date | None = Field(None, description="of the action item the decision becomes")
    owner_member_id: int | None = Field(None, description=OWNER)
    owner_group_id: int | None = Field(None, description=OWNER)
    owner_unit_id: int | None = Field(None, description=OWNER)
    priority: int = Field(ActionItem.Priority.NORMAL, description=PRIORITY)
    amount: str | None = Field(None, description='a funds decision: yuan as text, at most two decimals, e.g. "5000"')
    fund_id: int | None = Field(None, description="a funds decision: a fund of the post's unit")


class WeaknessItemOut(Schema):
    id: int
    title: str
    status: str


class WeaknessOut(Schema):
    id: int
    command_post_id: int
    unit_id: int = Field(alias="org_unit_id")
    unit_name: str = Field(alias="org_unit.display_name")
    found_by: str
    found_on: dt.date
    description: str
    status: str = Field(description="open or verified")
    verification: str
    verified_at: dt.datetime | None
    items: list[WeaknessItemOut] = Field(alias="action_items", description="its corrective action items")


class WeaknessFilters(Schema):
    unit: int | None = Field(None, description="found at or below this unit id")
    status: str = Field("", description="open or verified")
    q: str = ""


class WeaknessIn(Schema):
    command_post_id: int
    unit_id: int = Field(description="where it was found: the post's unit or a unit below it")
    found_by: str
    description: str
    found_on: dt.date | None = Field(None, description="default: today")


class WeaknessVerifyIn(Schema):
    verification: str = Field("", description="how the fix was checked")
