"""The work log pages as the office uses them: draft the day, edit, sign, amend, download; a signed log edited in
place says so and changes nothing; a village cadre of another subtree reaches nobody's log but their own."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from bastion.command.models import CommandPost, WorkLog, WorkLogAmendment
from bastion.command.services.worklog import worklog_draft, worklog_sign
from bastion.core.models import AuditEvent, User
from tests import factories
from tests.command import factories as command
from tests.command.test_worklog import DAY, at, busy_day, immediate
from tests.conftest import World, english_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def evening_of_the_day() -> Iterator[None]:
    with time_machine.travel(at(DAY, 21), tick=False):
        yield


def test_the_office_drafts_edits_signs_and_amends_the_log(
    world: World, hq_office: User, county_post: CommandPost
) -> None:
    busy_day(world, county_post, hq_office)
    client = english_client(hq_office)
    form = client.get(reverse("command:worklog_draft")).content.decode()
    assert 'value="2020-02-03"' in form and "木垒哈萨克自治县疫情防控指挥部" in form

    response = client.post(reverse("command:worklog_draft"), {"command_post": county_post.pk, "day": "2020-02-03"})
    log = WorkLog.objects.get(command_post=county_post, day=DAY)
    assert response.status_code == 302 and response["Location"] == reverse("command:worklog_detail", args=[log.pk])
    page = client.get(response["Location"]).content.decode()
    assert "水磨沟村发现发热病人0号" in page and "木垒镇增设东卡点0" in page and "落实卡点值守0" in page
    assert "Sign the log" in page and reverse("command:worklog_edit", args=[log.pk]) in page

    edit_url = reverse("command:worklog_edit", args=[log.pk])
    assert "木垒镇增设东卡点0" in client.get(edit_url).content.decode()
    body = log.body + "\n县领导带队检查卡点三处。"
    assert client.post(edit_url, {"body": body}).status_code == 302
    assert WorkLog.objects.get(pk=log.pk).edited_by == hq_office

    assert client.get(reverse("command:worklog_sign", args=[log.pk])).status_code == 405
    signed = client.post(reverse("command:worklog_sign", args=[log.pk]), follow=True).content.decode()
    assert "The log is signed. Any later change is an amendment." in signed
    stored = WorkLog.objects.get(pk=log.pk)
    assert stored.status == WorkLog.Status.SIGNED and stored.signed_by == hq_office
    assert "Sign the log" not in signed and "Add an amendment" in signed

    amended = client.post(
        reverse("command:worklog_amend", args=[log.pk]), {"text": "补记: 21时接报水磨沟村发热一人。"}, follow=True
    ).content.decode()
    assert "The amendment is kept after the signed log." in amended and "补记: 21时接报水磨沟村发热一人。" in amended
    assert WorkLog.objects.get(pk=log.pk).body == stored.body == body.strip().replace("\r\n", "\n")
    assert list(
        AuditEvent.objects.filter(object_type="command.worklog").order_by("pk").values_list("action", flat=True)
    ) == ["worklog.draft", "worklog.edit", "worklog.sign", "worklog.amend"]


def test_a_signed_log_edited_in_place_gets_a_clear_message_and_changes_nothing(
    world: World, hq_office: User, county_post: CommandPost
) -> None:
    log = worklog_sign(by=hq_office, log=worklog_draft(by=hq_office, command_post=county_post, day=DAY))
    before = WorkLog.objects.filter(pk=log.pk).values().get()
    events = AuditEvent.objects.count()
    client = english_client(hq_office)
    url = reverse("command:worklog_edit", args=[log.pk])

    response = client.post(url, {"body": "改写后的日志"})
    assert response.status_code == 400
    assert "This log is signed: add an amendment instead." in response.content.decode()
    shown = client.get(url, follow=True)
    assert shown.redirect_chain == [(reverse("command:worklog_detail", args=[log.pk]), 302)]
    assert "This log is signed: add an amendment instead." in shown.content.decode()
    again = client.post(reverse("command:worklog_sign", args=[log.pk]), follow=True).content.decode()
    assert "This log is signed: add an amendment instead." in again
    redraft = client.post(reverse("command:worklog_draft"), {"command_post": county_post.pk, "day": "2020-02-03"})
    assert redraft.status_code == 400 and "is signed: add an amendment instead" in redraft.content.decode()

    assert WorkLog.objects.filter(pk=log.pk).values().get() == before
    assert AuditEvent.objects.count() == events


def test_an_empty_edit_and_a_draft_of_tomorrow_are_refused_with_their_reason(
    world: World, hq_office: User, county_post: CommandPost
) -> None:
    log = worklog_draft(by=hq_office, command_post=county_post, day=DAY)
    client = english_client(hq_office)
    response = client.post(reverse("command:worklog_edit", args=[log.pk]), {"body": "   "})
    assert response.status_code == 400 and "Write the log: it cannot be empty." in response.content.decode()
    tomorrow = client.post(reverse("command:worklog_draft"), {"command_post": county_post.pk, "day": "2020-02-04"})
    assert tomorrow.status_code == 400 and "has not come yet" in tomorrow.content.decode()
    amend = client.get(reverse("command:worklog_amend", args=[log.pk]), follow=True)
    assert "This log is not signed yet: edit it instead." in amend.content.decode()
    assert WorkLog.objects.get().body == log.body and not WorkLogAmendment.objects.exists()


def test_the_log_downloads_as_pdf_and_docx(world: World, hq_office: User, county_post: CommandPost) -> None:
    busy_day(world, county_post, hq_office)
    log = worklog_draft(by=hq_office, command_post=county_post, day=DAY)
    client = english_client(hq_office)
    pdf = client.get(reverse("command:worklog_pdf", args=[log.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "水磨沟村发现发热病人0号" in text and "疫情防控指挥部" in text
    docx = client.get(reverse("command:worklog_docx", args=[log.pk]))
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    assert f'filename="worklog-{world.county.pk}-20200203.docx"' in docx["Content-Disposition"]
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert any("木垒镇增设东卡点0" in p for p in paragraphs)


def test_the_list_filters_by_unit_day_and_status(world: World, hq_office: User, county_post: CommandPost) -> None:
    township = command.post(world.township_a, groups=False)
    older = worklog_draft(by=None, command_post=county_post, day=DAY - dt.timedelta(days=2))
    worklog_sign(by=hq_office, log=older)
    worklog_draft(by=None, command_post=county_post, day=DAY)
    worklog_draft(by=None, command_post=township, day=DAY)
    client = english_client(hq_office)
    url = reverse("command:worklog_list")

    def days_listed(**query: str | int) -> list[tuple[str, str]]:
        page = client.get(url, query).context["page"]
        return [(f"{log.day:%m-%d}", log.command_post.org_unit.name) for log in page]

    assert days_listed() == [("02-03", "木垒哈萨克自治县"), ("02-03", "木垒镇"), ("02-01", "木垒哈萨克自治县")]
    assert days_listed(unit=world.township_a.pk) == [("02-03", "木垒镇")]
    assert days_listed(status="signed") == [("02-01", "木垒哈萨克自治县")]
    assert days_listed(**{"from": "2020-02-02", "to": "2020-02-03", "status": "draft"}) == [
        ("02-03", "木垒哈萨克自治县"),
        ("02-03", "木垒镇"),
    ]
    assert client.get(url, {"to": "2020-02-30"}).status_code == 200


def test_the_list_costs_the_same_queries_however_many_logs(
    world: World, hq_office: User, county_post: CommandPost
) -> None:
    client = english_client(hq_office)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("command:worklog_list")).status_code == 200
        return len(queries)

    worklog_draft(by=None, command_post=county_post, day=DAY)
    few = cost()
    for days in range(1, 8):
        worklog_sign(by=hq_office, log=worklog_draft(by=None, command_post=county_post, day=DAY - dt.timedelta(days)))
    assert cost() == few


def test_a_village_a_cadre_reaches_neither_the_county_nor_township_b_log(
    world: World, hq_office: User, county_post: CommandPost
) -> None:
    immediate(world.village_b, "沈家沟村发热一人", at(DAY, 9))
    post_b = command.post(world.township_b, groups=False)
    logs = [
        worklog_draft(by=None, command_post=county_post, day=DAY),
        worklog_draft(by=None, command_post=post_b, day=DAY),
    ]
    cadre = factories.account("village_cadre", world.village_a, username="village-a")
    before = list(WorkLog.objects.order_by("pk").values())
    events = AuditEvent.objects.count()
    client = english_client(cadre)
    for log in logs:
        for name in ("worklog_detail", "worklog_edit", "worklog_amend", "worklog_pdf", "worklog_docx"):
            url = reverse(f"command:{name}", args=[log.pk])
            assert client.get(url).status_code == 404, url
        for name, data in [("worklog_edit", {"body": "篡改"}), ("worklog_sign", {}), ("worklog_amend", {"text": "x"})]:
            url = reverse(f"command:{name}", args=[log.pk])
            assert client.post(url, data).status_code == 404, url
    listed = client.get(reverse("command:worklog_list")).content.decode()
    assert "东城镇" not in listed and "沈家沟" not in listed and "木垒哈萨克自治县疫情防控指挥部" not in listed
    assert client.get(reverse("command:worklog_list"), {"unit": world.township_b.pk}).status_code == 404
    refused = client.post(reverse("command:worklog_draft"), {"command_post": post_b.pk, "day": "2020-02-03"})
    assert refused.status_code == 400 and "沈家沟" not in refused.content.decode()
    assert list(WorkLog.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.count() == events and not WorkLogAmendment.objects.exists()


def test_a_volunteer_reads_no_log_and_a_working_group_may_read_but_not_sign(
    world: World, hq_office: User, county_post: CommandPost
) -> None:
    log = worklog_draft(by=None, command_post=county_post, day=DAY)
    volunteer = english_client(factories.account("volunteer", world.county, username="county-volunteer"))
    assert volunteer.get(reverse("command:worklog_detail", args=[log.pk])).status_code == 403
    lead = english_client(User.objects.get(username="lead_monitoring"))
    page = lead.get(reverse("command:worklog_detail", args=[log.pk]))
    assert page.status_code == 200 and "Sign the log" not in page.content.decode()
    assert lead.post(reverse("command:worklog_sign", args=[log.pk])).status_code == 403
    assert lead.post(reverse("command:worklog_edit", args=[log.pk]), {"body": "改"}).status_code == 403
    assert WorkLog.objects.get(pk=log.pk).status == WorkLog.Status.DRAFT
