"""Excel export, templates and imports of org units and institutions, run as jobs."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import override
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from bastion.core import imports
from bastion.core.models import AuditEvent, Institution, Job, OrgUnit, User
from bastion.core.services import jobs
from tests import factories
from tests.conftest import World, client_for

UNIT_HEADER = [imports.CODE, imports.NAME, imports.SHORT_NAME, imports.KIND, imports.PARENT_CODE, imports.PARENT_NAME]
INSTITUTION_HEADER = [imports.NAME, imports.KIND, imports.UNIT_CODE, imports.UNIT_NAME, imports.NOTE]


def xlsx(header: Sequence[object], *rows: Sequence[object], language: str = "zh-hans") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    with override(language):
        sheet.append([str(column) for column in header])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(content: bytes, sheet: int = 0) -> list[list[Any]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(sheet).to_python()


Upload = Callable[..., Any]


@pytest.fixture
def upload(django_capture_on_commit_callbacks: Any) -> Upload:
    """Post a file to an import page; the job's task runs when the request's transaction commits."""

    def post(client: Client, url: str, content: bytes, name: str = "book.xlsx") -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse(url), {"file": SimpleUploadedFile(name, content)})

    return post


def last_job(user: User) -> Job:
    return Job.objects.filter(created_by=user).latest("pk")


def unreadable() -> str:
    with override("zh-hans"):
        return imports.unreadable()


def labels(content: bytes) -> list[str]:
    return [str(cell) for cell in read(content)[0]]


# --- export ---------------------------------------------------------------------------------------


def test_export_holds_only_the_units_in_scope(world: World, township_cadre: User) -> None:
    response = client_for(township_cadre).get(reverse("core:units_export"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="org-units-')
    rows = read(response.content)
    assert rows[0] == [str(c) for c in imports.UNIT_EXPORT]
    names = {row[1] for row in rows[1:]}
    assert names == {"木垒镇", "水磨沟村"}
    village = next(row for row in rows if row[1] == "水磨沟村")
    assert village[0] == "652328101200"
    assert village[3] == OrgUnit.Kind.VILLAGE.label
    assert village[4:6] == ["652328100000", "木垒镇"]


def test_institution_export_holds_only_the_institutions_in_scope(world: World, township_cadre: User) -> None:
    response = client_for(township_cadre).get(reverse("core:institutions_export"))

    rows = read(response.content)
    assert rows[0] == [str(c) for c in imports.INSTITUTION_EXPORT]
    assert [row[:4] for row in rows[1:]] == [
        ["水磨沟村卫生室", Institution.Kind.MEDICAL.label, "水磨沟村", "652328101200"]
    ]


def test_export_needs_the_export_permission(world: World, volunteer: User) -> None:
    assert client_for(volunteer).get(reverse("core:units_export")).status_code == 403


def test_export_queries_do_not_grow_with_the_number_of_units(world: World, county_admin: User) -> None:
    client = client_for(county_admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("core:units_export")).status_code == 200
        return len(queries)

    for _ in range(5):
        factories.unit(world.village_a)
    few = count()
    for _ in range(45):
        factories.unit(world.village_b)
    assert count() == few


def test_templates_open_with_calamine(world: World, county_admin: User) -> None:
    client = client_for(county_admin)
    for url, columns, kinds in [
        ("core:units_template", imports.UNIT_IMPORT, OrgUnit.Kind),
        ("core:institutions_template", imports.INSTITUTION_IMPORT, Institution.Kind),
    ]:
        response = client.get(reverse(url))
        assert response.status_code == 200
        assert labels(response.content) == [str(c) for c in columns]
        assert len(read(response.content)) == 2  # the header and one example
        assert [row[0] for row in read(response.content, 1)[1:]] == list(kinds.values)


# --- importing org units --------------------------------------------------------------------------


def test_a_good_import_creates_the_units_under_the_right_parents(
    world: World, township_cadre: User, upload: Upload
) -> None:
    content = xlsx(
        UNIT_HEADER,
        ["652328100300", "新建村", "", "village", "652328100000", ""],
        ["", "新建小区", "", str(OrgUnit.Kind.COMPOUND.label), "", "新建村"],
        ["", "一号楼", "", "Building", "", "新建小区"],
        ["", "二号小区", "", "compound", "", "水磨沟村"],
    )
    client = client_for(township_cadre)

    response = upload(client, "core:units_import", content)

    job = last_job(township_cadre)
    assert response.url == reverse("core:job", kwargs={"job_id": job.pk})
    assert job.status == Job.Status.DONE, job.result
    assert job.result["created"] == 4
    assert job.started_at and job.finished_at and job.progress == job.total == 4
    assert bytes(job.input_data) == b"", "the uploaded file is not kept once the job is done"
    village = OrgUnit.objects.get(name="新建村")
    assert village.parent == world.township_a and village.division_code == "652328100300"
    assert OrgUnit.objects.get(name="新建小区").parent == village
    assert OrgUnit.objects.get(name="一号楼").parent.name == "新建小区"
    assert OrgUnit.objects.get(name="二号小区").parent == world.village_a
    assert AuditEvent.objects.filter(action="orgunit.create", actor=township_cadre).count() == 4
    assert AuditEvent.objects.filter(action="job.done", actor=township_cadre).exists()
    assert 'class="notice"' in client.get(response.url).content.decode()


def test_headers_are_read_in_english_too(world: World, township_cadre: User, upload: Upload) -> None:
    content = xlsx(UNIT_HEADER, ["", "英文村", "", "village", "", "木垒镇"], language="en")

    upload(client_for(township_cadre), "core:units_import", content)

    assert last_job(township_cadre).status == Job.Status.DONE
    assert OrgUnit.objects.get(name="英文村").parent == world.township_a


def test_a_file_with_one_bad_row_creates_nothing_and_the_job_page_lists_it(
    world: World, township_cadre: User, upload: Upload
) -> None:
    before = OrgUnit.objects.count()
    content = xlsx(
        UNIT_HEADER,
        ["652328100301", "好村", "", "village", "", "木垒镇"],
        ["652328101200", "重号村", "", "village", "", "木垒镇"],
        ["", "孤儿村", "", "village", "", "不存在镇"],
        ["652328100301", "又一村", "", "unknown", "", "木垒镇"],
    )
    client = client_for(township_cadre)

    response = upload(client, "core:units_import", content)

    job = last_job(township_cadre)
    assert job.status == Job.Status.FAILED
    assert OrgUnit.objects.count() == before
    assert not AuditEvent.objects.filter(action="orgunit.create", actor=township_cadre).exists()
    errors = {(e["row"], e["field"]) for e in job.result["errors"]}
    code, parent, kind = str(imports.CODE), str(imports.PARENT_NAME), str(imports.KIND)
    assert errors == {(3, code), (4, parent), (5, code), (5, kind)}
    page = client.get(response.url).content.decode()
    assert "水磨沟村" in page  # the unit that already holds the code
    assert "不存在镇" in page and "<td>4</td>" in page


def test_a_file_that_is_not_xlsx_gets_a_clear_message(world: World, township_cadre: User, upload: Upload) -> None:
    before = OrgUnit.objects.count()

    response = upload(client_for(township_cadre), "core:units_import", b"name,kind\n", name="units.csv")

    assert response.status_code == 200
    assert 'class="error" role="alert">' + unreadable() in response.content.decode()
    assert not Job.objects.exists()
    assert OrgUnit.objects.count() == before


def test_a_damaged_workbook_fails_the_job_without_a_traceback(
    world: World, township_cadre: User, upload: Upload
) -> None:
    client = client_for(township_cadre)

    response = upload(client, "core:units_import", b"PK\x03\x04 not really a zip archive")

    job = last_job(township_cadre)
    assert job.status == Job.Status.FAILED
    assert job.result["errors"] == [{"row": None, "field": "", "message": job.result["errors"][0]["message"]}]
    page = client.get(response.url).content.decode()
    assert unreadable() in page and "Traceback" not in page


def test_a_missing_column_is_named(world: World, township_cadre: User, upload: Upload) -> None:
    upload(client_for(township_cadre), "core:units_import", xlsx([imports.NAME, imports.PARENT_NAME], ["村", "木垒镇"]))

    assert last_job(township_cadre).result["errors"][0]["field"] == str(imports.KIND)


def test_it_refuses_a_parent_outside_the_scope(world: World, township_cadre: User, upload: Upload) -> None:
    before = OrgUnit.objects.count()
    content = xlsx(
        UNIT_HEADER,
        ["", "越界村", "", "village", "", "东城镇"],
        ["", "越界村二", "", "village", "652328102000", ""],
    )

    upload(client_for(township_cadre), "core:units_import", content)

    job = last_job(township_cadre)
    assert job.status == Job.Status.FAILED
    assert [(e["row"], e["field"]) for e in job.result["errors"]] == [
        (2, str(imports.PARENT_NAME)),
        (3, str(imports.PARENT_CODE)),
    ]
    assert OrgUnit.objects.count() == before


def test_a_kind_the_parent_does_not_allow_comes_back_from_the_service(
    world: World, township_cadre: User, upload: Upload
) -> None:
    content = xlsx(
        UNIT_HEADER, ["", "好村", "", "village", "", "木垒镇"], ["", "村中村", "", "village", "", "水磨沟村"]
    )

    upload(client_for(township_cadre), "core:units_import", content)

    job = last_job(township_cadre)
    assert job.status == Job.Status.FAILED
    assert [(e["row"], e["field"]) for e in job.result["errors"]] == [(3, str(imports.KIND))]
    assert not OrgUnit.objects.filter(name="好村").exists()


def test_an_ambiguous_parent_name_is_an_error(world: World, county_admin: User, upload: Upload) -> None:
    factories.unit(world.village_b, "一号小区")
    factories.unit(world.village_a, "一号小区")

    upload(client_for(county_admin), "core:units_import", xlsx(UNIT_HEADER, ["", "楼", "", "building", "", "一号小区"]))

    assert last_job(county_admin).result["errors"][0]["row"] == 2
    assert not OrgUnit.objects.filter(name="楼").exists()


def test_it_refuses_too_many_rows(
    world: World, township_cadre: User, upload: Upload, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    rows = [["", f"村{i}", "", "village", "", "木垒镇"] for i in range(3)]

    upload(client_for(township_cadre), "core:units_import", xlsx(UNIT_HEADER, *rows))

    job = last_job(township_cadre)
    assert job.status == Job.Status.FAILED and job.result["errors"][0]["row"] is None
    assert not OrgUnit.objects.filter(name__startswith="村").exists()


def test_the_import_pages_show_the_form_and_the_columns(world: World, county_admin: User) -> None:
    client = client_for(county_admin)
    for url, template in [
        ("core:units_import", "core:units_template"),
        ("core:institutions_import", "core:institutions_template"),
    ]:
        page = client.get(reverse(url)).content.decode()
        assert 'enctype="multipart/form-data"' in page and reverse(template) in page
        with override("zh-hans"):
            assert str(imports.NAME) in page


def test_import_needs_the_add_permission(world: World, volunteer: User) -> None:
    client = client_for(volunteer)
    assert client.get(reverse("core:units_import")).status_code == 403
    assert client.get(reverse("core:units_template")).status_code == 403


# --- importing institutions -----------------------------------------------------------------------


def test_a_good_institution_import_adds_them_to_the_named_units(
    world: World, township_cadre: User, upload: Upload
) -> None:
    content = xlsx(
        INSTITUTION_HEADER,
        ["水磨沟村警务室", "police_checkpoint", "", "水磨沟村", "24 小时"],
        ["木垒镇政府", str(Institution.Kind.DEPARTMENT.label), "652328100000", "", ""],
    )

    upload(client_for(township_cadre), "core:institutions_import", content)

    job = last_job(township_cadre)
    assert job.status == Job.Status.DONE, job.result
    assert Institution.objects.get(name="水磨沟村警务室").org_unit == world.village_a
    assert Institution.objects.get(name="木垒镇政府").kind == Institution.Kind.DEPARTMENT
    assert AuditEvent.objects.filter(action="institution.create", actor=township_cadre).count() == 2


def test_an_institution_import_with_a_clash_creates_nothing(world: World, township_cadre: User, upload: Upload) -> None:
    content = xlsx(
        INSTITUTION_HEADER,
        ["新诊所", "medical", "", "水磨沟村", ""],
        ["水磨沟村卫生室", "medical", "", "水磨沟村", ""],
        ["沈家沟村诊所", "medical", "", "沈家沟村", ""],
    )

    upload(client_for(township_cadre), "core:institutions_import", content)

    job = last_job(township_cadre)
    assert job.status == Job.Status.FAILED
    assert [(e["row"], e["field"]) for e in job.result["errors"]] == [
        (3, str(imports.NAME)),
        (4, str(imports.UNIT_NAME)),
    ]
    assert not Institution.objects.filter(name="新诊所").exists()


# --- the job and its page -------------------------------------------------------------------------


def test_another_user_cannot_see_the_job(world: World, township_cadre: User, village_cadre_b: User) -> None:
    job = jobs.job_create(by=township_cadre, kind=jobs.ORGUNIT_IMPORT, input_name="a.xlsx")

    response = client_for(village_cadre_b).get(reverse("core:job", kwargs={"job_id": job.pk}))

    assert response.status_code == 404


def test_an_unfinished_job_polls_its_fragment(world: World, township_cadre: User) -> None:
    job = jobs.job_create(by=township_cadre, kind=jobs.ORGUNIT_IMPORT, input_name="a.xlsx")
    url = reverse("core:job", kwargs={"job_id": job.pk})
    client = client_for(township_cadre)

    page = client.get(url).content.decode()
    fragment = client.get(url + "?fragment=1").content.decode()

    assert job.org_unit == world.township_a
    assert f'hx-get="{url}?fragment=1"' in page and 'hx-trigger="every 1s"' in page
    assert 'hx-swap="outerHTML"' in fragment and "<progress" in fragment and "<html" not in fragment


def test_a_job_runs_once(world: World, township_cadre: User) -> None:
    content = xlsx(UNIT_HEADER, ["", "一次村", "", "village", "", "木垒镇"])
    job = jobs.job_create(by=township_cadre, kind=jobs.ORGUNIT_IMPORT, input_data=content)

    assert jobs.job_run(job_id=job.pk) is not None
    assert jobs.job_run(job_id=job.pk) is None

    assert OrgUnit.objects.filter(name="一次村").count() == 1


def test_read_sheet_gives_every_column_as_text_whatever_the_cells_hold() -> None:
    content = xlsx(
        [imports.NAME, imports.CODE, imports.NOTE],
        [" 水磨沟村 ", "652328100201", "  "],  # strings only
        ["英格堡乡", 652328101000.0, 7],  # numbers: the code loses Excel's ".0"
        ["东城镇"],  # a short row: the missing cells are ""
        [None, None, None],  # a blank row is skipped
        ["", "", "备注"],
    )
    columns = [imports.NAME, imports.CODE, imports.SHORT_NAME, imports.NOTE]
    rows = imports.read_sheet(content, columns, one_of=(imports.NAME,))

    assert rows == [
        (2, {"name": "水磨沟村", "division_code": "652328100201", "short_name": "", "note": ""}),
        (3, {"name": "英格堡乡", "division_code": "652328101000", "short_name": "", "note": "7"}),
        (4, {"name": "东城镇", "division_code": "", "short_name": "", "note": ""}),
        (6, {"name": "", "division_code": "", "short_name": "", "note": "备注"}),
    ]
    only_names = imports.read_sheet(content, [imports.NAME], one_of=(imports.NAME,))
    assert [cells["name"] for _number, cells in only_names] == ["水磨沟村", "英格堡乡", "东城镇", ""]


def test_the_collector_is_paused_only_while_an_import_runs() -> None:
    import gc

    with pytest.raises(ValueError), imports.collector_paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with imports.collector_paused():
            pass
        assert not gc.isenabled(), "a collector paused by the caller stays paused"
    finally:
        gc.enable()
