"""Schemas of the places, inspections and disinfection API: what goes in and what comes out, never all fields."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from bastion.outreach.models import Inspection, InspectionAnswer, Place
from bastion.outreach.selectors.places import due_on, rectification_of


class PlaceIn(Schema):
    unit_id: int
    kind: str = Field(description="code of the kind of place (supermarket, hospital…)")
    name: str
    address: str = ""
    responsible_name: str = ""
    responsible_phone: str = ""
    disinfect_every_days: int | None = Field(None, description="empty: as for its kind")


class ChecklistItemOut(Schema):
    id: int
    code: str
    text: str

    @staticmethod
    def resolve_text(obj: object) -> str:
        return str(obj)


class PlaceOut(Schema):
    id: int
    name: str
    kind: str = Field(alias="kind.code")
    kind_name: str
    unit_id: int = Field(alias="org_unit_id")
    unit_name: str = Field(alias="org_unit.display_name")
    address: str
    responsible_name: str
    responsible_phone: str = Field(alias="masked_phone", description="masked")
    disinfect_every_days: int | None = Field(description="the place's own interval; empty: as for its kind")
    interval_days: int | None = Field(None, description="the interval that applies")
    last_disinfected_at: dt.datetime | None = None
    next_disinfection_due: dt.date | None = None
    has_open_rectification: bool = False
    is_active: bool

    @staticmethod
    def resolve_kind_name(obj: Place) -> str:
        return str(obj.kind)

    @staticmethod
    def resolve_next_disinfection_due(obj: Place) -> dt.date | None:
        return due_on(obj)


class RectificationOut(Schema):
    id: int
    title: str
    status: str
    due_on: dt.date


class AnswerIn(Schema):
    item_id: int
    passed: bool
    note: str = Field("", description="what was wrong; needed when failed")


class InspectionIn(Schema):
    inspected_at: dt.datetime | None = Field(None, description="empty: now")
    inspectors: str
    answers: list[AnswerIn] = Field(description="every active item of the place's checklist, once")
    rectify_by: dt.date | None = Field(None, description="needed when an item failed (a re-inspection may keep it)")
    note: str = ""


class AnswerOut(Schema):
    item_id: int
    item_code: str = Field(alias="item.code")
    item: str
    passed: bool
    note: str
    has_photo: bool

    @staticmethod
    def resolve_item(obj: InspectionAnswer) -> str:
        return str(obj.item)

    @staticmethod
    def resolve_has_photo(obj: InspectionAnswer) -> bool:
        return bool(obj.photo)


class InspectionOut(Schema):
    id: int
    place_id: int
    unit_id: int = Field(alias="org_unit_id")
    inspected_at: dt.datetime
    inspectors: str
    result: str
    note: str
    follows_id: int | None
    rectify_by: dt.date | None
    rectification: RectificationOut | None = Field(
        None, description="the action item this inspection opened or checked"
    )
    answers: list[AnswerOut]

    @staticmethod
    def resolve_rectification(obj: Inspection) -> object:
        return rectification_of(obj)

    @staticmethod
    def resolve_answers(obj: Inspection) -> object:
        return list(obj.answers.all())


class DisinfectionIn(Schema):
    unit_id: int | None = Field(None, description="empty: the place's unit")
    place_id: int | None = None
    area: str = Field("", description="when not at a place: a street, stairwells…")
    agent: str
    concentration: str = ""
    done_at: dt.datetime
    done_by: str


class DisinfectionOut(Schema):
    id: int
    unit_id: int = Field(alias="org_unit_id")
    place_id: int | None
    area: str
    agent: str
    concentration: str
    done_at: dt.datetime
    done_by: str


class PlaceDetailOut(PlaceOut):
    checklist: list[ChecklistItemOut]
    open_rectifications: list[RectificationOut]
    inspections: list[InspectionOut]
    disinfections: list[DisinfectionOut]
