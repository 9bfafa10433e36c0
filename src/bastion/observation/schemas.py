"""Output schemas of the observation API: a person by name and address only, never a number."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Field, Schema

from bastion.core.models import User
from bastion.observation.models import HealthCheck, Referral
from bastion.observation.selectors import cases as selectors


def user_name(user: User | None) -> str:
    return str(user) if user is not None else ""


class CaseOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(alias="person.name")
    address: str = Field(alias="person.address")
    unit_id: int = Field(alias="org_unit_id")
    unit_name: str = Field(alias="org_unit.display_name")
    reason: str = Field(alias="reason.code")
    place: str
    site_id: int | None
    site_name: str | None = Field(None, alias="site.name")
    room: str
    start_date: dt.date
    planned_end: dt.date
    days: int
    day: int = Field(alias="day_number", description="day 1 is the start date")
    status: str
    ending: bool = Field(alias="is_due_to_end", description="active and at or past its planned end")
    ended_at: dt.datetime | None
    cadre_id: int | None
    doctor_id: int | None


class SlotOut(Schema):
    time: str = Field(description="scheduled time of day, HH:MM local")
    at: dt.datetime
    state: str = Field(description="done, missed, due or upcoming")


class CheckOut(Schema):
    id: int
    case_id: int
    taken_at: dt.datetime
    temperature: Decimal
    symptoms: list[str]
    self_reported: bool
    out_of_range: bool
    raised_alert: bool
    alert_id: int | None
    note: str
    taken_by: str

    @staticmethod
    def resolve_symptoms(obj: Any) -> list[str]:
        return [s.code for s in obj.symptoms.all()]

    @staticmethod
    def resolve_taken_by(obj: Any) -> str:
        return user_name(obj.taken_by)


class EventOut(Schema):
    kind: str
    at: dt.datetime
    by: str
    text: str
    from_unit_id: int | None

    @staticmethod
    def resolve_by(obj: Any) -> str:
        return user_name(obj.by)


class ReferralOut(Schema):
    id: int
    case_id: int
    hospital_id: int
    hospital_name: str = Field(alias="hospital.name")
    transport: str
    handover: str
    referred_at: dt.datetime
    acknowledged_at: dt.datetime | None
    received_by: str


class CaseDetailOut(CaseOut):
    check_times: list[str] = Field(alias="times")
    cadre_name: str
    doctor_name: str
    release_note: str
    schedule: list[SlotOut]
    checks: list[CheckOut]
    events: list[EventOut]
    referral: ReferralOut | None

    @staticmethod
    def resolve_cadre_name(obj: Any) -> str:
        return user_name(obj.cadre)

    @staticmethod
    def resolve_doctor_name(obj: Any) -> str:
        return user_name(obj.doctor)

    @staticmethod
    def resolve_schedule(obj: Any) -> list[dict[str, Any]]:
        return [
            {"time": f"{timezone.localtime(slot.at):%H:%M}", "at": slot.at, "state": state}
            for slot, state in selectors.case_schedule(obj)
        ]

    @staticmethod
    def resolve_checks(obj: Any) -> list[HealthCheck]:
        return list(selectors.case_checks(obj))

    @staticmethod
    def resolve_events(obj: Any) -> list[Any]:
        return list(selectors.case_events(obj))

    @staticmethod
    def resolve_referral(obj: Any) -> Referral | None:
        return selectors.case_referral(obj)
