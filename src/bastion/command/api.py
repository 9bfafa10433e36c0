"""The command API: action items (set, progress, claim, verify, reopen), meetings (attendance, decisions, the
material a dispatch or a review gathers) and weaknesses.

Reads go through the scoped selectors; ids given in a body are looked up in the caller's scope, an id outside it
answers as if it did not exist; writes go through the services, which check the role and the scope and audit.

No ``from __future__ import annotations`` here: django-ninja reads the annotations of a paginated operation in
the pagination module's namespace, where ``Query`` is not defined.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from bastion.command import schemas as s
from bastion.command.models import ActionItem, ActionNote, Attendance, Decision, Meeting, MeetingKind, Weakness
from bastion.command.selectors import actions as selectors
from bastion.command.selectors import meetings as meeting_selectors
from bastion.command.selectors import structure as structure_selectors
from bastion.command.services import actions, meetings, weaknesses
from bastion.core import selectors as core_selectors
from bastion.core.api import errors_named_as_sent, require_perm, unit_asked
from bastion.core.models import User
from bastion.supplies.selectors import money as money_selectors

router = Router(tags=["command"])

T = TypeVar("T")
OWNER_FIELDS = ("owner_member_id", "owner_group_id", "owner_unit_id")
SENT_AS = {
    "command_post": "command_post_id",
    "member": "member_id",
    "fund": "fund_id",
    "org_unit": "unit_id",
    "weakness": "weakness_id",
}


def _owner_sent(payload: s.ItemIn | s.DecisionIn) -> str:
    sent = [name for name in OWNER_FIELDS if getattr(payload, name) is not None]
    return sent[0] if len(sent) == 1 else "owner"


class _Lookup:
    """Ids from a body, each found in the caller's scope or reported under its field, all errors at once."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.errors: dict[str, str] = {}

    def get(self, field: str, getter: Callable[[User, int], T], pk: int | None) -> T | None:
        if pk is None:
            return None
        try:
            return getter(self.user, pk)
        except Http404:
            messages = {
                "owner_member_id": _("No such member in your scope."),
                "owner_group_id": _("No such working group in your scope."),
                "owner_unit_id": _("No such unit in your scope."),
                "member_id": _("No such member in your scope."),
                "unit_id": _("No such unit in your scope."),
                "fund_id": _("No such fund in your scope."),
                "weakness_id": _("No such weakness in your scope."),
            }
            self.errors[field] = messages[field]
            return None

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _owners(found: _Lookup, payload: s.ItemIn | s.DecisionIn) -> dict[str, Any]:
    return {
        "owner_member": found.get("owner_member_id", structure_selectors.member_get_for_user, payload.owner_member_id),
        "owner_group": found.get("owner_group_id", structure_selectors.group_get_for_user, payload.owner_group_id),
        "owner_unit": found.get("owner_unit_id", core_selectors.orgunit_get_for_user, payload.owner_unit_id),
    }


def _kind(code: str) -> MeetingKind:
    kind = MeetingKind.objects.filter(code=code).first()
    if kind is None:
        raise ValidationError({"kind": _("No meeting kind with the code %(code)s.") % {"code": code or "—"}})
    return kind


def _item_detail(item: ActionItem) -> dict[str, Any]:
    return {"item": item, "notes": list(selectors.item_notes(item))}


# Action items


@router.get("/command/items", response=list[s.ItemOut])
@paginate(PageNumberPagination, page_size=100)
def list_items(request: HttpRequest, filters: Query[s.ItemFilters]) -> Any:
    """Items set by a post in scope or owned by a unit in scope, the soonest due first."""
    user = require_perm(request, "command.view_actionitem")
    return selectors.items_for_user(
        user,
        unit=unit_asked(user, filters.unit),
        status=filters.status,
        group_code=filters.group,
        overdue=filters.overdue,
        q=filters.q,
        due_from=filters.due_from,
        due_to=filters.due_to,
    )


@router.post("/command/items", response={201: s.ItemOut})
def create_item(request: HttpRequest, payload: s.ItemIn) -> Status[Any]:
    """Set an item with one owner and a due date no earlier than today; its owner is told at once."""
    user = require_perm(request, "command.add_actionitem")
    post = structure_selectors.post_get_for_user(user, payload.command_post_id)
    found = _Lookup(user)
    owners = _owners(found, payload)
    weakness = found.get("weakness_id", selectors.weakness_get_for_user, payload.weakness_id)
    if weakness is not None and weakness.command_post_id != post.pk:
        found.errors["weakness_id"] = _("This weakness belongs to another command post.")
    found.check()
    with errors_named_as_sent(SENT_AS | {"owner": _owner_sent(payload)}):
        item = actions.action_item_create(
            by=user,
            command_post=post,
            title=payload.title,
            details=payload.details,
            due_on=payload.due_on,
            priority=payload.priority,
            weakness=weakness,
            origin=ActionItem.Origin.WEAKNESS if weakness is not None else ActionItem.Origin.DIRECT,
            **owners,
        )
    return Status(201, selectors.item_get_for_user(user, item.pk))


@router.get("/command/items/{action_item_id}", response=s.ItemDetailOut)
def get_item(request: HttpRequest, action_item_id: int) -> dict[str, Any]:
    """The item and its progress notes, oldest first."""
    user = require_perm(request, "command.view_actionitem")
    return _item_detail(selectors.item_get_for_user(user, action_item_id))


def _item_step(
    request: HttpRequest, action_item_id: int, perm: str, step: Callable[[User, ActionItem], ActionNote]
) -> dict[str, Any]:
    user = require_perm(request, perm)
    item = selectors.item_get_for_user(user, action_item_id)
    with errors_named_as_sent(SENT_AS):
        step(user, item)
    return _item_detail(selectors.item_get_for_user(user, action_item_id))


@router.post("/command/items/{action_item_id}/progress", response=s.ItemDetailOut)
def progress_item(request: HttpRequest, action_item_id: int, payload: s.NoteIn) -> dict[str, Any]:
    """A progress note; the first one moves an open or reopened item to "in progress"."""
    return _item_step(
        request,
        action_item_id,
        "command.add_actionnote",
        lambda user, item: actions.action_item_progress(by=user, item=item, text=payload.text),
    )


@router.post("/command/items/{action_item_id}/claim", response=s.ItemDetailOut)
def claim_item(request: HttpRequest, action_item_id: int, payload: s.NoteIn) -> dict[str, Any]:
    """The owner says it is done (and what was done); supervision verifies it."""
    return _item_step(
        request,
        action_item_id,
        "command.change_actionitem",
        lambda user, item: actions.action_item_claim(by=user, item=item, text=payload.text),
    )


@router.post("/command/items/{action_item_id}/verify", response=s.ItemDetailOut)
def verify_item(request: HttpRequest, action_item_id: int, payload: s.NoteIn) -> dict[str, Any]:
    """Supervision confirms an item claimed done; nobody verifies their own claim."""
    return _item_step(
        request,
        action_item_id,
        "command.verify_actionitem",
        lambda user, item: actions.action_item_verify(by=user, item=item, text=payload.text),
    )


@router.post("/command/items/{action_item_id}/reopen", response=s.ItemDetailOut)
def reopen_item(request: HttpRequest, action_item_id: int, payload: s.NoteIn) -> dict[str, Any]:
    """Supervision finds the work not done: the item goes back to its owner with the reason (``text``)."""
    return _item_step(
        request,
        action_item_id,
        "command.verify_actionitem",
        lambda user, item: actions.action_item_reopen(by=user, item=item, text=payload.text),
    )


# Meetings


@router.get("/command/meetings", response=list[s.MeetingOut])
@paginate(PageNumberPagination, page_size=100)
def list_meetings(request: HttpRequest, filters: Query[s.MeetingFilters]) -> Any:
    """Meetings of the posts in scope, the latest first; ``from`` and ``to`` bound the date held."""
    user = require_perm(request, "command.view_meeting")
    return meeting_selectors.meetings_for_user(
        user,
        unit=unit_asked(user, filters.unit),
        kind=_kind(filters.kind) if filters.kind else None,
        first=filters.date_from,
        last=filters.date_to,
        q=filters.q,
    )


def _attendances(meeting: Meeting) -> QuerySet[Attendance]:
    return meeting.attendances.select_related("member").order_by("member__name", "pk")


def _decisions(meeting: Meeting) -> QuerySet[Decision]:
    items = ActionItem.objects.select_related(*selectors.ITEM_RELATED).order_by("pk")
    return meeting.decisions.prefetch_related(Prefetch("action_items", queryset=items)).order_by("pk")


@router.get("/command/meetings/{meeting_id}", response=s.MeetingDetailOut)
def get_meeting(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    """The meeting, who attended, what it decided (each with its action item) and, for a morning dispatch or an
    evening review, the material it gathers by itself. A constant number of queries."""
    user = require_perm(request, "command.view_meeting")
    meeting = meeting_selectors.meeting_get_for_user(user, meeting_id)
    return {
        "meeting": meeting,
        "attendances": list(_attendances(meeting)),
        "decisions": list(_decisions(meeting)),
        "material": meeting_selectors.material_for(meeting),
    }


@router.post("/command/meetings", response={201: s.MeetingOut})
def open_meeting(request: HttpRequest, payload: s.MeetingIn) -> Status[Any]:
    user = require_perm(request, "command.add_meeting")
    post = structure_selectors.post_get_for_user(user, payload.command_post_id)
    kind = _kind(payload.kind)
    with errors_named_as_sent(SENT_AS):
        meeting = meetings.meeting_open(
            by=user,
            command_post=post,
            kind=kind,
            held_on=payload.held_on,
            starts_at=payload.starts_at,
            title=payload.title,
            agenda=payload.agenda,
        )
    return Status(201, meeting)


@router.post("/command/meetings/{meeting_id}/attendances", response=s.AttendanceOut)
def record_attendance(request: HttpRequest, meeting_id: int, payload: s.AttendanceIn) -> Attendance:
    """Who attended (recording a member again changes their line); an absence needs its reason."""
    user = require_perm(request, "command.change_meeting")
    meeting = meeting_selectors.meeting_get_for_user(user, meeting_id)
    found = _Lookup(user)
    member = found.get("member_id", structure_selectors.member_get_for_user, payload.member_id)
    found.check()
    assert member is not None
    with errors_named_as_sent(SENT_AS):
        return meetings.attendance_record(
            by=user,
            meeting=meeting,
            member=member,
            present=payload.present,
            absence_reason=payload.absence_reason,
        )


@router.post("/command/meetings/{meeting_id}/decisions", response={201: s.DecisionOut})
def record_decision(request: HttpRequest, meeting_id: int, payload: s.DecisionIn) -> Status[Any]:
    """A decision and the action item it becomes; with an amount and a fund it also allocates the money."""
    user = require_perm(request, "command.change_meeting")
    meeting = meeting_selectors.meeting_get_for_user(user, meeting_id)
    found = _Lookup(user)
    owners = _owners(found, payload)
    fund = found.get("fund_id", money_selectors.fund_get_for_user, payload.fund_id)
    found.check()
    with errors_named_as_sent(SENT_AS | {"owner": _owner_sent(payload)}):
        decision = meetings.decision_record(
            by=user,
            meeting=meeting,
            text=payload.text,
            due_on=payload.due_on,
            priority=payload.priority,
            amount=payload.amount,
            fund=fund,
            **owners,
        )
    return Status(201, _decisions(meeting).get(pk=decision.pk))


@router.post("/command/meetings/{meeting_id}/close", response=s.MeetingOut)
def close_meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    """Close the meeting: nothing more is added to it."""
    user = require_perm(request, "command.change_meeting")
    meeting = meeting_selectors.meeting_get_for_user(user, meeting_id)
    return meetings.meeting_close(by=user, meeting=meeting)


# Weaknesses


def _with_items(weakness_list: QuerySet[Weakness]) -> QuerySet[Weakness]:
    return weakness_list.prefetch_related(Prefetch("action_items", queryset=ActionItem.objects.order_by("pk")))


@router.get("/command/weaknesses", response=list[s.WeaknessOut])
@paginate(PageNumberPagination, page_size=100)
def list_weaknesses(request: HttpRequest, filters: Query[s.WeaknessFilters]) -> Any:
    """Weaknesses found by the posts in scope, the latest first, each with its corrective items."""
    user = require_perm(request, "command.view_weakness")
    return _with_items(
        selectors.weaknesses_for_user(user, unit=unit_asked(user, filters.unit), status=filters.status, q=filters.q)
    )


@router.post("/command/weaknesses", response={201: s.WeaknessOut})
def record_weakness(request: HttpRequest, payload: s.WeaknessIn) -> Status[Any]:
    """A weakness found at the post's unit or below it; its corrective items are set with ``weakness_id``."""
    user = require_perm(request, "command.add_weakness")
    post = structure_selectors.post_get_for_user(user, payload.command_post_id)
    found = _Lookup(user)
    unit = found.get("unit_id", core_selectors.orgunit_get_for_user, payload.unit_id)
    found.check()
    assert unit is not None
    with errors_named_as_sent(SENT_AS):
        weakness = weaknesses.weakness_record(
            by=user,
            command_post=post,
            org_unit=unit,
            found_by=payload.found_by,
            description=payload.description,
            found_on=payload.found_on,
        )
    return Status(201, weakness)


@router.post("/command/weaknesses/{weakness_id}/verify", response=s.WeaknessOut)
def verify_weakness(request: HttpRequest, weakness_id: int, payload: s.WeaknessVerifyIn) -> Weakness:
    """Supervision closes a weakness once every corrective item is verified, saying how the fix was checked."""
    user = require_perm(request, "command.change_weakness")
    weakness = selectors.weakness_get_for_user(user, weakness_id)
    with errors_named_as_sent(SENT_AS):
        weaknesses.weakness_verify(by=user, weakness=weakness, verification=payload.verification)
    return _with_items(selectors.weaknesses_for_user(user)).get(pk=weakness.pk)
