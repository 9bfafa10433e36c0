"""The demo county's daily report: the form, yesterday's reports, part of today's, one immediate report."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bastion.core.models import OrgUnit
from bastion.reporting.models import ImmediateReport, IncidentCategory, Report, ReportForm
from bastion.reporting.services.common import deadline_at, local_today
from bastion.reporting.services.filing import report_submit
from bastion.reporting.services.forms import incident_category_create, indicator_add, reportform_create
from bastion.reporting.services.immediate import immediate_report_file

INDICATORS = [
    ("returnees", "新增返乡人员", "New returnees", "integer", True, None),
    ("visited", "当日入户排查人数", "People visited door to door", "integer", True, None),
    ("fever", "发现发热人员", "People found with fever", "integer", True, None),
    ("home_observation", "居家观察人数", "People under home observation", "integer", False, None),
    ("masks", "发放口罩（个）", "Masks handed out", "integer", False, None),
    ("clinics", "卫生室（个）", "Clinics", "integer", False, "core.medical_institutions"),
    ("remarks", "其他情况", "Other matters", "text", False, None),
]


def demo_daily_form(county: OrgUnit) -> ReportForm:
    form = ReportForm.objects.filter(code="daily").first()
    if form is not None:
        return form
    form = reportform_create(
        by=None,
        owner_unit=county,
        code="daily",
        names={"zh-hans": "疫情防控日报告", "en": "Daily epidemic report"},
        period=ReportForm.Period.DAILY,
        deadline=dt.time(18, 0),
        levels=[OrgUnit.Kind.VILLAGE, OrgUnit.Kind.COMMUNITY],
    )
    for order, (code, zh, en, value_type, required, source) in enumerate(INDICATORS, start=1):
        indicator_add(
            by=None,
            form=form,
            code=code,
            value_type=value_type,
            required=required,
            min_value=0 if value_type == "integer" else None,
            names={"zh-hans": zh, "en": en},
            source=source or "",
            sort_order=order,
        )
    return form


def _file_day(form: ReportForm, units: list[OrgUnit], day: dt.date, now: dt.datetime, share: float) -> None:
    deadline = deadline_at(form, day)
    for index, unit in enumerate(units[: int(len(units) * share)]):
        if index % 11 == 10:
            continue  # silence: these units never file
        at = min(now, deadline - dt.timedelta(minutes=300 - index * 4))
        if index % 9 == 4:
            at = deadline + dt.timedelta(minutes=20 + index)  # late
            if at > now:
                continue
        if index % 5 == 2:
            report_submit(by=None, form=form, org_unit=unit, period=day, is_zero=True, now=at)
            continue
        values = {
            "returnees": index % 4,
            "visited": 20 + (index * 7) % 60,
            "fever": 1 if index % 17 == 3 else 0,
            "home_observation": index % 6,
            "masks": 100 + (index * 13) % 200,
        }
        report_submit(by=None, form=form, org_unit=unit, period=day, values=values, now=at)


def demo_reporting(county: OrgUnit) -> None:
    """Yesterday filed by most villages (some zero, some late, a few silent), today by some; idempotent."""
    form = demo_daily_form(county)
    units = list(
        OrgUnit.objects.filter(path__startswith=county.path, kind__in=form.levels, is_active=True).order_by("path")
    )
    now = timezone.now()
    today = local_today(now)
    yesterday = today - dt.timedelta(days=1)
    if not Report.objects.filter(form=form, period=yesterday).exists():
        _file_day(form, units, yesterday, now, share=1.0)
    if not Report.objects.filter(form=form, period=today).exists():
        _file_day(form, units, today, now, share=0.5)
    if not ImmediateReport.objects.exists() and units:
        immediate_report_file(
            by=None,
            org_unit=units[3],
            category=IncidentCategory.objects.filter(code="suspected_case").first()
            or incident_category_create(by=None, code="suspected_case", names={"zh-hans": "疑似病例或发热"}),
            description="入户排查发现一名返乡人员体温37.8℃，已居家隔离，等待乡镇卫生院上门复核。",
            now=now - dt.timedelta(minutes=10),
        )
