"""Excel for reports: the day's template, importing phone reports, the roll-up workbook."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils.translation import override
from openpyxl import Workbook, load_workbook

from bastion.core.imports import Refused
from bastion.core.models import AuditEvent, OrgUnit, User
from bastion.reporting.imports import check_report_rows, report_template, rollup_workbook
from bastion.reporting.imports.layout import EDIT_REASON
from bastion.reporting.models import Report, ReportForm, ReportValue
from bastion.reporting.selectors import rollup
from bastion.reporting.services.filing import report_submit
from bastion.reporting.services.imports import reports_import
from tests import factories
from tests.conftest import World
from tests.reporting.conftest import DAY, at, daily_form

pytestmark = pytest.mark.django_db

FIRST_UNIT_ROW = 4  # title, names, codes, then the units


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    with override("zh-hans"):
        yield


def filled(content: bytes, rows: dict[str, dict[str, Any]], *, extra: list[list[Any]] | None = None) -> bytes:
    """The template with cells set by unit name (column B) and column code (row 3), as a user would."""
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    assert sheet is not None
    codes = {sheet.cell(3, col).value: col for col in range(1, sheet.max_column + 1)}
    units = {sheet.cell(row, 2).value: row for row in range(FIRST_UNIT_ROW, sheet.max_row + 1)}
    for unit, values in rows.items():
        for code, value in values.items():
            sheet.cell(units[unit], codes[code]).value = value
    for row in extra or []:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def figures(unit: OrgUnit) -> dict[str, Any]:
    return {
        v.indicator.code: v.number if v.number is not None else v.text
        for v in ReportValue.objects.filter(org_unit=unit).select_related("indicator")
    }


def test_the_template_round_trip_files_the_day(world: World, form: ReportForm, county_admin: User) -> None:
    template = report_template(form, world.county, DAY)
    rows = sheet_rows(template)
    assert "疫情防控日报告" in rows[0][0] and "2026-02-03" in rows[0][0]
    assert rows[1][3:6] == ["新增返乡人员*", "发热人员", "发放口罩"]
    assert rows[2][:4] == ["division_code", "unit", "is_zero", "returnees"]
    assert [r[:2] for r in rows[3:]] == [["652328101200", "水磨沟村"], ["652328102200", "沈家沟村"]]
    upload = filled(
        template,
        {
            "水磨沟村": {"returnees": 3, "fever": 0, "masks": 200, "remarks": "电话报告"},
            "沈家沟村": {"is_zero": "是"},
        },
    )

    passed, errors = check_report_rows(upload, form=form, unit=world.county, period=DAY, by=county_admin, now=at(17))
    assert errors == []
    assert [(r.row, r.unit, r.is_zero) for r in passed] == [(4, world.village_a, False), (5, world.village_b, True)]
    assert not Report.objects.exists()  # checking never writes

    written = reports_import(by=county_admin, form=form, unit=world.county, period=DAY, rows=passed, now=at(17))
    assert written == 2
    assert figures(world.village_a) == {"returnees": 3, "fever": 0, "masks": 200, "clinics": 1, "remarks": "电话报告"}
    assert Report.objects.get(org_unit=world.village_b).is_zero
    event = AuditEvent.objects.get(action="report.import")
    assert event.summary == {"form": "daily", "period": "2026-02-03", "units": 2, "zero": 1, "changed": 0}

    again = report_template(form, world.county, DAY)
    assert sheet_rows(again)[3][2:6] == ["否", 3, 0, 200]
    assert sheet_rows(again)[4][2] == "是"
    factories.institution(world.village_a, "水磨沟村临时卫生点")  # the system now counts 2 clinics
    assert check_report_rows(again, form=form, unit=world.county, period=DAY, by=county_admin, now=at(17)) == ([], [])


def test_a_bad_value_names_the_row_and_the_indicator_and_nothing_is_written(
    world: World, form: ReportForm, county_admin: User
) -> None:
    upload = filled(report_template(form, world.county, DAY), {"水磨沟村": {"returnees": -1, "masks": "很多"}})

    passed, errors = check_report_rows(upload, form=form, unit=world.county, period=DAY, by=county_admin, now=at(9))

    assert passed == []  # 沈家沟村 has no figures: skipped, not an error
    assert [(e["row"], e["field"]) for e in errors] == [(4, "新增返乡人员"), (4, "发放口罩")]
    assert "0" in errors[0]["message"]
    assert not Report.objects.exists()


def test_the_valid_rows_are_written_when_the_user_confirms(world: World, form: ReportForm, county_admin: User) -> None:
    upload = filled(
        report_template(form, world.county, DAY),
        {"水磨沟村": {"returnees": "三"}, "沈家沟村": {"returnees": 2, "fever": 1}},
    )
    passed, errors = check_report_rows(upload, form=form, unit=world.county, period=DAY, by=county_admin, now=at(9))
    assert [(e["row"], e["field"]) for e in errors] == [(4, "新增返乡人员")]

    reports_import(by=county_admin, form=form, unit=world.county, period=DAY, rows=passed, now=at(9))

    assert list(Report.objects.values_list("org_unit", flat=True)) == [world.village_b.pk]
    assert figures(world.village_b)["fever"] == 1


def test_a_unit_on_two_rows_is_an_error_on_each(world: World, form: ReportForm, county_admin: User) -> None:
    upload = filled(
        report_template(form, world.county, DAY),
        {"水磨沟村": {"returnees": 3}, "沈家沟村": {"returnees": 1}},
        extra=[["", "水磨沟村", "", 4]],
    )
    passed, errors = check_report_rows(upload, form=form, unit=world.county, period=DAY, by=county_admin, now=at(9))
    assert [r.unit for r in passed] == [world.village_b]
    assert [e["row"] for e in errors] == [4, 6]
    assert all("水磨沟村" in e["message"] for e in errors)


def test_units_are_found_by_name_in_a_sheet_without_the_codes_row(
    world: World, form: ReportForm, township_cadre: User
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["单位", "新增返乡人员", "发热人员"])
    sheet.append(["水磨沟村", 2, 0])
    sheet.append(["沈家沟村", 1, 0])  # another township's village
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()

    passed, errors = check_report_rows(data, form=form, unit=world.township_a, period=DAY, by=township_cadre)

    assert [(r.row, r.unit, r.values) for r in passed] == [(2, world.village_a, {"returnees": "2", "fever": "0"})]
    assert [(e["row"], e["field"]) for e in errors] == [(3, "单位")]


def test_a_template_of_another_day_is_refused(world: World, form: ReportForm, county_admin: User) -> None:
    upload = filled(report_template(form, world.county, DAY - dt.timedelta(days=1)), {"水磨沟村": {"returnees": 3}})
    with pytest.raises(Refused) as refused:
        check_report_rows(upload, form=form, unit=world.county, period=DAY, by=county_admin, now=at(9))
    assert "2026-02-02" in refused.value.message


def test_a_change_after_the_deadline_needs_a_reason(world: World, form: ReportForm, township_cadre: User) -> None:
    report_submit(
        by=township_cadre, form=form, org_unit=world.village_a, period=DAY, values={"returnees": 2}, now=at(9)
    )
    upload = filled(report_template(form, world.township_a, DAY), {"水磨沟村": {"returnees": 5}})

    passed, errors = check_report_rows(
        upload, form=form, unit=world.township_a, period=DAY, by=township_cadre, now=at(20)
    )
    assert (passed, [(e["row"], e["field"]) for e in errors]) == ([], [(4, str(EDIT_REASON))])

    with_reason = filled(upload, {"水磨沟村": {"edit_reason": "村里电话更正"}})
    passed, errors = check_report_rows(
        with_reason, form=form, unit=world.township_a, period=DAY, by=township_cadre, now=at(20)
    )
    assert errors == [] and passed[0].replaces
    reports_import(by=township_cadre, form=form, unit=world.township_a, period=DAY, rows=passed, now=at(20))
    assert figures(world.village_a)["returnees"] == 5
    assert AuditEvent.objects.get(action="report.edit").summary["reason"] == "村里电话更正"


def test_a_user_outside_the_scope_cannot_import_for_village_b(
    world: World, form: ReportForm, county_admin: User, township_cadre: User
) -> None:
    upload = filled(
        report_template(form, world.county, DAY), {"水磨沟村": {"returnees": 1}, "沈家沟村": {"returnees": 2}}
    )
    passed, _errors = check_report_rows(upload, form=form, unit=world.county, period=DAY, by=county_admin, now=at(9))
    village_b_only = [r for r in passed if r.unit == world.village_b]

    with pytest.raises(PermissionDenied):
        reports_import(by=township_cadre, form=form, unit=world.county, period=DAY, rows=passed, now=at(9))
    with pytest.raises(PermissionDenied):
        reports_import(by=township_cadre, form=form, unit=world.township_a, period=DAY, rows=passed, now=at(9))
    with pytest.raises(PermissionDenied):
        reports_import(by=township_cadre, form=form, unit=world.village_b, period=DAY, rows=village_b_only, now=at(9))
    with pytest.raises(Refused):
        check_report_rows(upload, form=form, unit=world.county, period=DAY, by=township_cadre, now=at(9))

    assert not Report.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="report.").exists()


# --- the roll-up ----------------------------------------------------------------------------------


@pytest.fixture
def village_a2(world: World) -> OrgUnit:
    return factories.unit(world.township_a, "大石头村", kind=OrgUnit.Kind.VILLAGE, division_code="652328101201")


def file(by: User, form: ReportForm, unit: OrgUnit, returnees: int, fever: int, masks: int) -> None:
    values = {"returnees": returnees, "fever": fever, "masks": masks}
    report_submit(by=by, form=form, org_unit=unit, period=DAY, values=values, now=at(9))


def test_the_rollup_workbook_has_a_subtotal_per_township_and_a_total(
    world: World, form: ReportForm, county_admin: User, village_a2: OrgUnit
) -> None:
    file(county_admin, form, world.village_a, 3, 1, 100)
    file(county_admin, form, village_a2, 4, 0, 50)
    file(county_admin, form, world.village_b, 5, 2, 0)

    content = rollup_workbook(rollup(form, world.county, DAY, DAY), form, world.county, DAY, DAY)

    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert "疫情防控日报告" in rows[0][0] and "木垒哈萨克自治县" in rows[0][0]
    assert rows[1][:5] == ["单位", "新增返乡人员", "发热人员", "发放口罩", "卫生室"]
    figures_by_label = [(r[0], r[1:5]) for r in rows[2:]]
    assert figures_by_label[0] == ("水磨沟村", [3, 1, 100, 1])  # clinics filled in from the register
    assert figures_by_label[1] == ("大石头村", [4, 0, 50, 0])
    assert figures_by_label[2][0].startswith("木垒镇") and figures_by_label[2][1] == [7, 1, 150, 1]
    assert figures_by_label[3] == ("沈家沟村", [5, 2, 0, 1])
    assert figures_by_label[4][0].startswith("东城镇") and figures_by_label[4][1] == [5, 2, 0, 1]
    assert figures_by_label[5][1] == [12, 3, 150, 2]
    assert len(rows) == 8
    assert isinstance(rows[7][1], int)  # numbers, not text
    assert sheet.cell(5, 1).font.b and sheet.cell(8, 2).font.b and not sheet.cell(3, 1).font.b


def test_a_township_that_files_too_shows_its_own_figures_and_a_mismatch(
    world: World, county_admin: User, village_a2: OrgUnit
) -> None:
    form = daily_form(world.county, levels=("township", "village"), code="both")
    file(county_admin, form, world.village_a, 3, 1, 100)
    file(county_admin, form, village_a2, 4, 0, 50)
    file(county_admin, form, world.township_a, 6, 1, 150)  # says 6 where its villages add up to 7

    content = rollup_workbook(rollup(form, world.county, DAY, DAY), form, world.county, DAY, DAY)

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    subtotal, own = rows[4], rows[5]
    assert subtotal[0].startswith("木垒镇") and subtotal[1:4] == [7, 1, 150]
    assert "新增返乡人员" in subtotal[-1]
    assert own[0].startswith("木垒镇") and own[1:4] == [6, 1, 150]
    assert sheet.cell(5, 2).fill.fgColor.rgb.endswith("FFC7CE") and sheet.cell(6, 2).fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(5, 3).fill.fgColor.rgb != sheet.cell(5, 2).fill.fgColor.rgb
    assert rows[-1][1:4] == [7, 1, 150]  # the total adds up the villages only
