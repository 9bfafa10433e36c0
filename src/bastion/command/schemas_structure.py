"""Schemas of the command API's structure and work log: what goes in and what comes out, never all fields.

Phone numbers leave masked (a member's, a liaison's, a post's duty phone) everywhere but in the "who to call" of a
unit, whose purpose is calling: there they are given in full, as on the page.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from bastion.command.models import CommandPost, Liaison, PostMember, WorkingGroup, WorkLog, WorkLogAmendment
from bastion.core.crypto import mask
from bastion.core.models import User

NAMES = 'the name in each language given, by language code: {"zh-hans": "…", "en": "…"}'
AREAS = "codes of the areas of Bastion: reporting, residents, observation, checkpoints, mobilization, supplies…"


def _name_of(user: User | None) -> str:
    return str(user) if user is not None else ""


# --- Command posts ----------------------------------------------------------------------------------------------


class PostOut(Schema):
    id: int
    unit_id: int = Field(alias="org_unit_id")
    unit_name: str = Field(alias="org_unit.display_name")
    name: str
    leading_group_name: str
    duty_phone: str = Field(description="masked; in full on the unit's contacts")
    address: str

    @staticmethod
    def resolve_duty_phone(obj: CommandPost) -> str:
        return mask(obj.duty_phone)


class PostListOut(PostOut):
    member_count: int = Field(description="current members")
    group_count: int = Field(description="active working groups")


class PostFilters(Schema):
    unit: int | None = Field(None, description="posts at or below this unit id")
    q: str = Field("", description="a part of the post's, the leading group's or the unit's name")


class PostIn(Schema):
    org_unit_id: int = Field(description="a county, township or village in your scope without a post yet")
    name: str
    leading_group_name: str = ""
    duty_phone: str = ""
    address: str = ""


class MemberOut(Schema):
    id: int
    command_post_id: int
    name: str
    position: str = Field(description="leader, deputy, office_director, liaison or member")
    position_label: str
    title: str = Field(description="the post held, such as deputy county head")
    phone: str = Field(description="masked")
    user_id: int | None = Field(description="the member's account, if any")
    starts_on: dt.date
    ends_on: dt.date | None = Field(description="the day they left")

    @staticmethod
    def resolve_position_label(obj: PostMember) -> str:
        return str(obj.get_position_display())

    @staticmethod
    def resolve_phone(obj: PostMember) -> str:
        return obj.masked_phone


class MemberIn(Schema):
    name: str
    position: str = Field(PostMember.Position.MEMBER, description="leader, deputy, office_director, liaison or member")
    title: str = ""
    phone: str = ""
    user_id: int | None = Field(None, description="an active account working at the post's unit or above")
    starts_on: dt.date | None = Field(None, description="default: today")


class EndIn(Schema):
    ends_on: dt.date | None = Field(None, description="default: today")


class GroupMemberOut(Schema):
    id: int
    name: str


class GroupOut(Schema):
    id: int
    command_post_id: int
    code: str
    name: str = Field(description="in the language of the request")
    names: dict[str, str]
    duties: str
    areas: list[str]
    area_labels: list[str]
    lead_id: int | None
    lead_name: str = Field(description="empty without a lead")
    members: list[GroupMemberOut]
    is_active: bool

    @staticmethod
    def resolve_name(obj: WorkingGroup) -> str:
        return str(obj)

    @staticmethod
    def resolve_lead_name(obj: WorkingGroup) -> str:
        return obj.lead.name if obj.lead is not None else ""

    @staticmethod
    def resolve_members(obj: WorkingGroup) -> list[PostMember]:
        return list(obj.members.all())


class GroupIn(Schema):
    names: dict[str, str] = Field(description=NAMES)
    duties: str = ""
    areas: list[str] = Field(default_factory=list, description=AREAS)
    lead_id: int | None = Field(None, description="a current member of the post")
    member_ids: list[int] = Field(default_factory=list, description="current members of the post; the lead is added")


class GroupUpdateIn(GroupIn):
    """The whole group as it is to be: the members sent replace the members it had."""

    is_active: bool = True


class LiaisonOut(Schema):
    id: int
    command_post_id: int
    unit_id: int | None
    unit_name: str | None = Field(None, alias="unit.display_name")
    institution_id: int | None
    institution_name: str | None = Field(None, alias="institution.name")
    counterpart: str
    hq_member_id: int
    hq_member_name: str = Field(alias="hq_member.name")
    hq_member_phone: str = Field(description="masked")
    contact_name: str
    contact_phone: str = Field(description="masked")
    starts_on: dt.date
    ends_on: dt.date | None

    @staticmethod
    def resolve_hq_member_phone(obj: Liaison) -> str:
        return obj.hq_member.masked_phone

    @staticmethod
    def resolve_contact_phone(obj: Liaison) -> str:
        return obj.masked_contact_phone


class LiaisonIn(Schema):
    unit_id: int | None = Field(None, description="a unit below the post's unit; or institution_id")
    institution_id: int | None = Field(None, description="an institution within the post's unit; or unit_id")
    hq_member_id: int = Field(description="the contact at the command post: a current member")
    contact_name: str = Field(description="the contact on the other side")
    contact_phone: str
    starts_on: dt.date | None = Field(None, description="default: today; the pair's current liaison ends that day")


class PostDetailOut(Schema):
    post: PostOut
    current_members: list[MemberOut]
    past_members: list[MemberOut] = Field(description="the history of the leading group")
    groups: list[GroupOut]
    liaisons: list[LiaisonOut] = Field(description="the current ones")


# --- Who to call: numbers in full -------------------------------------------------------------------------------


class CallMemberOut(Schema):
    id: int
    name: str
    position: str
    position_label: str
    title: str
    phone: str = Field(description="in full")

    @staticmethod
    def resolve_position_label(obj: PostMember) -> str:
        return str(obj.get_position_display())


class CallGroupOut(Schema):
    id: int
    code: str
    name: str
    duties: str
    lead_name: str
    lead_phone: str = Field(description="in full")

    @staticmethod
    def resolve_name(obj: WorkingGroup) -> str:
        return str(obj)

    @staticmethod
    def resolve_lead_name(obj: WorkingGroup) -> str:
        return obj.lead.name if obj.lead is not None else ""

    @staticmethod
    def resolve_lead_phone(obj: WorkingGroup) -> str:
        return obj.lead.phone if obj.lead is not None else ""


class CallPostOut(Schema):
    id: int = Field(alias="post.id")
    name: str = Field(alias="post.name")
    unit_id: int = Field(alias="post.org_unit_id")
    unit_name: str = Field(alias="post.org_unit.display_name")
    duty_phone: str = Field(alias="post.duty_phone", description="in full")
    leaders: list[CallMemberOut]
    office_directors: list[CallMemberOut]
    groups: list[CallGroupOut] = Field(description="active working groups: whom to call for what")


class CallLiaisonOut(Schema):
    id: int
    command_post_id: int
    command_post_name: str = Field(alias="command_post.name")
    institution_id: int | None
    institution_name: str | None = Field(None, alias="institution.name")
    hq_member_name: str = Field(alias="hq_member.name")
    hq_member_phone: str = Field(alias="hq_member.phone", description="in full")
    contact_name: str
    contact_phone: str = Field(description="in full")


class CallLeaderOut(Schema):
    leader_id: int
    name: str = Field(alias="leader.name")
    phone: str = Field(alias="leader.phone", description="in full")
    unit_id: int = Field(alias="org_unit_id", description="the unit they answer for: this one or one above")
    unit_name: str = Field(alias="org_unit.display_name")


class ContactsOut(Schema):
    unit_id: int = Field(alias="unit.id")
    unit_name: str = Field(alias="unit.display_name")
    own: CallPostOut | None = Field(description="the unit's own command post, if it has one")
    liaisons: list[CallLiaisonOut] = Field(description="the current liaisons of the posts above with this unit")
    leaders: list[CallLeaderOut] = Field(description="the county leaders answering for the unit (包乡联村)")
    above: list[CallPostOut] = Field(description="the command posts above the unit, nearest first")


# --- Work logs --------------------------------------------------------------------------------------------------


class WorkLogOut(Schema):
    id: int
    command_post_id: int
    post_name: str = Field(alias="command_post.name")
    unit_id: int = Field(alias="command_post.org_unit_id")
    unit_name: str = Field(alias="command_post.org_unit.display_name")
    day: dt.date
    status: str = Field(description="draft or signed")
    drafted_at: dt.datetime
    signed_by: str = Field(description="empty until signed")
    signed_at: dt.datetime | None

    @staticmethod
    def resolve_signed_by(obj: WorkLog) -> str:
        return _name_of(obj.signed_by)


class WorkLogListOut(WorkLogOut):
    amendment_count: int


class AmendmentOut(Schema):
    id: int
    text: str
    by: str
    at: dt.datetime

    @staticmethod
    def resolve_by(obj: WorkLogAmendment) -> str:
        return _name_of(obj.by)


class WorkLogDetailOut(WorkLogOut):
    body: str
    edited_by: str = Field(description="who last edited the draft; empty if nobody did")
    edited_at: dt.datetime | None
    amendments: list[AmendmentOut] = Field(description="after signing, oldest first; the signed body never changes")

    @staticmethod
    def resolve_edited_by(obj: WorkLog) -> str:
        return _name_of(obj.edited_by)

    @staticmethod
    def resolve_amendments(obj: WorkLog) -> list[WorkLogAmendment]:
        return list(obj.amendments.all())


class WorkLogFilters(Schema):
    unit: int | None = Field(None, description="logs of the posts at or below this unit id")
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    status: str = Field("", description="draft or signed")


class WorkLogIn(Schema):
    command_post_id: int
    day: dt.date = Field(description="today or before; an unedited draft of the day is drafted again")


class WorkLogEditIn(Schema):
    body: str


class AmendmentIn(Schema):
    text: str
