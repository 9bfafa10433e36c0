"""The API of places, inspections (the checklist answered; photos are taken on the page) and disinfection."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from bastion.core import selectors as core_selectors
from bastion.core.api import require_perm, unit_asked
from bastion.core.models import User
from bastion.outreach import schemas_places as s
from bastion.outreach.models import ChecklistItem, Inspection, Place, PlaceKind
from bastion.outreach.selectors import disinfection as disinfection_selectors
from bastion.outreach.selectors import inspections as inspection_selectors
from bastion.outreach.selectors import places as selectors
from bastion.outreach.services.disinfection import disinfection_record
from bastion.outreach.services.inspections import AnswerInput, inspection_record
from bastion.outreach.services.places import place_create

router = Router(tags=["outreach"])

SENT_AS = {"org_unit": "unit_id", "place": "place_id"}


def _renamed(exc: ValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({SENT_AS.get(k, k): v for k, v in exc.message_dict.items()})


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _kind(code: str) -> PlaceKind:
    kind = PlaceKind.objects.filter(code=code).first()
    if kind is None:
        raise ValidationError({"kind": _("No kind of place with the code %(code)s.") % {"code": code or "—"}})
    return kind


@router.get("/outreach/places", response=list[s.PlaceOut])
@paginate(PageNumberPagination, page_size=100)
def list_places(
    request: HttpRequest,
    unit: int | None = None,
    kind: str = "",
    q: str = "",
    overdue: bool = False,
    open_rectification: bool = False,
) -> Any:
    """Places in scope; ``overdue``: disinfection overdue; ``open_rectification``: a rectification not done."""
    user = require_perm(request, "outreach.view_place")
    return selectors.places_for_user(
        user,
        unit=unit_asked(user, unit),
        kind=_kind(kind) if kind else None,
        q=q.strip()[:100],
        overdue=overdue,
        open_rectification=open_rectification,
    )


@router.post("/outreach/places", response={201: s.PlaceOut})
def create_place(request: HttpRequest, payload: s.PlaceIn) -> Status[Any]:
    user = require_perm(request, "outreach.add_place")
    unit = core_selectors.orgunit_get_for_user(user, payload.unit_id)
    try:
        place = place_create(
            by=user,
            org_unit=unit,
            kind=_kind(payload.kind),
            **payload.dict(exclude={"unit_id", "kind"}),
        )
    except ValidationError as exc:
        raise _renamed(exc) from exc
    return Status(201, selectors.place_get_for_user(user, place.pk))


@router.get("/outreach/places/{place_id}", response=s.PlaceDetailOut)
def get_place(request: HttpRequest, place_id: int) -> Any:
    """The place with its checklist, open rectifications, inspections (newest first) and disinfections."""
    user = require_perm(request, "outreach.view_place")
    place = selectors.place_get_for_user(user, place_id)
    return _WithHistory(
        place,
        checklist=list(selectors.place_checklist(place)),
        open_rectifications=[inspection.rectification for inspection in selectors.place_open_rectifications(place)],
        inspections=list(selectors.place_inspections(place)[:100]),
        disinfections=list(selectors.place_disinfections(place)[:100]),
    )


class _WithHistory:
    """A place read with its history under names its own related managers would otherwise answer."""

    def __init__(self, place: Place, **history: object) -> None:
        self._place = place
        self.__dict__.update(history)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._place, name)


def _answers(payload: s.InspectionIn) -> list[AnswerInput]:
    ids = {answer.item_id for answer in payload.answers}
    items = ChecklistItem.objects.in_bulk(ids)
    unknown = sorted(ids - items.keys())
    if unknown:
        raise ValidationError(
            {"answers": _("No checklist item with the id %(ids)s.") % {"ids": ", ".join(map(str, unknown))}}
        )
    return [AnswerInput(items[a.item_id], a.passed, a.note, None) for a in payload.answers]


def _record(user: User, place: Place, payload: s.InspectionIn, follows: Inspection | None) -> Inspection:
    try:
        return inspection_record(
            by=user,
            place=place,
            inspected_at=_aware(payload.inspected_at) or timezone.now(),
            inspectors=payload.inspectors,
            answers=_answers(payload),
            rectify_by=payload.rectify_by,
            note=payload.note,
            follows=follows,
        )
    except ValidationError as exc:
        raise _renamed(exc) from exc


def _inspection_out(user: User, inspection: Inspection) -> Inspection:
    return inspection_selectors.inspection_get_for_user(user, inspection.pk)


@router.post("/outreach/places/{place_id}/inspections", response={201: s.InspectionOut})
def inspect(request: HttpRequest, place_id: int, payload: s.InspectionIn) -> Status[Any]:
    """Answer every active item of the place's checklist once; a failure needs ``rectify_by`` and opens a
    rectification (an action item of the nearest command post, owned by the place's unit)."""
    user = require_perm(request, "outreach.add_inspection")
    place = selectors.place_get_for_user(user, place_id)
    return Status(201, _inspection_out(user, _record(user, place, payload, None)))


@router.get("/outreach/inspections/{inspection_id}", response=s.InspectionOut)
def get_inspection(request: HttpRequest, inspection_id: int) -> Any:
    user = require_perm(request, "outreach.view_inspection")
    return inspection_selectors.inspection_get_for_user(user, inspection_id)


@router.post("/outreach/inspections/{inspection_id}/reinspections", response={201: s.InspectionOut})
def reinspect(request: HttpRequest, inspection_id: int, payload: s.InspectionIn) -> Status[Any]:
    """Re-inspect a failed inspection: passed, its rectification is closed; failed again, it stays open."""
    user = require_perm(request, "outreach.add_inspection")
    follows = inspection_selectors.inspection_get_for_user(user, inspection_id)
    place = selectors.place_get_for_user(user, follows.place_id)
    return Status(201, _inspection_out(user, _record(user, place, payload, follows)))


@router.get("/outreach/disinfections", response=list[s.DisinfectionOut])
@paginate(PageNumberPagination, page_size=100)
def list_disinfections(request: HttpRequest, unit: int | None = None, place: int | None = None, q: str = "") -> Any:
    user = require_perm(request, "outreach.view_disinfection")
    return disinfection_selectors.disinfections_for_user(
        user,
        unit=unit_asked(user, unit),
        place=selectors.place_get_for_user(user, place) if place else None,
        q=q.strip()[:100],
    )


@router.post("/outreach/disinfections", response={201: s.DisinfectionOut})
def record_disinfection(request: HttpRequest, payload: s.DisinfectionIn) -> Status[Any]:
    user = require_perm(request, "outreach.add_disinfection")
    place = selectors.place_get_for_user(user, payload.place_id) if payload.place_id else None
    unit = unit_asked(user, payload.unit_id) or (place.org_unit if place else None)
    if unit is None:
        raise ValidationError({"unit_id": _("Give the place or the unit of the area.")})
    try:
        disinfection = disinfection_record(
            by=user,
            org_unit=unit,
            place=place,
            area=payload.area,
            agent=payload.agent,
            concentration=payload.concentration,
            done_at=_aware(payload.done_at),
            done_by=payload.done_by,
        )
    except ValidationError as exc:
        raise _renamed(exc) from exc
    return Status(201, disinfection)


@router.get("/outreach/disinfections/overdue", response=list[s.PlaceOut])
@paginate(PageNumberPagination, page_size=100)
def list_overdue(request: HttpRequest, unit: int | None = None) -> Any:
    """Active places whose disinfection is overdue on their schedule, the longest overdue first."""
    user = require_perm(request, "outreach.view_disinfection")
    require_perm(request, "outreach.view_place")
    return disinfection_selectors.disinfection_overdue(user, unit_asked(user, unit))
