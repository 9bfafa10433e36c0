"""The API of where responders serve: secondments (抽调) and who is where on a day, teams, county leaders'
units (包乡联村). Lists and lookups are scoped by the selectors; writes go through the services.

No ``from __future__ import annotations`` here: django-ninja reads the annotations of a paginated
operation in the pagination module's namespace, where ``dt`` and ``Query`` are not defined.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from bastion.core import selectors as core_selectors
from bastion.core.api import require_perm, unit_asked
from bastion.core.models import Institution, User
from bastion.mobilization import selectors
from bastion.mobilization.models import DutyType, LeaderAssignment, Responder, Secondment, Team, TeamKind
from bastion.mobilization.services import deployment as services

router = Router(tags=["mobilization"])

T = TypeVar("T")
# The services name their model fields; clients send ids.
API_FIELDS = {"org_unit": "unit_id", "responder": "responder_id", "leader": "leader_id"}
API_FIELDS |= {"institution": "institution_id", "duty_type": "duty_type", "kind": "kind"}


class SecondmentOut(Schema):
    id: int
    responder_id: int
    responder_name: str = Field(alias="responder.name")
    category: str = Field(alias="responder.category.code")
    duty_type: str = Field(alias="duty_type.code")
    duty_type_name: str = Field(description="in the language of the request")
    unit_id: int = Field(alias="org_unit_id")
    unit_name: str = Field(alias="org_unit.display_name")
    starts_on: dt.date
    ends_on: dt.date | None
    note: str

    @staticmethod
    def resolve_duty_type_name(obj: Secondment) -> str:
        return str(obj.duty_type)


class SecondmentIn(Schema):
    responder_id: int
    duty_type: str = Field(description="a duty type's code, such as screening or checkpoint")
    unit_id: int = Field(description="the unit served")
    starts_on: dt.date
    ends_on: dt.date | None = None
    note: str = ""


class EndIn(Schema):
    ends_on: dt.date | None = Field(None, description="the last day; default: today")


class SecondmentFilters(Schema):
    day: dt.date | None = Field(None, description="running on this day; default: today")
    duty_type: str = Field("", description="a duty type's code")
    unit: int | None = Field(None, description="serving below this unit id")


class MemberOut(Schema):
    id: int
    name: str
    category: str = Field(alias="category.code")
    unit_name: str = Field(alias="org_unit.display_name")


class TeamOut(Schema):
    id: int
    name: str
    kind: str = Field(alias="kind.code")
    unit_id: int = Field(alias="org_unit_id")
    unit_name: str = Field(alias="org_unit.display_name")
    institution_id: int | None
    leader_id: int | None
    leader_name: str | None = Field(None, alias="leader.name")
    member_count: int
    tasks: str
    is_active: bool


class TeamDetailOut(TeamOut):
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj: Team) -> list[Responder]:
        return list(obj.members.select_related("category", "org_unit").order_by("name", "pk"))


class TeamIn(Schema):
    kind: str = Field(description="a team kind's code: vanguard, commando, service…")
    name: str
    unit_id: int
    institution_id: int | None = None
    leader_id: int | None = Field(None, description="a responder; the leader is always a member")
    member_ids: list[int] = Field(default_factory=list, description="responders of the unit's subtree")
    tasks: str = ""
    is_active: bool = True


class LeaderAssignmentOut(Schema):
    id: int
    leader_id: int
    leader_name: str = Field(alias="leader.name")
    unit_id: int = Field(alias="org_unit_id")
    unit_name: str = Field(alias="org_unit.display_name")
    starts_on: dt.date
    ends_on: dt.date | None


class LeaderAssignmentIn(Schema):
    leader_id: int = Field(description="a responder, usually of the category leader")
    unit_id: int = Field(description="a township or a village")
    starts_on: dt.date | None = Field(None, description="default: today")
    ends_on: dt.date | None = None


def _renamed(call: Callable[[], T]) -> T:
    """Run a service; its validation errors name the fields the client sent."""
    try:
        return call()
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({API_FIELDS.get(k, k): v for k, v in exc.message_dict.items()}) from exc


def _entry(model: type[DutyType] | type[TeamKind], field: str, code: str) -> Any:
    found = model._default_manager.filter(code=code, is_active=True).first()
    if found is None:
        raise ValidationError({field: [_("Unknown code: %(code)s.") % {"code": code}]})
    return found


@router.get("/mobilization/secondments", response=list[SecondmentOut])
@paginate(PageNumberPagination, page_size=50)
def list_secondments(request: HttpRequest, filters: Query[SecondmentFilters]):  # type: ignore[no-untyped-def]
    """Who is where on a day: the secondments in scope running that day, by unit served."""
    user = require_perm(request, "mobilization.view_secondment")
    duty = _entry(DutyType, "duty_type", filters.duty_type).pk if filters.duty_type else None
    secondments = selectors.secondments_for_user(
        user, on=filters.day or timezone.localdate(), duty_type=duty, unit=unit_asked(user, filters.unit)
    )
    return secondments.order_by("org_unit__path", "responder__name", "pk")


@router.post("/mobilization/secondments", response={201: SecondmentOut})
def create_secondment(request: HttpRequest, payload: SecondmentIn) -> Status[Any]:
    """Second a responder to a unit for a duty; one secondment at a time per responder."""
    user = require_perm(request, "mobilization.add_secondment")
    responder = selectors.responder_get_for_user(user, payload.responder_id)
    org_unit = core_selectors.orgunit_get_for_user(user, payload.unit_id)
    duty_type = _entry(DutyType, "duty_type", payload.duty_type)
    secondment = _renamed(
        lambda: services.secondment_create(
            by=user,
            responder=responder,
            duty_type=duty_type,
            org_unit=org_unit,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            note=payload.note,
        )
    )
    return Status(201, selectors.secondment_get_for_user(user, secondment.pk))


@router.post("/mobilization/secondments/{secondment_id}/end", response=SecondmentOut)
def end_secondment(request: HttpRequest, secondment_id: int, payload: EndIn) -> Secondment:
    user = require_perm(request, "mobilization.change_secondment")
    secondment = selectors.secondment_get_for_user(user, secondment_id)
    _renamed(lambda: services.secondment_end(by=user, secondment=secondment, ends_on=payload.ends_on))
    return selectors.secondment_get_for_user(user, secondment_id)


@router.get("/mobilization/teams", response=list[TeamOut])
@paginate(PageNumberPagination, page_size=50)
def list_teams(request: HttpRequest, kind: str = "", q: str = ""):  # type: ignore[no-untyped-def]
    """The teams in scope; ``kind`` is a team kind's code, ``q`` a part of the name."""
    user = require_perm(request, "mobilization.view_team")
    kind_id = _entry(TeamKind, "kind", kind).pk if kind else None
    return selectors.teams_for_user(user, kind=kind_id, q=q.strip()).order_by("org_unit__path", "name", "pk")


@router.get("/mobilization/teams/{team_id}", response=TeamDetailOut)
def get_team(request: HttpRequest, team_id: int) -> Team:
    return selectors.team_get_for_user(require_perm(request, "mobilization.view_team"), team_id)


def _team_save(user: User, team: Team | None, payload: TeamIn) -> Team:
    org_unit = core_selectors.orgunit_get_for_user(user, payload.unit_id)
    in_unit = selectors.responders_for_user(user, unit=org_unit, active=None)
    wanted = set(payload.member_ids) | ({payload.leader_id} if payload.leader_id else set())
    found = {r.pk: r for r in in_unit.filter(pk__in=wanted)}
    missing = sorted(wanted - found.keys())
    if missing:
        message = _("Not a responder of %(unit)s: %(ids)s.") % {"unit": org_unit, "ids": ", ".join(map(str, missing))}
        raise ValidationError({"member_ids": [message]})
    institution: Institution | None = None
    if payload.institution_id:
        institution = core_selectors.institutions_for_user(user).filter(pk=payload.institution_id).first()
        if institution is None:
            raise ValidationError({"institution_id": [_("Unknown institution.")]})
    saved = _renamed(
        lambda: services.team_save(
            by=user,
            team=team,
            kind=_entry(TeamKind, "kind", payload.kind),
            name=payload.name,
            org_unit=org_unit,
            leader=found[payload.leader_id] if payload.leader_id else None,
            members=[found[pk] for pk in payload.member_ids],
            tasks=payload.tasks,
            institution=institution,
            is_active=payload.is_active,
        )
    )
    return selectors.team_get_for_user(user, saved.pk)


@router.post("/mobilization/teams", response={201: TeamDetailOut})
def create_team(request: HttpRequest, payload: TeamIn) -> Status[Any]:
    """Form a team of responders of its unit; the leader is always one of its members."""
    return Status(201, _team_save(require_perm(request, "mobilization.add_team"), None, payload))


@router.post("/mobilization/teams/{team_id}", response=TeamDetailOut)
def update_team(request: HttpRequest, team_id: int, payload: TeamIn) -> Team:
    """Change a team: the members sent replace the members it had."""
    user = require_perm(request, "mobilization.change_team")
    return _team_save(user, selectors.team_get_for_user(user, team_id), payload)


@router.get("/mobilization/leaders", response=list[LeaderAssignmentOut])
@paginate(PageNumberPagination, page_size=50)
def list_leader_assignments(request: HttpRequest, current: bool = True):  # type: ignore[no-untyped-def]
    """The county leaders' units in scope, in tree order; ``current=false`` adds the ended ones."""
    user = require_perm(request, "mobilization.view_leaderassignment")
    return selectors.leader_assignments_for_user(user, current=current).order_by("org_unit__path", "-starts_on", "pk")


@router.post("/mobilization/leaders", response={201: LeaderAssignmentOut})
def create_leader_assignment(request: HttpRequest, payload: LeaderAssignmentIn) -> Status[Any]:
    """A county leader answers for a township or village (包乡联村); the unit's page shows it."""
    user = require_perm(request, "mobilization.add_leaderassignment")
    leader = selectors.responder_get_for_user(user, payload.leader_id)
    org_unit = core_selectors.orgunit_get_for_user(user, payload.unit_id)
    assignment = _renamed(
        lambda: services.leader_assign(
            by=user,
            leader=leader,
            org_unit=org_unit,
            starts_on=payload.starts_on or timezone.localdate(),
            ends_on=payload.ends_on,
        )
    )
    return Status(201, selectors.leader_assignment_get_for_user(user, assignment.pk))


@router.post("/mobilization/leaders/{leader_assignment_id}/release", response=LeaderAssignmentOut)
def release_leader(request: HttpRequest, leader_assignment_id: int, payload: EndIn) -> LeaderAssignment:
    user = require_perm(request, "mobilization.change_leaderassignment")
    assignment = selectors.leader_assignment_get_for_user(user, leader_assignment_id)
    _renamed(lambda: services.leader_release(by=user, assignment=assignment, ends_on=payload.ends_on))
    return selectors.leader_assignment_get_for_user(user, leader_assignment_id)
