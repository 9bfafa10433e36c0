"""A daily report form for the small world of tests/conftest.py, filed by villages before 18:00."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bastion.core.models import OrgUnit
from bastion.reporting.models import ReportForm
from bastion.reporting.services.forms import indicator_add, reportform_create
from tests.conftest import World

LOCAL = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 2, 3)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    """A moment of ``day`` in local time."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LOCAL)


def daily_form(owner: OrgUnit, *, levels: tuple[str, ...] = ("village",), code: str = "daily") -> ReportForm:
    form = reportform_create(
        by=None,
        owner_unit=owner,
        code=code,
        names={"zh-hans": "疫情防控日报告", "en": "Daily epidemic report"},
        period=ReportForm.Period.DAILY,
        deadline=dt.time(18, 0),
        levels=list(levels),
    )
    indicator_add(
        by=None,
        form=form,
        code="returnees",
        value_type="integer",
        required=True,
        min_value=0,
        max_value=10000,
        names={"zh-hans": "新增返乡人员", "en": "New returnees"},
        sort_order=1,
    )
    indicator_add(
        by=None,
        form=form,
        code="fever",
        value_type="integer",
        min_value=0,
        max_value=1000,
        names={"zh-hans": "发热人员", "en": "People with fever"},
        sort_order=2,
    )
    indicator_add(
        by=None,
        form=form,
        code="masks",
        value_type="integer",
        min_value=0,
        names={"zh-hans": "发放口罩", "en": "Masks handed out"},
        sort_order=3,
    )
    indicator_add(
        by=None,
        form=form,
        code="clinics",
        value_type="integer",
        source="core.medical_institutions",
        names={"zh-hans": "卫生室", "en": "Clinics"},
        sort_order=4,
    )
    indicator_add(
        by=None, form=form, code="remarks", value_type="text", names={"zh-hans": "备注", "en": "Remarks"}, sort_order=5
    )
    return form


@pytest.fixture
def form(world: World) -> ReportForm:
    return daily_form(world.county)
