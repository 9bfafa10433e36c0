"""Schemas of the outreach activity and gathering API: what goes in and what comes out, never all fields."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from bastion.outreach.models import Gathering


class ActivityOut(Schema):
    id: int
    unit_id: int = Field(alias="org_unit_id")
    unit_name: str = Field(alias="org_unit.display_name")
    on: dt.date
    channel: str = Field(alias="channel.code")
    target_group: str | None = Field(None, alias="target_group.code")
    times: int
    reach: int = Field(description="person-times")
    materials: str
    notice_id: int | None
    note: str


class ActivityFilters(Schema):
    unit: int | None = Field(None, description="org unit id: the unit and every unit below it")
    channel: str = Field("", description="channel code")
    target_group: str = Field("", description="target group code")
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    q: str = ""


class PeriodQuery(Schema):
    unit: int | None = Field(None, description="org unit id; default: the top of your scope")
    date_from: dt.date | None = Field(None, alias="from", description="default: six days before to")
    date_to: dt.date | None = Field(None, alias="to", description="default: today")


class GatheringFilters(Schema):
    unit: int | None = Field(None, description="org unit id: the unit and every unit below it")
    kind: str = ""
    outcome: str = ""
    date_from: dt.date | None = Field(None, alias="from", description="planned from")
    date_to: dt.date | None = Field(None, alias="to", description="planned until")


class ActivityIn(Schema):
    unit_id: int
    on: dt.date
    channel: str = Field(description="channel code, for example loudspeaker")
    reach: int = Field(description="person-times reached")
    times: int = 1
    target_group: str | None = Field(None, description="target group code, for example shop_owners")
    materials: str = ""
    notice_id: int | None = None
    note: str = ""


class TotalLine(Schema):
    code: str | None = Field(None, description="the channel's or target group's code; null: none named")
    reach: int
    times: int
    activities: int


class UnitLine(Schema):
    unit_id: int | None = Field(None, description="the child unit; null: the unit's own activities")
    unit_name: str
    reach: int
    times: int
    activities: int


class TotalsOut(Schema):
    unit_id: int
    first: dt.date
    last: dt.date
    reach: int
    activities: int
    by_channel: list[TotalLine]
    by_target_group: list[TotalLine]
    by_unit: list[UnitLine]


class GatheringOut(Schema):
    """In lists: the family masked."""

    id: int
    unit_id: int = Field(alias="org_unit_id")
    unit_name: str = Field(alias="org_unit.display_name")
    kind: str
    family: str = Field(alias="masked_family")
    planned_on: dt.date
    expected_size: int
    outcome: str
    actual_size: int | None


class GatheringDetailOut(GatheringOut):
    """One gathering: the family in full, the phone masked, the guidance and how it went."""

    family: str
    phone: str = Field(alias="masked_phone")
    guidance: str
    outcome_note: str


class GatheringIn(Schema):
    unit_id: int
    kind: str = Field(description="wedding, funeral or other")
    family: str
    phone: str = ""
    planned_on: dt.date
    expected_size: int
    guidance: str = ""


class OutcomeIn(Schema):
    outcome: str = Field(description=", ".join(v for v in Gathering.Outcome.values if v != Gathering.Outcome.PLANNED))
    actual_size: int | None = Field(None, description="how many came; none when postponed or cancelled")
    outcome_note: str = ""
