"""Filing the daily report: figures, zero reports, bounds, deadlines, retries."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bastion.core.models import AuditEvent
from bastion.reporting.models import Report, ReportValue, Status
from bastion.reporting.services.filing import report_submit
from tests import factories
from tests.conftest import World
from tests.reporting.conftest import DAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre_a(world: World):
    return factories.account("village_cadre", world.village_a, username="erin")


def test_a_village_files_its_figures_on_time(world: World, form, cadre_a) -> None:
    report = report_submit(
        by=cadre_a,
        form=form,
        org_unit=world.village_a,
        period=DAY,
        values={"returnees": "3", "fever": "0", "masks": "200", "remarks": "一切正常"},
        now=at(17, 30),
    )
    assert report.status == Status.ON_TIME
    stored = {v.indicator.code: (v.number, v.text) for v in ReportValue.objects.select_related("indicator")}
    assert stored["returnees"][0] == 3
    assert stored["remarks"][1] == "一切正常"
    assert stored["clinics"][0] == 1  # filled in from the institutions register: 水磨沟村卫生室
    assert AuditEvent.objects.filter(action="report.file", object_id=str(report.pk)).exists()


def test_a_zero_report_is_one_tap_and_not_a_missing_report(world: World, form, cadre_a) -> None:
    report = report_submit(by=cadre_a, form=form, org_unit=world.village_a, period=DAY, is_zero=True, now=at(9))
    assert report.status == Status.ZERO
    assert not report.values.exists()


def test_a_value_out_of_bounds_is_refused_with_its_field(world: World, form, cadre_a) -> None:
    with pytest.raises(ValidationError) as caught:
        report_submit(
            by=cadre_a, form=form, org_unit=world.village_a, period=DAY, values={"returnees": "-1"}, now=at(9)
        )
    assert "returnees" in caught.value.message_dict
    assert not Report.objects.exists()


def test_a_report_for_a_day_to_come_is_refused(world: World, form, cadre_a) -> None:
    with pytest.raises(ValidationError) as caught:
        report_submit(
            by=cadre_a,
            form=form,
            org_unit=world.village_a,
            period=DAY,
            values={"returnees": 1},
            now=at(9, day=DAY.replace(day=2)),
        )
    assert "period" in caught.value.message_dict


def test_a_retry_with_the_same_key_returns_the_first_report(world: World, form, cadre_a) -> None:
    key = uuid.uuid4()
    first = report_submit(
        by=cadre_a,
        form=form,
        org_unit=world.village_a,
        period=DAY,
        values={"returnees": 2},
        idempotency_key=key,
        now=at(9),
    )
    again = report_submit(
        by=cadre_a,
        form=form,
        org_unit=world.village_a,
        period=DAY,
        values={"returnees": 2},
        idempotency_key=key,
        now=at(9, 1),
    )
    assert again.pk == first.pk
    assert Report.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.file").count() == 1


def test_a_village_of_another_township_is_refused(world: World, form, cadre_a) -> None:
    with pytest.raises(PermissionDenied):
        report_submit(by=cadre_a, form=form, org_unit=world.village_b, period=DAY, values={"returnees": 1}, now=at(9))
    assert not Report.objects.exists()


def test_after_the_deadline_a_change_needs_the_permission_and_a_reason(
    world: World, form, cadre_a, township_cadre
) -> None:
    report_submit(by=cadre_a, form=form, org_unit=world.village_a, period=DAY, values={"returnees": 2}, now=at(17))
    with pytest.raises(PermissionDenied):
        report_submit(by=cadre_a, form=form, org_unit=world.village_a, period=DAY, values={"returnees": 5}, now=at(19))
    with pytest.raises(ValidationError) as caught:
        report_submit(
            by=township_cadre, form=form, org_unit=world.village_a, period=DAY, values={"returnees": 5}, now=at(19)
        )
    assert "edit_reason" in caught.value.message_dict
    report = report_submit(
        by=township_cadre,
        form=form,
        org_unit=world.village_a,
        period=DAY,
        values={"returnees": 5},
        edit_reason="村里电话补报",
        now=at(19),
    )
    assert report.values.get(indicator__code="returnees").number == 5
    assert report.status == Status.ON_TIME  # filed on time; the late change is in the audit log
    event = AuditEvent.objects.get(action="report.edit")
    assert event.summary["reason"] == "村里电话补报"
    assert event.summary["changes"]["returnees"] == ["2", "5"]


def test_a_figure_that_differs_from_what_the_system_knows_needs_a_reason(world: World, form, cadre_a) -> None:
    with pytest.raises(ValidationError) as caught:
        report_submit(
            by=cadre_a,
            form=form,
            org_unit=world.village_a,
            period=DAY,
            values={"returnees": 1, "clinics": 2},
            now=at(9),
        )
    assert "clinics__reason" in caught.value.message_dict
    report = report_submit(
        by=cadre_a,
        form=form,
        org_unit=world.village_a,
        period=DAY,
        values={"returnees": 1, "clinics": 2, "clinics__reason": "新设临时卫生点"},
        now=at(9),
    )
    value = report.values.get(indicator__code="clinics")
    assert (value.number, value.source_value, value.override_reason) == (2, 1, "新设临时卫生点")
