"""The reporting API: forms, filing (with Idempotency-Key), completeness, roll-up, immediate reports."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.params.functions import Header as header_param

from bastion.core import selectors as core_selectors
from bastion.core.api import require_perm
from bastion.core.models import User
from bastion.reporting import selectors
from bastion.reporting.models import ImmediateReport, Report
from bastion.reporting.services import immediate as immediate_services
from bastion.reporting.services.common import local_today
from bastion.reporting.services.filing import report_submit

router = Router(tags=["reporting"])
# A client that retries sends the same key and gets the first record back.
IdempotencyKey = Annotated[uuid.UUID | None, header_param(None, alias="Idempotency-Key")]


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    value_type: str
    required: bool
    min_value: Decimal | None
    max_value: Decimal | None
    source: str
    added_in: int
    retired_in: int | None


class ReportFormOut(Schema):
    id: int
    code: str
    name: str
    period: str
    deadline: dt.time
    levels: list[str]
    version: int
    is_active: bool
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_indicators(obj: Any) -> list[Any]:
        return list(obj.indicators.all())


class ReportIn(Schema):
    form_id: int
    unit_id: int
    period: dt.date
    values: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    is_zero: bool = False
    note: str = ""
    edit_reason: str = ""


class ReportOut(Schema):
    id: int
    form_id: int
    unit_id: int = Field(alias="org_unit_id")
    period: dt.date
    form_version: int
    status: str
    submitted_at: dt.datetime
    values: dict[str, str]

    @staticmethod
    def resolve_values(obj: Report) -> dict[str, str]:
        return {
            v.indicator.code: v.text if v.number is None else f"{v.number.normalize():f}"
            for v in obj.values.select_related("indicator")
        }


class CompletenessOut(Schema):
    unit_id: int | None
    unit_name: str
    expected: int
    on_time: int
    late: int
    zero: int
    missing: int
    completeness: float | None
    timeliness: float | None


class RangeQuery(Schema):
    unit: int | None = Field(None, description="org unit id; default: your first scope unit")
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")


class ImmediateIn(Schema):
    unit_id: int
    category: str
    severity: str = ImmediateReport.Severity.SERIOUS
    description: str
    occurred_at: dt.datetime | None = None
    persons_involved: str = ""


class ImmediateOut(Schema):
    id: int
    unit_id: int = Field(alias="org_unit_id")
    category: str = Field(alias="category.code")
    severity: str
    state: str
    description: str
    waiting_unit_id: int
    escalations: int
    filed_at: dt.datetime
    acknowledged_at: dt.datetime | None
    closed_at: dt.datetime | None
    outcome: str


class CloseIn(Schema):
    outcome: str


@router.get("/report-forms", response=list[ReportFormOut])
def list_report_forms(request: HttpRequest) -> list[Any]:
    user = require_perm(request, "reporting.view_reportform")
    return list(selectors.forms_for_user(user).prefetch_related("indicators"))


@router.post("/reports", response={200: ReportOut, 201: ReportOut})
def file_report(request: HttpRequest, payload: ReportIn, idempotency_key: IdempotencyKey = None) -> Status[Any]:
    """File or change a report; send an ``Idempotency-Key`` header so that a retry returns the first report."""
    user = require_perm(request, "reporting.add_report")
    form = selectors.form_get_for_user(user, payload.form_id)
    unit = core_selectors.orgunit_get_for_user(user, payload.unit_id)
    existed = selectors.report_of(form, unit, form.period_start(payload.period)) is not None
    report = report_submit(
        by=user,
        form=form,
        org_unit=unit,
        period=payload.period,
        values=payload.values,
        is_zero=payload.is_zero,
        note=payload.note,
        edit_reason=payload.edit_reason,
        idempotency_key=idempotency_key,
    )
    return Status(200 if existed else 201, report)


def _range(user: User, query: RangeQuery) -> tuple[Any, dt.date, dt.date]:
    unit = (
        core_selectors.orgunit_get_for_user(user, query.unit)
        if query.unit
        else core_selectors.orgunit_roots_for_user(user).first()
    )
    if unit is None:
        raise Http404("no scope")
    last = query.date_to or query.date_from or local_today()
    first = query.date_from or last
    if last < first:
        raise ValidationError({"to": _("The end date lies before the start date.")})
    if (last - first).days > 366:
        raise ValidationError({"from": _("At most a year at a time.")})
    return unit, first, last


@router.get("/report-forms/{form_id}/completeness", response=list[CompletenessOut])
def form_completeness(request: HttpRequest, form_id: int, query: Query[RangeQuery]) -> list[dict[str, Any]]:
    """Completeness and timeliness for each unit directly below ``unit``, and the total (unit_id null)."""
    user = require_perm(request, "reporting.view_report")
    form = selectors.form_get_for_user(user, form_id)
    unit, first, last = _range(user, query)
    rows, total = selectors.completeness_by_child(form, unit, first, last)
    return [
        {
            "unit_id": row.unit.pk if row is not total and row.unit else None,
            "unit_name": row.unit.display_name if row.unit else "",
            "expected": row.expected,
            "on_time": row.on_time,
            "late": row.late,
            "zero": row.zero,
            "missing": row.missing,
            "completeness": row.completeness,
            "timeliness": row.timeliness,
        }
        for row in [*rows, total]
    ]


class RollupOut(Schema):
    unit_id: int
    unit_name: str
    kind: str
    values: dict[str, Decimal]


@router.get("/report-forms/{form_id}/rollup", response=list[RollupOut])
def form_rollup(request: HttpRequest, form_id: int, query: Query[RangeQuery]) -> list[dict[str, Any]]:
    """Totals of every numeric indicator by unit, subtotal per parent, and the grand total."""
    user = require_perm(request, "reporting.view_report")
    form = selectors.form_get_for_user(user, form_id)
    unit, first, last = _range(user, query)
    table = selectors.rollup(form, unit, first, last)
    codes = {i.pk: i.code for i in table.indicators}
    return [
        {
            "unit_id": row.unit.pk,
            "unit_name": row.unit.display_name,
            "kind": row.kind,
            "values": {codes[k]: v for k, v in row.values.items() if k in codes},
        }
        for row in [*table.rows, table.total]
    ]


@router.get("/immediate-reports", response=list[ImmediateOut])
@paginate(PageNumberPagination, page_size=50)
def list_immediate_reports(request: HttpRequest, state: str = "", category: str = ""):  # type: ignore[no-untyped-def]
    user = require_perm(request, "reporting.view_immediatereport")
    return selectors.immediate_reports_for_user(user, state=state, category=category)


@router.post("/immediate-reports", response={201: ImmediateOut})
def file_immediate_report(
    request: HttpRequest,
    payload: ImmediateIn,
    idempotency_key: IdempotencyKey = None,
) -> Status[Any]:
    user = require_perm(request, "reporting.add_immediatereport")
    unit = core_selectors.orgunit_get_for_user(user, payload.unit_id)
    category = immediate_services.category_by_code(payload.category)
    report = immediate_services.immediate_report_file(
        by=user,
        org_unit=unit,
        category=category,
        severity=payload.severity,
        description=payload.description,
        occurred_at=payload.occurred_at,
        persons_involved=payload.persons_involved,
        idempotency_key=idempotency_key,
    )
    return Status(201, report)


@router.get("/immediate-reports/{immediate_id}", response=ImmediateOut)
def get_immediate_report(request: HttpRequest, immediate_id: int) -> ImmediateReport:
    return selectors.immediate_get_for_user(require_perm(request, "reporting.view_immediatereport"), immediate_id)


@router.post("/immediate-reports/{immediate_id}/acknowledge", response=ImmediateOut)
def acknowledge_immediate_report(request: HttpRequest, immediate_id: int) -> ImmediateReport:
    user = require_perm(request, "reporting.change_immediatereport")
    report = selectors.immediate_get_for_user(user, immediate_id)
    return immediate_services.immediate_report_acknowledge(by=user, report=report)


@router.post("/immediate-reports/{immediate_id}/close", response=ImmediateOut)
def close_immediate_report(request: HttpRequest, immediate_id: int, payload: CloseIn) -> ImmediateReport:
    user = require_perm(request, "reporting.change_immediatereport")
    report = selectors.immediate_get_for_user(user, immediate_id)
    return immediate_services.immediate_report_close(by=user, report=report, outcome=payload.outcome)
