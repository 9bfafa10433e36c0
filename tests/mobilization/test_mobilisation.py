"""The organisation department's week: a register imported, a batch that reports to the villages (by QR and
by the cadre, one absence), people seconded, a checkpoint's weekly roster with a no-show and a swap, and
the hours exported at the end of the month; every figure on the pages comes from these records."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bastion.checkpoints.models import Post
from bastion.core.models import Notification, User
from bastion.mobilization.jobs import responders_import
from bastion.mobilization.models import (
    Assignment,
    DutyType,
    Responder,
    ShiftPattern,
    ShiftTurn,
    SwapRequest,
)
from bastion.mobilization.selectors import mobilisation_figures
from bastion.mobilization.services.attendance import (
    no_shows_flag,
    swap_request_create,
    swap_request_decide,
    turn_check_out,
)
from bastion.mobilization.services.batches import assignments_import, batch_close, batch_create
from bastion.mobilization.services.checkin import qr_check_in, unit_token
from bastion.mobilization.services.deployment import secondment_create
from bastion.mobilization.services.roster import shift_pattern_save
from tests.conftest import World, english_client
from tests.mobilization.workbooks import ASSIGNMENT_HEADER, REGISTER_HEADER, workbook

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
REGISTER = [
    ("李书记", "13900000001", "科级以上领导", "木垒镇", "指挥协调"),
    ("王干部", "13900000002", "机关、村(社区)党员干部", "水磨沟村", ""),
    ("赵干部", "13900000003", "机关、村(社区)党员干部", "水磨沟村", ""),
    ("马牧民", "13900000004", "农牧民党员", "水磨沟村", "驾驶"),
    ("周牧民", "13900000005", "农牧民党员", "木垒镇", ""),
    ("孙志愿", "13900000006", "志愿者", "水磨沟村", "医护"),
]


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """February 2020; the 3rd is a Monday."""
    return dt.datetime(2020, 2, day, hour, minute, tzinfo=SHANGHAI)


def by_name(name: str) -> Responder:
    return Responder.objects.get(name=name)


@pytest.fixture
def registered(world: World, county_admin: User) -> dict[str, Responder]:
    created, errors = responders_import(workbook(REGISTER_HEADER, REGISTER), by=county_admin, default_unit=world.county)
    assert (created, errors) == (6, [])
    return {row[0]: by_name(row[0]) for row in REGISTER}


def test_the_register_comes_in_from_excel_once_and_bad_rows_change_nothing(
    world: World, county_admin: User, registered: dict[str, Responder]
) -> None:
    assert registered["马牧民"].category.code == "farmer_herder" and registered["马牧民"].skills == "驾驶"
    assert registered["王干部"].org_unit == world.village_a and registered["王干部"].phone == "13900000002"
    assert responders_import(workbook(REGISTER_HEADER, REGISTER), by=county_admin, default_unit=world.county) == (0, [])
    bad = [("新人", "13900000099", "志愿者", "水磨沟村", ""), ("错人", "1234", "群众", "水磨沟村", "")]
    created, errors = responders_import(workbook(REGISTER_HEADER, bad), by=county_admin, default_unit=world.county)
    assert created == 0 and Responder.objects.count() == 6, "one bad row: nothing is stored"
    assert {(e["row"], e["field"]) for e in errors} == {(3, "Category"), (3, "Mobile phone")}
    assert any("Unknown category 群众" in e["message"] for e in errors)


def test_a_batch_reports_to_the_village_by_qr_and_by_the_cadre_with_one_absence(
    world: World, county_admin: User, registered: dict[str, Responder]
) -> None:
    with time_machine.travel(at(3, 9), tick=False):
        batch2 = batch_create(by=county_admin, org_unit=world.county, number=2, report_by=dt.date(2020, 2, 1))
        batch3 = batch_create(by=county_admin, org_unit=world.county, number=3, report_by=dt.date(2020, 2, 7))
        sheet = workbook(
            ASSIGNMENT_HEADER,
            [
                ("王干部", "13900000002", "水磨沟村"),
                ("赵干部", "13900000003", "水磨沟村"),
                ("马牧民", "13900000004", "水磨沟村"),
            ],
        )
        assert assignments_import(by=county_admin, batch=batch3, data=sheet) == (3, [])
        assert assignments_import(by=county_admin, batch=batch3, data=sheet) == (0, []), "the same list twice"
        assignments_import(
            by=county_admin, batch=batch3, data=workbook(ASSIGNMENT_HEADER, [("孙志愿", "13900000006", "沈家沟村")])
        )
        assignments_import(
            by=county_admin, batch=batch2, data=workbook(ASSIGNMENT_HEADER, [("周牧民", "13900000005", "水磨沟村")])
        )
        batch_close(by=county_admin, batch=batch2)

    village_code = unit_token(world.village_a)
    page = reverse("mobilization:check_in", kwargs={"token": village_code})
    with time_machine.travel(at(5, 10, 15), tick=False):
        response = english_client(county_admin).post(page, {"phone": "139 0000 0002"})
    assert response.status_code == 200 and "Reported to 水磨沟村 with Batch 3" in response.content.decode()
    wang = Assignment.objects.get(responder=registered["王干部"])
    assert (wang.status, wang.method, wang.confirmed_by, wang.reported_at) == ("reported", "qr", None, at(5, 10, 15))

    for phone, refusal in [
        ("13900000006", "You are to report to 沈家沟村, not here."),
        ("13900000005", "Batch 2 is closed."),
        ("13900000077", "This phone number is not in the register."),
        ("12345", "12345 is not a valid phone number."),
    ]:
        with pytest.raises(ValidationError) as refused:
            qr_check_in(unit=world.village_a, phone=phone, source="10.0.0.9")
        assert refusal in " ".join(refused.value.messages), phone
    assert Assignment.objects.filter(status="reported").count() == 1

    cadre = english_client(county_admin)
    zhao = Assignment.objects.get(responder=registered["赵干部"])
    ma = Assignment.objects.get(responder=registered["马牧民"])
    detail = reverse("mobilization:batch_detail", kwargs={"batch_id": batch3.pk})
    assert cadre.post(reverse("mobilization:assignment_report", kwargs={"assignment_id": zhao.pk})).status_code == 302
    cadre.post(reverse("mobilization:assignment_absent", kwargs={"assignment_id": ma.pk}), {"reason": "住院"})
    zhao.refresh_from_db(), ma.refresh_from_db()
    assert (zhao.status, zhao.method) == ("reported", "cadre") and (ma.status, ma.absence_reason) == ("absent", "住院")

    page_text = cadre.get(detail + f"?unit={world.village_a.pk}").content.decode()
    assert "王干部" in page_text and "住院" in page_text and "孙志愿" not in page_text
    figures = mobilisation_figures(county_admin)
    assert figures.mobilised == 2
    assert sorted((name, n) for name, _pk, n in figures.by_category) == [("Agency and village (community) cadres", 2)]
    row = next(b for b in figures.by_batch if b.number == 3)
    assert (row.assigned, row.reported, row.absent, row.pending) == (4, 2, 1, 1)
    overview = cadre.get(reverse("mobilization:overview")).content.decode()
    assert '<span class="value" id="mobilised">2</span>' in overview

    export = cadre.get(detail + "?format=xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert len(rows) == 5 and {r[1] for r in rows[1:]} == {"王干部", "赵干部", "马牧民", "孙志愿"}
    assert "13900000002" not in str(rows), "phones are masked in the export"


def test_secondments_say_who_is_where_and_never_overlap(
    world: World, county_admin: User, registered: dict[str, Responder]
) -> None:
    checkpoint = DutyType.objects.get(code="checkpoint")
    hq = DutyType.objects.get(code="hq")
    secondment_create(
        by=county_admin,
        responder=registered["李书记"],
        duty_type=hq,
        org_unit=world.county,
        starts_on=dt.date(2020, 2, 1),
    )
    secondment_create(
        by=county_admin,
        responder=registered["周牧民"],
        duty_type=checkpoint,
        org_unit=world.township_a,
        starts_on=dt.date(2020, 2, 1),
        ends_on=dt.date(2020, 2, 29),
    )
    with pytest.raises(ValidationError, match="already seconded"):
        secondment_create(
            by=county_admin,
            responder=registered["周牧民"],
            duty_type=hq,
            org_unit=world.county,
            starts_on=dt.date(2020, 2, 15),
        )
    with time_machine.travel(at(10, 9), tick=False):
        seconded = sorted((name, n) for name, _pk, n in mobilisation_figures(county_admin).seconded)
    assert seconded == [("Checkpoint shift lead and duty", 1), ("Command HQ", 1)]


@pytest.fixture
def highway_exit(world: World) -> Post:
    return Post.objects.create(org_unit=world.township_a, name="木垒东高速出口", kind="highway_exit")


def test_a_weeks_roster_at_a_checkpoint_with_a_no_show_a_swap_and_the_hours(
    world: World,
    county_admin: User,
    township_cadre: User,
    registered: dict[str, Responder],
    highway_exit: Post,
) -> None:
    lead, member, spare, night = registered["李书记"], registered["王干部"], registered["周牧民"], registered["孙志愿"]
    lead.user = township_cadre
    lead.save()
    with time_machine.travel(at(2, 20), tick=False):  # Sunday evening
        for weekday in range(7):
            shift_pattern_save(
                by=county_admin,
                pattern=None,
                org_unit=world.township_a,
                post=highway_exit,
                weekday=weekday,
                starts_at=dt.time(8),
                ends_at=dt.time(16),
                lead=lead,
                members=[member],
            )
        shift_pattern_save(
            by=county_admin,
            pattern=None,
            org_unit=world.township_a,
            post=highway_exit,
            weekday=0,
            starts_at=dt.time(16),
            ends_at=dt.time(8),
            lead=night,
            members=[],
        )
        with pytest.raises(ValidationError, match="already on duty"):
            shift_pattern_save(
                by=county_admin,
                pattern=None,
                org_unit=world.township_a,
                post=highway_exit,
                weekday=0,
                starts_at=dt.time(12),
                ends_at=dt.time(20),
                lead=spare,
                members=[member],
            )
    assert ShiftPattern.objects.count() == 8
    monday = highway_exit.shifts.get(day=dt.date(2020, 2, 3), starts_at=at(3, 8))
    assert sorted((t.responder.name, t.is_lead) for t in monday.turns.all()) == [("李书记", True), ("王干部", False)]

    with time_machine.travel(at(3, 7, 50), tick=False):
        done = qr_check_in(unit=world.township_a, phone="13900000001", source="10.0.0.1")
    assert done.what == "shift_in"
    with time_machine.travel(at(3, 8, 20), tick=False):
        assert no_shows_flag() == 1
        assert no_shows_flag() == 0, "flagged once"
    no_show = ShiftTurn.objects.get(shift=monday, responder=member)
    assert no_show.no_show_at == at(3, 8, 20)
    alert = Notification.objects.get(recipient=township_cadre, kind="shift_no_show")
    assert "王*部" in alert.title and Notification.objects.filter(recipient=county_admin, kind="shift_no_show").exists()

    tuesday = highway_exit.shifts.get(day=dt.date(2020, 2, 4))
    turn = tuesday.turns.get(responder=member)
    with time_machine.travel(at(3, 12), tick=False):
        swap = swap_request_create(by=county_admin, turn=turn, replacement=spare, reason="家中有事")
        with pytest.raises(ValidationError, match="already waiting"):
            swap_request_create(by=county_admin, turn=turn, replacement=night)
        lead_client = english_client(township_cadre)
        page = lead_client.get(reverse("mobilization:shift_detail", kwargs={"shift_id": tuesday.pk})).content.decode()
        assert "家中有事" in page and "Approve" in page
        swap_request_decide(by=township_cadre, request=swap, approve=True)
    turn.refresh_from_db()
    assert turn.responder == spare and SwapRequest.objects.get().status == "approved"

    with time_machine.travel(at(3, 16), tick=False):
        turn_check_out(by=township_cadre, turn=monday.turns.get(responder=lead))
    with time_machine.travel(at(29, 18), tick=False):
        client = english_client(county_admin)
        export = client.get(reverse("mobilization:hours") + "?month=2020-02&format=xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    served = {r[0]: (r[4], r[5], r[6]) for r in rows[1:]}
    assert served == {"李书记": (1, 8.2, 0), "王干部": (0, 0, 1)}
