"""The residents API: search the register (numbers masked), register a person, the visit list, record a
visit (with Idempotency-Key), round progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from bastion.core import selectors as core_selectors
from bastion.core.api import require_perm
from bastion.core.models import OrgUnit
from bastion.reporting.api import IdempotencyKey
from bastion.residents import selectors
from bastion.residents.models import CategoryTag, Symptom
from bastion.residents.services import persons as person_services
from bastion.residents.services import screening as screening_services

router = Router(tags=["residents"])


class PersonOut(Schema):
    """Numbers are masked here; revealing one is a page action, audited, never an API field."""

    id: int
    name: str
    unit_id: int = Field(alias="org_unit_id")
    address: str
    sex: str
    birth_date: dt.date | None
    id_number: str = Field(alias="masked_id_number")
    phone: str = Field(alias="masked_phone")
    tags: list[str]

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return [t.code for t in obj.tags.all()]


class PersonIn(Schema):
    unit_id: int
    name: str
    id_number: str = ""
    phone: str = ""
    sex: str = ""
    birth_date: dt.date | None = None
    address: str = ""
    tags: list[str] = Field(default_factory=list)


@router.get("/persons", response=list[PersonOut])
@paginate(PageNumberPagination, page_size=50)
def list_persons(request: HttpRequest, q: str = "", tag: str = "", unit_id: int | None = None):  # type: ignore[no-untyped-def]
    """Search by name or pinyin initials within scope; numbers go to ``POST /persons/lookup``, never in a URL."""
    user = require_perm(request, "residents.view_person")
    if selectors.is_personal_number(q):
        raise ValidationError({"q": [_("Look up ID and phone numbers with POST /persons/lookup, not in the address.")]})
    unit = core_selectors.orgunit_get_for_user(user, unit_id) if unit_id else None
    return selectors.person_search(user, q, tag=tag, unit=unit)


class LookupIn(Schema):
    number: str


@router.post("/persons/lookup", response=list[PersonOut])
def lookup_person(request: HttpRequest, payload: LookupIn) -> list[Any]:
    """The persons in scope with exactly this ID or phone number; the number travels in the body only."""
    user = require_perm(request, "residents.view_person")
    if not selectors.is_personal_number(payload.number):
        raise ValidationError({"number": [_("Give a whole ID number or phone number.")]})
    return list(selectors.person_search(user, payload.number)[:20])


@router.post("/persons", response={201: PersonOut})
def register_person(request: HttpRequest, payload: PersonIn) -> Status[Any]:
    user = require_perm(request, "residents.add_person")
    unit = core_selectors.orgunit_get_for_user(user, payload.unit_id)
    tags = list(CategoryTag.objects.filter(code__in=payload.tags, is_active=True))
    person = person_services.person_register(
        by=user, org_unit=unit, tags=tags, **payload.dict(exclude={"unit_id", "tags"})
    )
    return Status(201, person)


class TaskOut(Schema):
    id: int
    campaign: str
    round: int
    unit_id: int = Field(alias="org_unit_id")
    person_id: int
    person_name: str
    address: str
    outcome: str
    accounted: bool

    @staticmethod
    def resolve_campaign(obj: Any) -> str:
        return str(obj.round.campaign.name)

    @staticmethod
    def resolve_round(obj: Any) -> int:
        return int(obj.round.number)

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person.name)

    @staticmethod
    def resolve_address(obj: Any) -> str:
        return str(obj.person.address)


@router.get("/visit-tasks", response=list[TaskOut])
@paginate(PageNumberPagination, page_size=50)
def list_visit_tasks(request: HttpRequest, unit_id: int | None = None, pending: bool = True):  # type: ignore[no-untyped-def]
    """The open rounds' tasks in scope, by address; ``pending=false`` adds the ones accounted for."""
    user = require_perm(request, "residents.view_visittask")
    unit = core_selectors.orgunit_get_for_user(user, unit_id) if unit_id else None
    return selectors.visit_list_for_user(user, unit=unit, pending_only=pending)


class VisitIn(Schema):
    found: bool
    outcome: str
    method: str = "door"
    temperature: Decimal | None = None
    symptoms: list[str] = Field(default_factory=list)
    moved_to_unit_id: int | None = None
    moved_outside: str = ""
    note: str = ""


class VisitOut(Schema):
    id: int
    task_id: int
    outcome: str
    at: dt.datetime
    task_unit_id: int
    task_accounted: bool

    @staticmethod
    def resolve_task_unit_id(obj: Any) -> int:
        return int(obj.task.org_unit_id)

    @staticmethod
    def resolve_task_accounted(obj: Any) -> bool:
        return bool(obj.task.accounted)


@router.post("/visit-tasks/{task_id}/visits", response={201: VisitOut})
def record_visit(
    request: HttpRequest, task_id: int, payload: VisitIn, idempotency_key: IdempotencyKey = None
) -> Status[Any]:
    """Record a visit; send an ``Idempotency-Key`` header so that a retry returns the first visit."""
    user = require_perm(request, "residents.add_visit")
    task = selectors.task_get_for_user(user, task_id)
    moved_to = None
    if payload.moved_to_unit_id:
        area = task.round.campaign.org_unit
        low, high = area.subtree_bounds
        moved_to = OrgUnit.objects.filter(pk=payload.moved_to_unit_id, path__gte=low, path__lt=high).first()
        if moved_to is None:
            raise Http404("unit not found")
    visit = screening_services.visit_record(
        by=user,
        task=task,
        found=payload.found,
        outcome=payload.outcome,
        method=payload.method,
        temperature=payload.temperature,
        symptoms=Symptom.objects.filter(code__in=payload.symptoms, is_active=True),
        moved_to=moved_to,
        moved_outside=payload.moved_outside,
        note=payload.note,
        idempotency_key=idempotency_key,
    )
    visit.task.refresh_from_db()
    return Status(201, visit)


class ProgressOut(Schema):
    unit_id: int | None
    unit_name: str
    targeted: int
    visited: int
    accounted: int
    unaccounted: int
    exceptions: int
    handed_over: int
    outcomes: dict[str, int]


class ProgressQuery(Schema):
    unit_id: int | None = None


@router.get("/screening-rounds/{round_id}/progress", response=list[ProgressOut])
def round_progress(request: HttpRequest, round_id: int, query: Query[ProgressQuery]) -> list[dict[str, Any]]:
    """Targeted, visited, outcomes for each unit below ``unit_id`` (default: the campaign's area, in
    scope), and the total as the last row (unit_id null)."""
    user = require_perm(request, "residents.view_campaign")
    screening_round = selectors.round_get_for_user(user, round_id)
    area = screening_round.campaign.org_unit
    unit = (
        core_selectors.orgunit_get_for_user(user, query.unit_id)
        if query.unit_id
        else selectors.area_unit_for_user(user, area)
    )
    total, below = selectors.round_progress(user, screening_round, unit)
    return [
        {
            "unit_id": p.unit.pk if p is not total and p.unit else None,
            "unit_name": p.unit.display_name if p.unit else "",
            "targeted": p.targeted,
            "visited": p.visited,
            "accounted": p.accounted,
            "unaccounted": p.unaccounted,
            "exceptions": p.exceptions,
            "handed_over": p.handed_over,
            "outcomes": p.outcomes,
        }
        for p in [*below, total]
    ]
