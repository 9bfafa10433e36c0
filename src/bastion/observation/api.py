"""The observation API: cases (open, follow, extend, release, refer, transfer), health checks (with
Idempotency-Key), the day's checks, the overview, open alerts, referrals on the hospital side, sites.

Persons appear by name and address only; ID and phone numbers never leave through this API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from bastion.core import selectors as core_selectors
from bastion.core.api import errors_named_as_sent, require_perm, unit_asked
from bastion.core.models import OrgUnit, User
from bastion.core.models.orgunits import PATH_STEP
from bastion.core.scope import unit_in_scope
from bastion.observation.models import ObservationCase, ObservationReason, Referral
from bastion.observation.schemas import CaseDetailOut, CaseOut, CheckOut, ReferralOut
from bastion.observation.selectors import cases as selectors
from bastion.observation.services import cases as case_services
from bastion.observation.services.checks import check_record
from bastion.reporting.api import IdempotencyKey
from bastion.residents import selectors as resident_selectors
from bastion.residents.models import Symptom

router = Router(tags=["observation"])

# Services name the model field (site); the client sent site_id, so the 422 names what was sent.
SENT_AS = {name: f"{name}_id" for name in ("person", "site", "cadre", "doctor", "hospital", "to_unit")}


@router.get("/observation/cases", response=list[CaseOut])
@paginate(PageNumberPagination, page_size=50)
def list_cases(request: HttpRequest, unit: int | None = None, status: str = "", reason: str = "", q: str = ""):  # type: ignore[no-untyped-def]
    """Cases in scope below ``unit``, by name or pinyin initials ``q``, ``reason`` code and ``status``:
    active, released, referred, transferred, or ending (active and at or past the planned end)."""
    user = require_perm(request, "observation.view_observationcase")
    if resident_selectors.is_personal_number(q):
        raise ValidationError({"q": [_("Search by name or pinyin initials; numbers never go in the address.")]})
    return selectors.cases_for_user(user, unit=unit_asked(user, unit), status=status, reason=reason, q=q)


class CaseIn(Schema):
    person_id: int
    reason: str = Field(description="reason code")
    start_date: dt.date | None = Field(None, description="default: today")
    days: int | None = Field(None, description="default: the reason's period")
    place: str = ObservationCase.Place.HOME
    site_id: int | None = None
    room: str = ""
    cadre_id: int | None = None
    doctor_id: int | None = None
    check_times: list[str] | None = Field(None, description='e.g. ["08:00", "20:00"]; default: twice a day')


def _staff(field: str, user_id: int | None, unit: OrgUnit) -> User | None:
    """Someone who works for the person's unit; any other id is refused the same way, naming nobody."""
    if user_id is None:
        return None
    staff = User.objects.filter(pk=user_id, is_active=True).first()
    if staff is None or not unit_in_scope(staff, unit):
        raise ValidationError({field: _("Choose someone who works for %(unit)s.") % {"unit": unit.display_name}})
    return staff


@router.post("/observation/cases", response={201: CaseOut})
def open_case(request: HttpRequest, payload: CaseIn) -> Status[Any]:
    user = require_perm(request, "observation.add_observationcase")
    person = resident_selectors.person_get_for_user(user, payload.person_id)
    reason = ObservationReason.objects.filter(code=payload.reason).first()
    if reason is None:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    site = selectors.site_get_for_user(user, payload.site_id) if payload.site_id else None
    with errors_named_as_sent(SENT_AS):
        case = case_services.case_open(
            by=user,
            person=person,
            reason=reason,
            site=site,
            cadre=_staff("cadre_id", payload.cadre_id, person.org_unit),
            doctor=_staff("doctor_id", payload.doctor_id, person.org_unit),
            **payload.dict(include={"start_date", "days", "place", "room", "check_times"}),
        )
    return Status(201, case)


@router.get("/observation/cases/{case_id}", response=CaseDetailOut)
def get_case(request: HttpRequest, case_id: int) -> ObservationCase:
    """The case with its whole schedule (each slot's time and state), its checks, timeline and referral."""
    return selectors.case_get_for_user(require_perm(request, "observation.view_observationcase"), case_id)


class CheckIn(Schema):
    temperature: Decimal | None = Field(None, decimal_places=1, description="°C")
    symptoms: list[str] = Field(default_factory=list, description="symptom codes")
    taken_at: dt.datetime | None = Field(None, description="default: now")
    self_reported: bool = False
    note: str = ""


@router.post("/observation/cases/{case_id}/checks", response={201: CheckOut})
def record_check(
    request: HttpRequest, case_id: int, payload: CheckIn, idempotency_key: IdempotencyKey = None
) -> Status[Any]:
    """Record a check; send an ``Idempotency-Key`` header so that a retry returns the first check.
    A temperature from 37.3 °C or any symptom raises an alert (an immediate report)."""
    user = require_perm(request, "observation.add_healthcheck")
    case = selectors.case_get_for_user(user, case_id)
    symptoms = list(Symptom.objects.filter(code__in=payload.symptoms))
    unknown = set(payload.symptoms) - {s.code for s in symptoms}
    if unknown:
        raise ValidationError(
            {"symptoms": _("Not on the checklist: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}}
        )
    taken_at = payload.taken_at
    if taken_at is not None and timezone.is_naive(taken_at):
        taken_at = timezone.make_aware(taken_at)
    check = check_record(
        by=user,
        case=case,
        symptoms=symptoms,
        taken_at=taken_at,
        idempotency_key=idempotency_key,
        **payload.dict(include={"temperature", "self_reported", "note"}),
    )
    return Status(201, check)


class ExtendIn(Schema):
    new_end: dt.date
    reason: str


@router.post("/observation/cases/{case_id}/extend", response=CaseOut)
def extend_case(request: HttpRequest, case_id: int, payload: ExtendIn) -> ObservationCase:
    user = require_perm(request, "observation.release_observationcase")
    case = selectors.case_get_for_user(user, case_id)
    return case_services.case_extend(by=user, case=case, new_end=payload.new_end, reason=payload.reason)


class ReleaseIn(Schema):
    note: str = Field(description="the person's condition at the end, printed on the release paper")


@router.post("/observation/cases/{case_id}/release", response=CaseOut)
def release_case(request: HttpRequest, case_id: int, payload: ReleaseIn) -> ObservationCase:
    """Release on or after the planned end; before it, the answer is 422."""
    user = require_perm(request, "observation.release_observationcase")
    case = selectors.case_get_for_user(user, case_id)
    return case_services.case_release(by=user, case=case, note=payload.note)


class ReferIn(Schema):
    hospital_id: int = Field(description="a designated hospital")
    transport: str = Field(description=", ".join(Referral.Transport.values))
    handover: str


@router.post("/observation/cases/{case_id}/refer", response={201: ReferralOut})
def refer_case(request: HttpRequest, case_id: int, payload: ReferIn) -> Status[Any]:
    """Hand the person over to a designated hospital; the case ends here."""
    user = require_perm(request, "observation.add_referral")
    case = selectors.case_get_for_user(user, case_id)
    # Designated hospitals serve the whole county, so they are chosen outside the user's scope.
    hospital = next((h for h in case_services.designated_hospitals() if h.pk == payload.hospital_id), None)
    if hospital is None:
        raise ValidationError({"hospital_id": _("Choose one of the designated hospitals.")})
    with errors_named_as_sent(SENT_AS):
        referral = case_services.case_refer(
            by=user, case=case, hospital=hospital, transport=payload.transport, handover=payload.handover
        )
    return Status(201, referral)


class TransferIn(Schema):
    to_unit_id: int | None = Field(None, description="the unit taking over")
    outside: str = Field("", description="where the person went, when outside the county: ends the case here")
    reason: str


@router.post("/observation/cases/{case_id}/transfer", response=CaseOut)
def transfer_case(request: HttpRequest, case_id: int, payload: TransferIn) -> ObservationCase:
    """Hand the case to another unit of the same tree (the person moved), or end it for a place outside."""
    user = require_perm(request, "observation.release_observationcase")
    case = selectors.case_get_for_user(user, case_id)
    to_unit = None
    if payload.to_unit_id:
        # The person may move anywhere in the county, so the receiving unit need not be in the sender's scope.
        root = case.org_unit.path[:PATH_STEP]
        to_unit = OrgUnit.objects.filter(pk=payload.to_unit_id, path__startswith=root).first()
        if to_unit is None:
            raise Http404("unit not found")
    with errors_named_as_sent(SENT_AS):
        return case_services.case_transfer(
            by=user, case=case, reason=payload.reason, to_unit=to_unit, outside=payload.outside
        )


class TodaySlotOut(Schema):
    time: str
    state: str


class TodayOut(Schema):
    case_id: int
    person_name: str
    address: str
    unit_id: int
    unit_name: str
    day: int
    planned_end: dt.date
    slots: list[TodaySlotOut]
    done: int
    due: int
    missed: int
    alert_open: bool


class _TodayRows:
    """The day's rows, all ranked; the case and person behind a row are loaded for the page asked for only."""

    def __init__(self, rows: list[selectors.DayStates]) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        rows = self.rows[page]
        cases = selectors.cases_by_pk([row.pk for row in rows])
        return [
            {
                "case_id": row.pk,
                "person_name": case.person.name,
                "address": case.person.address,
                "unit_id": case.org_unit_id,
                "unit_name": case.org_unit.display_name,
                "day": case.day_number,
                "planned_end": case.planned_end,
                "slots": [{"time": time, "state": state} for time, state in row.slots],
                "done": row.done,
                "due": row.due,
                "missed": row.missed,
                "alert_open": row.alert_open,
            }
            for row in rows
            if (case := cases.get(row.pk)) is not None
        ]


@router.get("/observation/today", response=list[TodayOut])
@paginate(PageNumberPagination, page_size=50)
def today(request: HttpRequest, unit: int | None = None):  # type: ignore[no-untyped-def]
    """Today's checks of every active case in scope: missed or alerting first, then due, then the rest."""
    user = require_perm(request, "observation.view_observationcase")
    return _TodayRows(selectors.day_states(user, unit_asked(user, unit)))


class FiguresOut(Schema):
    unit_id: int | None
    unit_name: str
    active: int
    starting: int
    ending: int
    slots: int
    missed: int
    alerts_open: int
    referrals: int
    deliveries_pending: int
    overdue_cases: list[int]


@router.get("/observation/overview", response=list[FiguresOut])
def overview(request: HttpRequest, unit: int | None = None) -> list[dict[str, Any]]:
    """The day's figures for each unit right below ``unit`` (default: your first scope unit), and the total
    as the last row (unit_id null)."""
    user = require_perm(request, "observation.view_observationcase")
    area = unit_asked(user, unit) or core_selectors.orgunit_roots_for_user(user).first()
    if area is None:
        raise Http404("no scope")
    total, below = selectors.overview(user, area)
    return [
        {f.name: getattr(row, f.name) for f in fields(row)}
        | {"unit_id": None if row is total else row.unit.pk, "unit_name": row.unit.display_name}
        for row in [*below, total]
    ]


class AlertOut(Schema):
    check_id: int = Field(alias="id")
    case_id: int
    person_name: str = Field(alias="case.person.name")
    unit_id: int = Field(alias="org_unit_id")
    unit_name: str = Field(alias="org_unit.display_name")
    taken_at: dt.datetime
    temperature: Decimal
    symptoms: list[str]
    alert_id: int
    alert_state: str = Field(alias="alert.state")
    waiting_unit_name: str = Field(alias="alert.waiting_unit.display_name")

    @staticmethod
    def resolve_symptoms(obj: Any) -> list[str]:
        return [s.code for s in obj.symptoms.all()]


@router.get("/observation/alerts", response=list[AlertOut])
@paginate(PageNumberPagination, page_size=50)
def list_alerts(request: HttpRequest, unit: int | None = None):  # type: ignore[no-untyped-def]
    """Open alerts, newest first: the check that raised each one."""
    user = require_perm(request, "observation.view_healthcheck")
    return selectors.open_alerts(user, unit_asked(user, unit)).prefetch_related("symptoms")


class ReferralListOut(ReferralOut):
    person_name: str = Field(alias="case.person.name")
    from_unit_name: str = Field(alias="case.org_unit.display_name")


@router.get("/observation/referrals", response=list[ReferralListOut])
@paginate(PageNumberPagination, page_size=50)
def list_referrals(request: HttpRequest, pending: bool = False):  # type: ignore[no-untyped-def]
    """The hospital side: referrals to hospitals in your scope; ``pending=true`` keeps those not yet received."""
    user = require_perm(request, "observation.view_referral")
    referrals = selectors.referrals_for_hospital_staff(user)
    return referrals.filter(acknowledged_at__isnull=True) if pending else referrals


class AcknowledgeIn(Schema):
    received_by: str = Field(description="the doctor who received the person")


@router.post("/observation/referrals/{referral_id}/acknowledge", response=ReferralListOut)
def acknowledge_referral(request: HttpRequest, referral_id: int, payload: AcknowledgeIn) -> Referral:
    user = require_perm(request, "observation.change_referral")
    referral = get_object_or_404(selectors.referrals_for_hospital_staff(user), pk=referral_id)
    return case_services.referral_acknowledge(by=user, referral=referral, received_by=payload.received_by)


class SiteOut(Schema):
    id: int
    unit_id: int = Field(alias="org_unit_id")
    unit_name: str = Field(alias="org_unit.display_name")
    name: str
    address: str
    rooms: int
    capacity: int
    held: int = Field(description="persons under observation there now")
    is_active: bool


@router.get("/observation/sites", response=list[SiteOut])
@paginate(PageNumberPagination, page_size=100)
def list_sites(request: HttpRequest, unit: int | None = None):  # type: ignore[no-untyped-def]
    user = require_perm(request, "observation.view_isolationsite")
    return selectors.site_occupancy(selectors.sites_for_user(user, unit_asked(user, unit)))
