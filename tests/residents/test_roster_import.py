"""The Excel roster import as counties keep rosters: messy sheets in, exactly the right persons and errors out."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from openpyxl import Workbook
from python_calamine import CalamineWorkbook
from stdnum.cn import ric

from bastion.core.models import AuditEvent, Job, OrgUnit, User
from bastion.residents.imports import reading, writing
from bastion.residents.jobs import ROSTER_IMPORT, ROSTER_PREVIEW
from bastion.residents.models import Person, TravelEntry
from bastion.residents.services.persons import person_register
from bastion.residents.services.roster import RosterResult, roster_import
from tests.conftest import World, client_for


def rid(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "?")


ZHANG = rid("65232819900101123")  # male, born 1990-01-01
LI = rid("65232819950315124")  # female, born 1995-03-15
WANG = rid("65232819800720101")
ZHAO = rid("65232819881111231")
ZHOU = rid("65232819700101331")
WU = rid("65232819710101441")
ZHENG = rid("65232820000229553")  # male, born 2000-02-29
WEI = rid("65232819600606662")  # female
JIANG = rid("65232819650505771")
BAD_CHECK = rid("65232819900101888")[:17] + ("1" if rid("65232819900101888")[17] != "1" else "2")
LOST = "652328199001011000"  # what is left when Excel kept 15 significant digits; its check digit is X
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
FIRST_SHEET = "水磨沟村"
SECOND_SHEET = "沈家沟村"


def messy_roster() -> bytes:
    """Two village sheets and a notes sheet, with what real rosters have: titles, merges, variants, a total."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = FIRST_SHEET
    sheet.append(["木垒县返乡人员登记表"])
    sheet.merge_cells("A1:L1")
    sheet.append(["填报单位：水磨沟村", None, None, None, "填报日期：2020年1月26日"])
    sheet.append(
        [
            *("序 号", "姓　名*", "性别", "身份证\n号码", "手机号", "家庭住址", "所属村（社区）", "人员类别"),
            *("来源地", "返乡日期", "交通方式", "车次/航班/车牌"),
        ]
    )
    rows: list[list[Any]] = [
        [
            *(1, "张三", "男", ZHANG, "１３８１２３４５６７８", "幸福路1号", "水磨沟村", "返乡务工人员"),
            *("乌鲁木齐", dt.date(2020, 1, 25), "火车", "T9527"),
        ],  # row 4; the unit is merged over rows 4-6
        [
            *(2, "李四", "", LI.translate(FULL_WIDTH), "13912345678", "幸福路2号", None, "返乡大学生、其他返乡人员"),
            *("武汉", 43855, "飞机", "CZ6901"),
        ],
        [3, "王五", "", WANG, "", "幸福路3号", None, "", "北京", "2020.1.25", "大巴", ""],
        [],  # row 7
        [4, "赵六", "", int(ZHAO), "", "", "水磨沟村"],  # row 8: Excel made the ID a number
        [5, "钱七", "", ZHANG, "", "", "水磨沟村"],  # row 9: the same ID as row 4
        [6, "孙八", "", BAD_CHECK, "", "", "水磨沟村"],  # row 10
        [7, "周九", "", ZHOU, "12345", "", "水磨沟村"],  # row 11
        [8, "吴十", "", WU, "", "", "不存在村"],  # row 12
        [9, "郑一", "", ZHENG, "", "", "", "", "昌吉", "2020年1月25日", "自驾", "新B12345"],  # row 13
        [10, "冯二", "", "", "13700001111", "", "", "", "", "2020/1/25"],  # row 14
        [11, "陈三", "", "", "", "幸福路9号", "", "", "吐鲁番", "2020-01-25"],  # row 15
        [12, "褚四", "", "6.52328E+17", "", "", ""],  # row 16
        [13, "卫九", "", LOST, "", "", ""],  # row 17
        [],
        ["合计", "13人"],  # row 19
    ]
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("G4:G6")
    second = book.create_sheet(SECOND_SHEET)
    second.append(["Name", "ID number", "区划代码", "Categories"])
    second.append(["卫五", WEI, 652328102200, "resident"])
    second.append(["蒋六", JIANG, None, "常住居民"])
    notes = book.create_sheet("说明")
    notes.append(["身份证号请设为文本格式"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(by: User, unit: OrgUnit, *, dry_run: bool = False, data: bytes | None = None) -> RosterResult:
    with override("en"):
        return roster_import(by=by, data=data or messy_roster(), default_unit=unit, dry_run=dry_run)


def unrecoverable() -> str:
    return (
        "Excel stored this ID number as a number and lost its last digits; it cannot be recovered. "
        "Format the column as text and type the number again."
    )


def errors_of(result: RosterResult) -> list[tuple[str, int | None, str, str]]:
    return [(e.get("sheet", ""), e["row"], e["field"], e["message"]) for e in result.errors]


@pytest.mark.parametrize("reader", ["calamine", "streamed"])
def test_it_imports_a_messy_roster_and_refuses_exactly_the_bad_rows(
    world: World, county_admin: User, reader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if reader == "streamed":  # the reader of sheets too big to hold in memory
        monkeypatch.setattr(reading, "STREAM_ABOVE", -1)
    result = run(county_admin, world.village_a)

    persons = {p.name: p for p in Person.objects.select_related("org_unit").prefetch_related("tags", "travels")}
    assert set(persons) == {"张三", "李四", "王五", "郑一", "冯二", "陈三", "卫五", "蒋六"}
    assert {name: p.org_unit for name, p in persons.items()} == {
        "张三": world.village_a,
        "李四": world.village_a,  # the merged unit cell
        "王五": world.village_a,
        "郑一": world.village_a,  # no unit: the one chosen on the form
        "冯二": world.village_a,
        "陈三": world.village_a,
        "卫五": world.village_b,  # by division code, on the second sheet
        "蒋六": world.village_a,
    }
    zhang, li, zheng, wei = persons["张三"], persons["李四"], persons["郑一"], persons["卫五"]
    assert (zhang.id_number, zhang.birth_date, zhang.sex, zhang.phone) == (
        ZHANG,
        dt.date(1990, 1, 1),
        "M",
        "13812345678",
    )
    assert (li.id_number, li.birth_date, li.sex) == (LI, dt.date(1995, 3, 15), "F")
    assert (zheng.birth_date, zheng.sex, wei.sex) == (dt.date(2000, 2, 29), "M", "F")
    assert zhang.name_initials == "zs" and zhang.address == "幸福路1号"
    assert persons["冯二"].id_number == "" and persons["冯二"].phone == "13700001111"
    assert {n: sorted(t.code for t in p.tags.all()) for n, p in persons.items() if p.tags.all()} == {
        "张三": ["migrant_worker"],
        "李四": ["college_student", "other_returnee"],
        "卫五": ["resident"],
        "蒋六": ["resident"],
    }
    travels = {
        p.name: [(t.from_region, t.arrival_date, t.mode, t.transport_number) for t in p.travels.all()]
        for p in persons.values()
        if p.travels.all()
    }
    day = dt.date(2020, 1, 25)
    assert travels == {
        "张三": [("乌鲁木齐", day, "train", "T9527")],
        "李四": [("武汉", day, "flight", "CZ6901")],
        "王五": [("北京", day, "bus", "")],
        "郑一": [("昌吉", day, "car", "新B12345")],
        "冯二": [("", day, "", "")],
        "陈三": [("吐鲁番", day, "", "")],
    }

    id_column = "身份证号码"
    assert errors_of(result) == [
        (FIRST_SHEET, 8, id_column, unrecoverable()),
        (FIRST_SHEET, 9, id_column, f"The same ID number is already on row 4 of sheet {FIRST_SHEET}."),
        (FIRST_SHEET, 10, id_column, "The check digit of this ID number is wrong: check for a mistyped digit."),
        (FIRST_SHEET, 11, "手机号", "12345 is not a valid phone number."),
        (FIRST_SHEET, 12, "所属村(社区)", "No unit 不存在村 was found in your scope."),
        (FIRST_SHEET, 16, id_column, unrecoverable()),
        (FIRST_SHEET, 17, id_column, unrecoverable()),
    ]
    assert (result.created, result.already_registered, result.refused) == (8, 0, 7)
    assert result.sheets == [FIRST_SHEET, SECOND_SHEET]
    assert result.skipped_sheets == ["说明"]
    outcomes = [(p["sheet"], p["row"], p["outcome"]) for p in result.preview]
    assert outcomes[:3] == [(FIRST_SHEET, 4, "new"), (FIRST_SHEET, 5, "new"), (FIRST_SHEET, 6, "new")]
    assert result.preview[0]["name"] == "张*" and result.preview[0]["unit"] == world.village_a.display_name
    assert len(outcomes) == 15  # the blank rows and the total row are no rows
    events = AuditEvent.objects.filter(action="person.roster_import")
    assert [e.summary["created"] for e in events] == [8]
    assert ZHANG not in str(events[0].summary)


def test_a_dry_run_writes_nothing_but_tells_the_same(world: World, county_admin: User) -> None:
    result = run(county_admin, world.village_a, dry_run=True)

    assert (result.created, result.already_registered, result.refused) == (8, 0, 7)
    assert not Person.objects.exists()
    assert not TravelEntry.objects.exists()
    assert not AuditEvent.objects.filter(action="person.roster_import").exists()


def test_importing_the_same_file_twice_adds_nothing(world: World, county_admin: User) -> None:
    run(county_admin, world.village_a)
    counts = (Person.objects.count(), TravelEntry.objects.count(), Person.tags.through.objects.count())

    again = run(county_admin, world.village_a)

    assert (again.created, again.already_registered, again.refused) == (0, 8, 7)
    assert (Person.objects.count(), TravelEntry.objects.count(), Person.tags.through.objects.count()) == counts
    assert {p["outcome"] for p in again.preview} == {"existing", "error"}


def test_a_person_already_registered_gets_the_new_travel_and_category_only(world: World, county_admin: User) -> None:
    earlier = person_register(by=county_admin, org_unit=world.village_a, name="张三", id_number=ZHANG)

    result = run(county_admin, world.village_a)

    assert result.already_registered == 1 and result.created == 7
    assert Person.objects.filter(name="张三").count() == 1
    assert [t.code for t in earlier.tags.all()] == ["migrant_worker"]
    assert [t.from_region for t in earlier.travels.all()] == ["乌鲁木齐"]


def test_it_refuses_a_row_whose_unit_is_outside_the_scope(world: World, township_cadre: User) -> None:
    result = run(township_cadre, world.village_a)

    assert (SECOND_SHEET, 2, "区划代码", "沈家沟村 is outside your scope.") in errors_of(result)
    assert not Person.objects.filter(name="卫五").exists()
    assert Person.objects.get(name="蒋六").org_unit == world.village_a


def test_a_volunteer_may_not_import(world: World, volunteer: User) -> None:
    result = run(volunteer, world.village_a)

    assert result.created == 0 and result.refused == 15
    assert not Person.objects.exists()


def test_the_error_report_holds_the_refused_rows_with_their_errors(world: World, county_admin: User) -> None:
    result = run(county_admin, world.village_a)

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(result.error_report)).get_sheet_by_name(FIRST_SHEET)
    rows = sheet.to_python()
    assert rows[0][-1] == writing.ERROR_HEADER
    assert rows[0][:4] == ["序号", "姓名*", "性别", "身份证号码"]
    assert [r[1] for r in rows[1:]] == ["赵六", "钱七", "孙八", "周九", "吴十", "褚四", "卫九"]
    assert rows[4][4] == "12345" and rows[4][-1] == "手机号: 12345 is not a valid phone number."


def test_the_template_reads_back_and_its_example_is_refused(world: World, county_admin: User) -> None:
    result = run(county_admin, world.village_a, data=writing.roster_template())

    assert result.created == 0 and result.refused == 1
    assert [e["field"] for e in result.errors] == ["所属村(社区)"]


def test_a_file_without_any_header_is_refused(world: World, county_admin: User) -> None:
    from bastion.core.imports import Refused

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["nothing", "here"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(Refused):
        run(county_admin, world.village_a, data=buffer.getvalue())


def test_persons_workbook_masks_numbers_unless_revealed(world: World, county_admin: User) -> None:
    run(county_admin, world.village_a)
    persons = Person.objects.filter(name="张三").select_related("org_unit").prefetch_related("tags")

    with override("zh-hans"):
        masked = CalamineWorkbook.from_filelike(io.BytesIO(writing.persons_workbook(persons))).get_sheet_by_index(0)
        revealed = writing.persons_workbook(persons, reveal=True)
    shown = CalamineWorkbook.from_filelike(io.BytesIO(revealed)).get_sheet_by_index(0).to_python()

    assert masked.to_python()[1][3] == ZHANG[:6] + "********" + ZHANG[-4:]
    assert shown[1][3] == ZHANG and shown[1][7] == "返乡务工人员"


# --- the pages ------------------------------------------------------------------------------------


def test_upload_preview_confirm_and_done(
    world: World, county_admin: User, township_cadre: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(county_admin)
    assert client.get(reverse("residents:roster_import")).status_code == 200
    assert client.get(reverse("residents:roster_template")).status_code == 200

    upload = SimpleUploadedFile("roster.xlsx", messy_roster())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("residents:roster_import"), {"file": upload, "unit": world.village_a.pk})
    preview = Job.objects.get(created_by=county_admin, kind=ROSTER_PREVIEW)
    assert response.status_code == 302 and response["Location"] == reverse("residents:roster_job", args=[preview.pk])
    assert preview.status == Job.Status.DONE and preview.input_data
    assert (preview.result["created"], preview.result["refused"], preview.result["unit_id"]) == (
        8,
        7,
        world.village_a.pk,
    )
    assert not Person.objects.exists()
    page = client.get(response["Location"])
    assert page.status_code == 200 and reverse("residents:roster_confirm", args=[preview.pk]) in page.content.decode()
    errors = client.get(reverse("residents:roster_errors", args=[preview.pk]))
    assert errors.status_code == 200 and errors.content.startswith(b"PK")

    assert client_for(township_cadre).get(reverse("residents:roster_job", args=[preview.pk])).status_code == 404
    assert client_for(township_cadre).post(reverse("residents:roster_confirm", args=[preview.pk])).status_code == 404
    assert not Job.objects.filter(kind=ROSTER_IMPORT).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("residents:roster_confirm", args=[preview.pk]))
    done = Job.objects.get(kind=ROSTER_IMPORT)
    assert response["Location"] == reverse("residents:roster_job", args=[done.pk])
    assert done.status == Job.Status.DONE and done.created_by == county_admin
    assert done.result["created"] == 8 and not done.input_data and done.output_data
    assert Person.objects.count() == 8
    assert client.get(response["Location"]).status_code == 200
    preview.refresh_from_db()
    assert not preview.input_data

    client.post(reverse("residents:roster_confirm", args=[preview.pk]))
    assert Job.objects.filter(kind=ROSTER_IMPORT).count() == 1


def test_the_pages_need_the_permission(world: World, volunteer: User) -> None:
    assert client_for(volunteer).get(reverse("residents:roster_import")).status_code == 403


def test_an_unconfirmed_preview_keeps_the_upload_one_day_only(world: World, county_admin: User) -> None:
    from bastion.residents.jobs import roster_job_create, roster_previews_purge

    job = roster_job_create(
        by=county_admin, kind=ROSTER_PREVIEW, unit=world.village_a, input_name="r.xlsx", input_data=b"PK\x03\x04x"
    )
    assert roster_previews_purge() == 0
    later = timezone.now() + dt.timedelta(hours=25)
    assert roster_previews_purge(now=later) == 1
    job.refresh_from_db()
    assert bytes(job.input_data) == b""
    assert AuditEvent.objects.filter(action="roster.previews_purge").exists()


def test_a_roster_longer_than_a_chunk_gives_each_person_their_own_travel_and_category(
    world: World, county_admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bastion.residents.services import roster

    monkeypatch.setattr(roster, "INSERT_BATCH", 70)  # rows per multi-row INSERT
    monkeypatch.setattr(roster, "CHUNK", 400)  # rows per transaction
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "身份证号码", "人员类别", "来源地", "返乡日期"])
    born = [dt.date(1990, 1, 1) + dt.timedelta(days=i) for i in range(900)]
    numbers = [rid(f"652328{day:%Y%m%d}{i:03d}") for i, day in enumerate(born)]
    categories = ["返乡大学生", "返乡务工人员", "常住居民"]
    for i, number in enumerate(numbers):
        sheet.append([f"人{i}", number, categories[i % 3], f"地{i}", f"2020-01-{i % 28 + 1:02d}"])
    sheet.append(["坏人", numbers[0][:17] + "Z", "", "", "2020-02-30"])  # a bad ID and a date that does not exist
    buffer = io.BytesIO()
    book.save(buffer)

    result = run(county_admin, world.village_a, data=buffer.getvalue())

    assert (result.created, result.refused) == (len(numbers), 1)
    assert [e["message"] for e in result.errors] == [
        "An ID number has 17 digits and ends in a digit or X.",
        "2020-02-30 is not a date; write it as 2020-01-25.",
    ]
    persons = Person.objects.prefetch_related("tags", "travels")
    codes = ["college_student", "migrant_worker", "resident"]
    seen = {
        p.name: (
            p.id_number,
            [t.code for t in p.tags.all()],
            [(t.from_region, t.arrival_date) for t in p.travels.all()],
        )
        for p in persons
    }
    assert seen == {
        f"人{i}": (number, [codes[i % 3]], [(f"地{i}", dt.date(2020, 1, i % 28 + 1))])
        for i, number in enumerate(numbers)
    }
