"""Meetings of the work rhythm: opened, attended, minuted; each decision becomes an action item."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.command.models import (
    ActionItem,
    Attendance,
    CommandPost,
    Decision,
    Meeting,
    MeetingKind,
    PostMember,
    WorkingGroup,
)
from bastion.command.services.actions import action_item_create
from bastion.command.services.common import member_current, require
from bastion.core.models import OrgUnit, User
from bastion.core.services.audit import audit_record
from bastion.residents.validation import plain
from bastion.supplies.models import Fund
from bastion.supplies.services.common import money
from bastion.supplies.services.money import fund_allocate


def _open(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CLOSED:
        raise ValidationError(_("This meeting is closed: nothing more can be added to it."))


@transaction.atomic
def meeting_open(
    *,
    by: User,
    command_post: CommandPost,
    kind: MeetingKind,
    held_on: dt.date | None = None,
    starts_at: dt.time | None = None,
    title: str = "",
    agenda: str = "",
) -> Meeting:
    """A meeting of the post; the time defaults to the kind's usual time."""
    require(by, "add_meeting", command_post)
    if not kind.is_active:
        raise ValidationError({"kind": _("This kind of meeting is no longer in use.")})
    held_on = held_on or timezone.localdate()
    meeting = Meeting.objects.create(
        command_post=command_post,
        kind=kind,
        held_on=held_on,
        starts_at=starts_at or kind.usual_time,
        title=plain(title)[:200] or f"{kind} {held_on:%Y-%m-%d}",
        agenda=agenda.strip(),
        created_by=by,
    )
    audit_record(
        by=by,
        action="meeting.open",
        obj=meeting,
        org_unit=command_post.org_unit,
        summary={"kind": kind.code, "held_on": str(held_on)},
    )
    return meeting


@transaction.atomic
def meeting_update(*, by: User, meeting: Meeting, title: str, agenda: str, minutes: str) -> Meeting:
    require(by, "change_meeting", meeting.command_post)
    _open(meeting)
    title = plain(title)[:200]
    if not title:
        raise ValidationError({"title": _("Give the meeting a title.")})
    meeting.title, meeting.agenda, meeting.minutes = title, agenda.strip(), minutes.strip()
    meeting.save(update_fields=["title", "agenda", "minutes"])
    audit_record(
        by=by, action="meeting.update", obj=meeting, org_unit=meeting.command_post.org_unit, summary={"title": title}
    )
    return meeting


@transaction.atomic
def attendance_record(
    *, by: User, meeting: Meeting, member: PostMember, present: bool, absence_reason: str = ""
) -> Attendance:
    """Who attended; an attendee must be a current member of the command post, an absence needs its reason."""
    require(by, "change_meeting", meeting.command_post)
    _open(meeting)
    member_current(meeting.command_post, member, "member")
    reason = plain(absence_reason)[:200]
    if not present and not reason:
        raise ValidationError({"absence_reason": _("Give the reason of the absence.")})
    attendance, _created = Attendance.objects.update_or_create(
        meeting=meeting, member=member, defaults={"present": present, "absence_reason": "" if present else reason}
    )
    audit_record(
        by=by,
        action="meeting.attendance",
        obj=meeting,
        org_unit=meeting.command_post.org_unit,
        summary={"member": member.pk, "present": present},
    )
    return attendance


@transaction.atomic
def decision_record(
    *,
    by: User,
    meeting: Meeting,
    text: str,
    due_on: dt.date | None,
    owner_member: PostMember | None = None,
    owner_group: WorkingGroup | None = None,
    owner_unit: OrgUnit | None = None,
    priority: int = ActionItem.Priority.NORMAL,
    amount: object = None,
    fund: Fund | None = None,
) -> Decision:
    """A decision and its action item; a funds decision (an amount and a fund) also allocates the money."""
    require(by, "change_meeting", meeting.command_post)
    _open(meeting)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the decision.")})
    allocated: Decimal | None = None
    if amount not in (None, ""):
        allocated = money(amount)
        if fund is None:
            raise ValidationError({"fund": _("Choose the fund the money goes into.")})
        if fund.org_unit_id != meeting.command_post.org_unit_id:
            raise ValidationError(
                {"fund": _("Choose a fund of %(unit)s.") % {"unit": meeting.command_post.org_unit.display_name}}
            )
    elif fund is not None:
        raise ValidationError({"amount": _("Give the amount allocated to the fund.")})
    decision = Decision.objects.create(meeting=meeting, text=text, group=owner_group, amount=allocated, created_by=by)
    action_item_create(
        by=by,
        command_post=meeting.command_post,
        title=text.splitlines()[0],
        details=text,
        due_on=due_on,
        owner_member=owner_member,
        owner_group=owner_group,
        owner_unit=owner_unit,
        priority=priority,
        origin=ActionItem.Origin.MEETING,
        decision=decision,
        source_note=str(meeting),
    )
    if allocated is not None and fund is not None:
        decision.fund_entry = fund_allocate(
            by=by,
            fund=fund,
            amount=allocated,
            description=_("Decided at %(meeting)s: %(text)s") % {"meeting": meeting, "text": text[:200]},
            on=meeting.held_on,
        )
        decision.save(update_fields=["fund_entry"])
    audit_record(
        by=by,
        action="meeting.decision",
        obj=meeting,
        org_unit=meeting.command_post.org_unit,
        summary={"decision": decision.pk, "amount": str(allocated or "")},
    )
    return decision


@transaction.atomic
def meeting_close(*, by: User, meeting: Meeting) -> Meeting:
    require(by, "change_meeting", meeting.command_post)
    _open(meeting)
    meeting.status = Meeting.Status.CLOSED
    meeting.closed_at = timezone.now()
    meeting.save(update_fields=["status", "closed_at"])
    audit_record(
        by=by,
        action="meeting.close",
        obj=meeting,
        org_unit=meeting.command_post.org_unit,
        summary={"decisions": meeting.decisions.count()},
    )
    return meeting
