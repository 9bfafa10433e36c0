"""The mobilization API: the register, batches and check-ins, duty rosters, who is on duty now.

Phone numbers never leave in clear: a responder shows them masked; a phone is only ever sent in a body.

No ``from __future__ import annotations`` here: django-ninja reads the annotations of a paginated
operation in the pagination module's namespace.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from bastion.checkpoints.selectors import post_get_for_user
from bastion.core import selectors as core_selectors
from bastion.core.api import require_perm
from bastion.core.crypto import keyed_hash
from bastion.mobilization import selectors
from bastion.mobilization.models import Assignment, Batch, Responder, ResponderCategory, ShiftTurn
from bastion.mobilization.services import attendance, batches, roster
from bastion.mobilization.services.common import phone_or_error
from bastion.mobilization.services.responders import responder_create

router = Router(tags=["mobilization"])


class ResponderOut(Schema):
    id: int
    name: str
    masked_phone: str
    category: str = Field(alias="category.code")
    unit_id: int = Field(alias="org_unit_id")
    unit_name: str = Field(alias="org_unit.display_name")
    institution_id: int | None
    skills: str
    availability: str
    is_active: bool


class ResponderIn(Schema):
    name: str
    category: str = Field(description="a category code: leader, cadre, farmer_herder, volunteer…")
    unit_id: int
    phone: str = ""
    institution_id: int | None = None
    skills: str = ""
    availability: str = ""


class BatchOut(Schema):
    id: int
    number: int
    name: str
    unit_id: int = Field(alias="org_unit_id")
    report_by: dt.date
    closed_at: dt.datetime | None
    assigned: int
    reported: int
    absent: int
    pending: int


class BatchIn(Schema):
    unit_id: int
    number: int
    report_by: dt.date
    name: str = ""


class AssignmentOut(Schema):
    id: int
    batch_id: int
    responder_id: int
    name: str = Field(alias="responder.name")
    unit_id: int
    unit_name: str = Field(alias="unit.display_name")
    status: str = Field(description=", ".join(Assignment.Status.values))
    reported_at: dt.datetime | None
    method: str
    absence_reason: str


class AssignmentIn(Schema):
    phone: str = Field(description="the responder's phone number, as in the register")
    unit_id: int = Field(description="the unit to report to")


class AbsenceIn(Schema):
    reason: str


class TurnOut(Schema):
    id: int
    responder_id: int
    name: str = Field(alias="responder.name")
    is_lead: bool
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None
    no_show_at: dt.datetime | None


class ShiftOut(Schema):
    id: int
    unit_id: int = Field(alias="org_unit_id")
    post_id: int | None
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    cancelled: bool
    is_exception: bool
    turns: list[TurnOut]

    @staticmethod
    def resolve_turns(obj: Any) -> list[ShiftTurn]:
        return list(obj.turns.all())


class OnDutyOut(Schema):
    id: int
    shift_id: int
    responder_id: int
    name: str
    is_lead: bool
    checked_in_at: dt.datetime | None
    no_show_at: dt.datetime | None
    unit_name: str
    post_name: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime


class PatternIn(Schema):
    unit_id: int
    post_id: int | None = None
    weekday: int = Field(ge=0, le=6, description="0 is Monday")
    starts_at: dt.time
    ends_at: dt.time = Field(description="at or before the start: the next day")
    lead_id: int | None = None
    member_ids: list[int] = []


class PatternOut(Schema):
    id: int
    unit_id: int = Field(alias="org_unit_id")
    post_id: int | None
    weekday: int
    starts_at: dt.time
    ends_at: dt.time
    lead_id: int | None
    is_active: bool


def _responders(user: Any, ids: list[int]) -> list[Responder]:
    found = {r.pk: r for r in selectors.responders_for_user(user).filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"member_ids": f"unknown responders: {missing}"})
    return [found[pk] for pk in ids]


@router.get("/mobilization/responders", response=list[ResponderOut])
@paginate(PageNumberPagination, page_size=100)
def list_responders(request: HttpRequest, q: str = "", unit: int | None = None):  # type: ignore[no-untyped-def]
    user = require_perm(request, "mobilization.view_responder")
    within = core_selectors.orgunit_get_for_user(user, unit) if unit else None
    return selectors.responders_for_user(user, q=q, unit=within)


@router.get("/mobilization/responders/{responder_id}", response=ResponderOut)
def get_responder(request: HttpRequest, responder_id: int) -> Responder:
    user = require_perm(request, "mobilization.view_responder")
    return selectors.responder_get_for_user(user, responder_id)


@router.post("/mobilization/responders", response={201: ResponderOut})
def create_responder(request: HttpRequest, payload: ResponderIn) -> Status[Responder]:
    user = require_perm(request, "mobilization.add_responder")
    category = ResponderCategory.objects.filter(code=payload.category).first()
    if category is None:
        raise ValidationError({"category": f"unknown category {payload.category}"})
    institution = (
        core_selectors.institution_get_for_user(user, payload.institution_id) if payload.institution_id else None
    )
    responder = responder_create(
        by=user,
        org_unit=core_selectors.orgunit_get_for_user(user, payload.unit_id),
        name=payload.name,
        category=category,
        phone=payload.phone,
        institution=institution,
        skills=payload.skills,
        availability=payload.availability,
    )
    return Status(201, responder)


@router.get("/mobilization/batches", response=list[BatchOut])
def list_batches(request: HttpRequest) -> list[Batch]:
    user = require_perm(request, "mobilization.view_batch")
    return list(selectors.batches_for_user(user))


@router.post("/mobilization/batches", response={201: BatchOut})
def create_batch(request: HttpRequest, payload: BatchIn) -> Status[Batch]:
    user = require_perm(request, "mobilization.add_batch")
    unit = core_selectors.orgunit_get_for_user(user, payload.unit_id)
    batch = batches.batch_create(
        by=user, org_unit=unit, number=payload.number, report_by=payload.report_by, name=payload.name
    )
    return Status(201, selectors.batch_get_for_user(user, batch.pk))


@router.get("/mobilization/batches/{batch_id}/assignments", response=list[AssignmentOut])
@paginate(PageNumberPagination, page_size=100)
def list_assignments(request: HttpRequest, batch_id: int, status: str = "", unit: int | None = None):  # type: ignore[no-untyped-def]
    user = require_perm(request, "mobilization.view_assignment")
    batch = selectors.batch_get_for_user(user, batch_id)
    within = core_selectors.orgunit_get_for_user(user, unit) if unit else None
    return selectors.assignments_for_user(user, batch=batch, unit=within, status=status)


@router.post("/mobilization/batches/{batch_id}/assignments", response={201: AssignmentOut})
def create_assignment(request: HttpRequest, batch_id: int, payload: AssignmentIn) -> Status[Assignment]:
    user = require_perm(request, "mobilization.add_assignment")
    batch = selectors.batch_get_for_user(user, batch_id)
    phone = phone_or_error(payload.phone)
    responder = selectors.responders_for_user(user).filter(phone_hash=keyed_hash(phone)).first()
    if responder is None:
        raise ValidationError({"phone": "no active responder in your scope has this phone number"})
    unit = core_selectors.orgunit_get_for_user(user, payload.unit_id)
    return Status(201, batches.assignment_create(by=user, batch=batch, responder=responder, unit=unit))


@router.post("/mobilization/assignments/{assignment_id}/report", response=AssignmentOut)
def report_assignment(request: HttpRequest, assignment_id: int) -> Assignment:
    """The unit's cadre confirms that the responder reported (one tap)."""
    user = require_perm(request, "mobilization.change_assignment")
    return batches.assignment_report(by=user, assignment=selectors.assignment_get_for_user(user, assignment_id))


@router.post("/mobilization/assignments/{assignment_id}/absent", response=AssignmentOut)
def absent_assignment(request: HttpRequest, assignment_id: int, payload: AbsenceIn) -> Assignment:
    user = require_perm(request, "mobilization.change_assignment")
    assignment = selectors.assignment_get_for_user(user, assignment_id)
    return batches.assignment_absent(by=user, assignment=assignment, reason=payload.reason)


@router.get("/mobilization/shifts", response=list[ShiftOut])
def list_shifts(
    request: HttpRequest, unit: int | None = None, post: int | None = None, first: dt.date | None = None, days: int = 7
) -> list[Any]:
    """Shifts of ``days`` days from ``first`` (default today), under ``unit`` or at ``post``."""
    user = require_perm(request, "mobilization.view_shift")
    within = core_selectors.orgunit_get_for_user(user, unit) if unit else None
    first = first or timezone.localdate()
    return list(selectors.shifts_for_user(user, unit=within, post_id=post, first=first, days=min(max(days, 1), 31)))


@router.post("/mobilization/patterns", response={201: PatternOut})
def create_pattern(request: HttpRequest, payload: PatternIn) -> Status[Any]:
    """A weekly shift; the shifts of the next fortnight are made at once."""
    user = require_perm(request, "mobilization.add_shiftpattern")
    unit = core_selectors.orgunit_get_for_user(user, payload.unit_id)
    post = None
    if payload.post_id:
        post = post_get_for_user(user, payload.post_id)
    lead = _responders(user, [payload.lead_id])[0] if payload.lead_id else None
    pattern = roster.shift_pattern_save(
        by=user,
        pattern=None,
        org_unit=unit,
        post=post,
        weekday=payload.weekday,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        lead=lead,
        members=_responders(user, payload.member_ids),
    )
    return Status(201, pattern)


@router.post("/mobilization/turns/{turn_id}/check-in", response=TurnOut)
def check_in_turn(request: HttpRequest, turn_id: int) -> ShiftTurn:
    user = require_perm(request, "mobilization.view_shift")
    return attendance.turn_check_in(by=user, turn=selectors.turn_get_for_user(user, turn_id))


@router.post("/mobilization/turns/{turn_id}/check-out", response=TurnOut)
def check_out_turn(request: HttpRequest, turn_id: int) -> ShiftTurn:
    user = require_perm(request, "mobilization.view_shift")
    return attendance.turn_check_out(by=user, turn=selectors.turn_get_for_user(user, turn_id))


@router.get("/mobilization/on-duty", response=list[OnDutyOut])
@paginate(PageNumberPagination, page_size=200)
def list_on_duty(request: HttpRequest, unit: int | None = None):  # type: ignore[no-untyped-def]
    """Who is on duty now; a turn not checked in past the grace period carries ``no_show_at``."""
    user = require_perm(request, "mobilization.view_shift")
    within = core_selectors.orgunit_get_for_user(user, unit) if unit else None
    return selectors.on_duty_now(user, unit=within)
