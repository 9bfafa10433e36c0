"""The work log (工作日志): drafted from the day's records, edited and signed by the office, then only amended
(the signed text kept as it was), filed as PDF and .docx, and drafted for every post by the periodic job."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from pypdf import PdfReader

from bastion.command.models import (
    ActionItem,
    ActionNote,
    CommandPost,
    Decision,
    Meeting,
    MeetingKind,
    Weakness,
    WorkLog,
    WorkLogAmendment,
)
from bastion.command.selectors.worklog import day_records, worklog_text
from bastion.command.services.worklog import (
    worklog_amend,
    worklog_draft,
    worklog_edit,
    worklog_sign,
    worklogs_draft_all,
)
from bastion.command.worklog_export import worklog_docx, worklog_pdf
from bastion.core.models import AuditEvent, OrgUnit, User
from bastion.reporting.models import ImmediateReport, IncidentCategory, Report, ReportForm
from tests import factories
from tests.command import factories as command
from tests.conftest import World

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2020, 2, 3)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def evening_of_the_day() -> Iterator[None]:
    """The office sits down to the log at 21:00 on the day (Beijing time)."""
    with time_machine.travel(at(DAY, 21), tick=False):
        yield


def daily_form(owner: OrgUnit) -> ReportForm:
    form, _created = ReportForm.objects.get_or_create(
        code="daily",
        defaults={
            "owner_unit": owner,
            "names": {"zh-hans": "疫情防控日报告", "en": "Daily epidemic report"},
            "levels": ["village"],
        },
    )
    return form


def immediate(unit: OrgUnit, description: str, filed_at: dt.datetime, **fields: object) -> ImmediateReport:
    return ImmediateReport.objects.create(
        org_unit=unit,
        category=IncidentCategory.objects.get(code="suspected_case"),
        occurred_at=filed_at,
        filed_at=filed_at,
        description=description,
        waiting_unit=unit.parent or unit,
        **fields,
    )


def busy_day(world: World, post: CommandPost, by: User, copies: int = 1, start: int = 0) -> None:
    """The day at the county: reports filed, an immediate report, an evening review with a decision, action items
    created, claimed, verified and reopened, a weakness found; ``copies`` times over (numbered from ``start``)."""
    form = daily_form(world.county)
    kind = MeetingKind.objects.get(code="evening_review")
    for n in range(start, start + copies):
        Report.objects.create(
            form=form,
            org_unit=world.village_a,
            period=DAY - dt.timedelta(days=n),
            form_version=1,
            is_late=n % 2 == 1,
            submitted_at=at(DAY, 17, n % 60),
        )
        Report.objects.create(
            form=form, org_unit=world.village_b, period=DAY - dt.timedelta(days=n), form_version=1, is_zero=True,
            submitted_at=at(DAY, 16),
        )  # fmt: skip
        immediate(world.village_a, f"水磨沟村发现发热病人{n}号", at(DAY, 10, n % 60))
        meeting = Meeting.objects.create(
            command_post=post, kind=kind, held_on=DAY, starts_at=dt.time(20, 0), title="晚研判", created_by=by
        )
        decision = Decision.objects.create(meeting=meeting, text=f"木垒镇增设东卡点{n}", created_by=by)
        ActionItem.objects.create(
            command_post=post,
            title=f"排查返乡人员{n}",
            origin=ActionItem.Origin.MEETING,
            decision=decision,
            owner_unit=world.township_a,
            due_on=DAY + dt.timedelta(days=2),
            created_by=by,
        )
        verified = ActionItem.objects.create(
            command_post=post,
            title=f"落实卡点值守{n}",
            owner_unit=world.township_a,
            due_on=DAY,
            created_by=by,
            status=ActionItem.Status.VERIFIED,
            verified_at=at(DAY, 19),
            verified_by=by,
        )
        ActionItem.objects.filter(pk=verified.pk).update(created_at=at(DAY - dt.timedelta(days=3), 9))
        claimed = ActionItem.objects.create(
            command_post=post, title=f"消毒物资分发{n}", owner_unit=world.township_a, due_on=DAY, created_by=by,
            status=ActionItem.Status.CLAIMED,
        )  # fmt: skip
        ActionItem.objects.filter(pk=claimed.pk).update(created_at=at(DAY - dt.timedelta(days=2), 9))
        ActionNote.objects.create(item=claimed, text="已分发完毕", status_to=ActionItem.Status.CLAIMED, by=by)
        reopened = ActionItem.objects.create(
            command_post=post, title=f"隔离点值班表{n}", owner_unit=world.township_a, due_on=DAY, created_by=by,
            status=ActionItem.Status.REOPENED,
        )  # fmt: skip
        ActionItem.objects.filter(pk=reopened.pk).update(created_at=at(DAY - dt.timedelta(days=2), 9))
        ActionNote.objects.create(item=reopened, text="值班表缺夜班", status_to=ActionItem.Status.REOPENED, by=by)
        Weakness.objects.create(
            command_post=post,
            org_unit=world.village_a,
            found_by="督导组",
            found_on=DAY,
            description=f"卡点登记不全{n}",
            created_by=by,
        )


def quiet_noise(world: World, post: CommandPost, by: User) -> None:
    """Records of the day before, which the log of DAY must leave out."""
    before = DAY - dt.timedelta(days=1)
    immediate(world.village_a, "昨日发热病人", at(before, 23, 50))
    kind = MeetingKind.objects.get(code="morning_dispatch")
    meeting = Meeting.objects.create(command_post=post, kind=kind, held_on=before, created_by=by)
    Decision.objects.create(meeting=meeting, text="昨日的决定", created_by=by)


def test_the_draft_shows_the_days_immediate_report_decision_and_verified_item(
    world: World, hq_office: User, county_post: CommandPost
) -> None:
    busy_day(world, county_post, hq_office)
    quiet_noise(world, county_post, hq_office)
    log = worklog_draft(by=hq_office, command_post=county_post, day=DAY)
    assert log.status == WorkLog.Status.DRAFT and log.day == DAY
    body = log.body
    assert "水磨沟村发现发热病人0号" in body
    assert "木垒镇增设东卡点0" in body and "Evening review: 晚研判" in body
    assert "落实卡点值守0" in body and "消毒物资分发0" in body and "隔离点值班表0" in body and "排查返乡人员0" in body
    assert "卡点登记不全0" in body and "Weaknesses (found: 1, fixed: 0)" in body
    assert "隔离点值班表0 (owner: 木垒镇, due 2020-02-03): 值班表缺夜班" in body
    assert "Daily epidemic report: 2 filed (1 on time, 0 late, 1 zero reports)" in body
    assert "Immediate reports (filed: 1, closed: 0)" in body
    assert "Meetings and decisions (meetings: 1, decisions: 1)" in body
    assert "Action items (new: 1, claimed done: 1, verified: 1, reopened: 1)" in body
    assert "昨日" not in body
    event = AuditEvent.objects.get(action="worklog.draft")
    assert event.object_id == str(log.pk) and event.actor == hq_office and event.org_unit == world.county


def test_a_quiet_day_still_drafts_every_section(world: World, hq_office: User, county_post: CommandPost) -> None:
    text = worklog_text(day_records(county_post, DAY))
    assert text.count("Nothing recorded.") == 5
    assert text.startswith("1. Reports filed") and text.rstrip().endswith("6. Other work of the day")


def test_a_township_log_leaves_out_the_other_townships_records(world: World, hq_office: User) -> None:
    post = command.post(world.township_a, groups=False)
    immediate(world.village_a, "水磨沟村发热", at(DAY, 9))
    immediate(world.village_b, "沈家沟村发热", at(DAY, 9))
    body = worklog_draft(by=None, command_post=post, day=DAY).body
    assert "水磨沟村发热" in body and "沈家沟" not in body


def test_the_office_edits_then_signs_the_log(world: World, hq_office: User, county_post: CommandPost) -> None:
    busy_day(world, county_post, hq_office)
    log = worklog_draft(by=hq_office, command_post=county_post, day=DAY)
    edited = worklog_edit(by=hq_office, log=log, body=log.body + "\n7. 县领导带队检查卡点三处。\n")
    assert edited.edited_by == hq_office and edited.body.endswith("检查卡点三处。")
    signed = worklog_sign(by=hq_office, log=log)
    signed.refresh_from_db()
    assert signed.status == WorkLog.Status.SIGNED
    assert signed.signed_by == hq_office and signed.signed_at == at(DAY, 21)
    assert list(
        AuditEvent.objects.filter(object_type="command.worklog", object_id=str(log.pk))
        .values_list("action", flat=True)
        .order_by("pk")
    ) == [
        "worklog.draft",
        "worklog.edit",
        "worklog.sign",
    ]


def test_editing_a_signed_log_is_refused_and_changes_nothing(
    world: World, hq_office: User, county_post: CommandPost
) -> None:
    log = worklog_draft(by=hq_office, command_post=county_post, day=DAY)
    worklog_sign(by=hq_office, log=log)
    signed_body = WorkLog.objects.get(pk=log.pk).body
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        worklog_edit(by=hq_office, log=log, body="改写后的日志")
    assert refused.value.message_dict == {"body": ["This log is signed: add an amendment instead."]}
    with pytest.raises(ValidationError, match="add an amendment instead"):
        worklog_draft(by=hq_office, command_post=county_post, day=DAY)
    with pytest.raises(ValidationError, match="This log is signed"):
        worklog_sign(by=hq_office, log=log)
    stored = WorkLog.objects.get(pk=log.pk)
    assert stored.body == signed_body and stored.edited_at is None and stored.status == WorkLog.Status.SIGNED
    assert AuditEvent.objects.count() == events


def test_an_amendment_is_kept_alongside_the_signed_original(
    world: World, hq_office: User, county_post: CommandPost
) -> None:
    log = worklog_draft(by=hq_office, command_post=county_post, day=DAY)
    worklog_sign(by=hq_office, log=log)
    original = WorkLog.objects.get(pk=log.pk).body
    with time_machine.travel(at(DAY + dt.timedelta(days=1), 9), tick=False):
        amendment = worklog_amend(by=hq_office, log=log, text="补记: 20时接报沈家沟村发热一人, 已转运。")
    stored = WorkLog.objects.get(pk=log.pk)
    assert stored.body == original
    assert list(stored.amendments.values_list("text", "by", "at")) == [
        ("补记: 20时接报沈家沟村发热一人, 已转运。", hq_office.pk, at(DAY + dt.timedelta(days=1), 9))
    ]
    event = AuditEvent.objects.get(action="worklog.amend")
    assert event.summary["amendment"] == amendment.pk


def test_a_draft_is_edited_not_amended_and_an_empty_text_is_refused(
    world: World, hq_office: User, county_post: CommandPost
) -> None:
    log = worklog_draft(by=hq_office, command_post=county_post, day=DAY)
    with pytest.raises(ValidationError, match="not signed yet: edit it instead"):
        worklog_amend(by=hq_office, log=log, text="补记")
    with pytest.raises(ValidationError, match="cannot be empty"):
        worklog_edit(by=hq_office, log=log, body="  \n ")
    worklog_sign(by=hq_office, log=log)
    with pytest.raises(ValidationError, match="Say what the amendment changes"):
        worklog_amend(by=hq_office, log=log, text=" ")
    assert not WorkLogAmendment.objects.exists()
    assert WorkLog.objects.get(pk=log.pk).body == log.body


def test_drafting_again_refreshes_an_unedited_draft_but_never_the_offices_edits(
    world: World, hq_office: User, county_post: CommandPost
) -> None:
    first = worklog_draft(by=hq_office, command_post=county_post, day=DAY)
    immediate(world.village_a, "晚到的时时报", at(DAY, 20, 30))
    again = worklog_draft(by=hq_office, command_post=county_post, day=DAY)
    assert again.pk == first.pk and "晚到的时时报" in again.body
    assert AuditEvent.objects.filter(action="worklog.draft").count() == 2
    worklog_edit(by=hq_office, log=again, body="办公室整理后的日志")
    with pytest.raises(ValidationError, match="was edited by the office"):
        worklog_draft(by=hq_office, command_post=county_post, day=DAY)
    assert WorkLog.objects.get(pk=first.pk).body == "办公室整理后的日志"
    assert WorkLog.objects.count() == 1


def test_a_day_that_has_not_come_is_refused(hq_office: User, county_post: CommandPost) -> None:
    with pytest.raises(ValidationError, match="has not come yet"):
        worklog_draft(by=hq_office, command_post=county_post, day=DAY + dt.timedelta(days=1))
    assert not WorkLog.objects.exists() and not AuditEvent.objects.filter(action__startswith="worklog").exists()


def test_roles_and_scope_are_enforced_by_the_services(world: World, hq_office: User, county_post: CommandPost) -> None:
    village = factories.account("village_cadre", world.village_a, username="village-a")
    volunteer = factories.account("volunteer", world.county, username="county-volunteer")
    with pytest.raises(PermissionDenied):
        worklog_draft(by=village, command_post=county_post, day=DAY)
    log = worklog_draft(by=hq_office, command_post=county_post, day=DAY)
    for user in (village, volunteer):
        with pytest.raises(PermissionDenied):
            worklog_edit(by=user, log=log, body="篡改")
        with pytest.raises(PermissionDenied):
            worklog_sign(by=user, log=log)
    stored = WorkLog.objects.get(pk=log.pk)
    assert stored.body == log.body and stored.status == WorkLog.Status.DRAFT
    assert AuditEvent.objects.filter(action__startswith="worklog").count() == 1


def test_the_pdf_carries_the_chinese_text_the_signature_and_the_amendment(
    world: World, hq_office: User, county_post: CommandPost
) -> None:
    busy_day(world, county_post, hq_office)
    log = worklog_draft(by=hq_office, command_post=county_post, day=DAY)
    worklog_sign(by=hq_office, log=log)
    worklog_amend(by=hq_office, log=log, text="补记: 沈家沟村发热一人已转运")
    content = worklog_pdf(WorkLog.objects.get(pk=log.pk))
    assert content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    squeezed = "".join(text.split())
    for words in (
        "木垒哈萨克自治县疫情防控指挥部",
        "水磨沟村发现发热病人0号",
        "木垒镇增设东卡点0",
        "沈家沟村发热一人已转运",
    ):
        assert words in squeezed, words
    assert "2020-02-03" in text and "Amendments after signing" in text and "Signed by" in text


def test_the_docx_reads_back_with_the_text_and_the_amendment(
    world: World, hq_office: User, county_post: CommandPost
) -> None:
    busy_day(world, county_post, hq_office)
    log = worklog_draft(by=hq_office, command_post=county_post, day=DAY)
    worklog_sign(by=hq_office, log=log)
    worklog_amend(by=hq_office, log=log, text="补记: 沈家沟村发热一人已转运")
    document = Document(io.BytesIO(worklog_docx(WorkLog.objects.get(pk=log.pk))))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert paragraphs[0] == "Work log of 木垒哈萨克自治县疫情防控指挥部, 2020-02-03"
    assert "木垒哈萨克自治县疫情防控指挥部" in cells and "2020-02-03" in cells and "signed" in cells
    assert any("水磨沟村发现发热病人0号" in p for p in paragraphs)
    assert any("木垒镇增设东卡点0" in p for p in paragraphs)
    assert paragraphs.index("Amendments after signing") < paragraphs.index("补记: 沈家沟村发热一人已转运")
    assert document.core_properties.title.startswith("Work log of")


def test_the_periodic_job_drafts_each_posts_log_once(world: World, hq_office: User, county_post: CommandPost) -> None:
    command.post(world.township_a, groups=False)
    command.post(world.township_b, groups=False)
    edited = worklog_draft(by=hq_office, command_post=county_post, day=DAY)
    worklog_edit(by=hq_office, log=edited, body="办公室已写好")
    assert worklogs_draft_all(DAY) == 2
    assert worklogs_draft_all(DAY) == 0
    assert WorkLog.objects.filter(day=DAY).count() == 3
    assert WorkLog.objects.get(pk=edited.pk).body == "办公室已写好"
    system = AuditEvent.objects.filter(action="worklog.draft", actor=None)
    assert system.count() == 2 and {e.actor_label for e in system} == {"system"}


def test_the_days_records_cost_the_same_queries_few_or_many(
    world: World, hq_office: User, county_post: CommandPost
) -> None:
    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            worklog_text(day_records(county_post, DAY))
        return len(queries)

    busy_day(world, county_post, hq_office, copies=1)
    few = cost()
    busy_day(world, county_post, hq_office, copies=6, start=1)
    records = day_records(county_post, DAY)
    assert len(records.immediate) == 7 and len(records.items_verified) == 7 and len(records.meetings) == 7
    assert cost() == few <= 7
