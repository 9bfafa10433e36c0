"""The daily briefing (每日简报): what it holds in the PDF and the workbook, the morning job that makes it once per
county and township, who may read and make one, and a constant number of queries whatever the volume."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from bastion.command.models import ActionItem, CommandPost
from bastion.command.services.actions import action_item_create
from bastion.core.models import AuditEvent, OrgUnit, User
from bastion.dashboard import tasks
from bastion.dashboard.briefing import briefing_gather
from bastion.dashboard.figures import FIGURES
from bastion.dashboard.models import Briefing
from bastion.dashboard.services import briefing_make, briefings_make_due
from bastion.reporting.models import ImmediateReport, IncidentCategory
from bastion.reporting.services.immediate import immediate_report_file
from tests import factories
from tests.command import factories as command
from tests.conftest import World, client_for, english_client


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def a_report(unit: OrgUnit, *, hours_ago: float = 2, text: str = "发热一人") -> ImmediateReport:
    at = timezone.now() - dt.timedelta(hours=hours_ago)
    return immediate_report_file(
        by=None,
        org_unit=unit,
        category=IncidentCategory.objects.get(code="suspected_case"),
        description=text,
        now=at,
        occurred_at=at,
    )


def an_item(post: CommandPost, title: str, *, owner_unit: OrgUnit, due_on: dt.date | None = None) -> ActionItem:
    return action_item_create(
        by=None, command_post=post, title=title, due_on=due_on or timezone.localdate(), owner_unit=owner_unit
    )


@pytest.fixture
def hq(world: World) -> User:
    return factories.account("hq_staff", world.county, username="office")


@pytest.fixture
def county_post(world: World) -> CommandPost:
    return command.post(world.county, groups=False)


def test_the_county_briefing_holds_the_figures_townships_reports_and_items_due(
    world: World, hq: User, county_post: CommandPost
) -> None:
    # Given an immediate report of village A this morning, one of two days ago, and three items due today (one done)
    a_report(world.village_a, hours_ago=2)
    a_report(world.village_a, hours_ago=50, text="旧事")
    an_item(county_post, "全县卡点人员轮换", owner_unit=world.township_a)
    an_item(command.post(world.township_a, groups=False), "木垒镇消杀", owner_unit=world.village_a)
    done = an_item(county_post, "统计返乡人员", owner_unit=world.township_b)
    ActionItem.objects.filter(pk=done.pk).update(status=ActionItem.Status.VERIFIED)
    an_item(county_post, "下周的事", owner_unit=world.township_a, due_on=timezone.localdate() + dt.timedelta(days=7))

    # When the HQ makes the county's briefing for today
    briefing = briefing_make(by=hq, unit=world.county, day=timezone.localdate())

    # Then the PDF, read back as text, holds the title, the county, its townships, the report and the items
    with briefing.pdf.open("rb") as file:
        text = pdf_text(file.read())
    for expected in (
        "每日简报",
        "木垒哈萨克自治县",
        "木垒镇",
        "东城镇",
        "水磨沟村",
        "全县卡点人员轮换",
        "统计返乡人员",
    ):
        assert expected in text, f"{expected!r} is not in the briefing"
    assert "下周的事" not in text, "an item due next week is not due today"
    assert "发热一人" not in text and "旧事" not in text, "a report's own words may name people: never shown"
    assert str(IncidentCategory.objects.get(code="suspected_case")) in text
    assert text.index("全县卡点人员轮换") < text.index("统计返乡人员"), "unfinished items come first"

    # And the workbook reads back, one sheet for each part
    with briefing.xlsx.open("rb") as file:
        book = load_workbook(io.BytesIO(file.read()), read_only=True)
    assert len(book.sheetnames) == 4
    figures, by_township, reports, items = (list(book[name].iter_rows(values_only=True)) for name in book.sheetnames)
    assert any(row[1] == "command.open_by_due" for row in figures[1:])
    assert [row[0] for row in by_township[1:-1]] == ["木垒镇", "东城镇"]
    open_by_due = by_township[0].index(str(FIGURES["command.open_by_due"].label))
    assert [row[open_by_due] for row in by_township[1:]] == [1, 0, 1], "township A's post has one item open"
    assert len(reports) == 2 and reports[1][1] == "水磨沟村"
    assert [row[0] for row in items[1:]] == ["全县卡点人员轮换", "木垒镇消杀", "统计返乡人员"]

    # And the making is audited
    event = AuditEvent.objects.get(action="briefing.make")
    assert event.actor == hq and event.object_id == str(briefing.pk) and event.org_unit == world.county
    assert event.summary["immediate_reports"] == 1 and event.summary["action_items_due"] == 3


def test_a_past_day_covers_the_whole_day_and_the_reports_of_its_last_24_hours(world: World, hq: User) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    a_report(world.village_a, hours_ago=0.5)
    data = briefing_gather(world.county, yesterday)
    assert data.whole_day and data.incidents == []
    with translation.override("en"), pytest.raises(ValidationError, match="day to come"):
        briefing_make(by=hq, unit=world.county, day=timezone.localdate() + dt.timedelta(days=1))


def test_the_morning_job_makes_one_briefing_per_county_and_township_once(world: World) -> None:
    day = timezone.localdate()
    assert briefings_make_due(day) == 3
    assert set(Briefing.objects.filter(day=day).values_list("org_unit", flat=True)) == {
        world.county.pk,
        world.township_a.pk,
        world.township_b.pk,
    }
    assert briefings_make_due(day) == 0
    tasks.briefings_make_task()  # what the scheduler runs: today, already made
    assert Briefing.objects.filter(day=day).count() == 3
    assert AuditEvent.objects.filter(action="briefing.make", actor=None).count() == 3


def test_a_township_cadre_cannot_read_the_county_briefing_nor_make_one(
    world: World, hq: User, township_cadre: User, volunteer: User
) -> None:
    county = briefing_make(by=hq, unit=world.county, day=timezone.localdate())
    client = english_client(township_cadre)
    assert client.get(reverse("dashboard:briefing_pdf", args=[county.pk])).status_code == 404
    assert client.get(reverse("dashboard:briefing_xlsx", args=[county.pk])).status_code == 404
    assert "木垒哈萨克自治县" not in client.get(reverse("dashboard:briefing_list")).content.decode()
    before = (Briefing.objects.count(), AuditEvent.objects.filter(action="briefing.make").count())
    response = client.post(
        reverse("dashboard:briefing_new"), {"unit": world.county.pk, "day": timezone.localdate().isoformat()}
    )
    assert response.status_code == 400
    with pytest.raises(PermissionDenied):
        briefing_make(by=township_cadre, unit=world.county, day=timezone.localdate())
    # A volunteer's role sees no briefing at all
    stranger = client_for(volunteer)
    assert stranger.get(reverse("dashboard:briefing_list")).status_code == 403
    assert stranger.get(reverse("dashboard:briefing_pdf", args=[county.pk])).status_code == 403
    assert stranger.post(reverse("dashboard:briefing_new"), {"unit": world.village_a.pk}).status_code == 403
    assert (Briefing.objects.count(), AuditEvent.objects.filter(action="briefing.make").count()) == before


def test_the_hq_makes_a_briefing_on_the_page_and_reads_its_files(world: World, hq: User) -> None:
    client = english_client(hq)
    page = client.get(reverse("dashboard:briefing_list"))
    assert page.status_code == 200 and "Make the briefing" in page.content.decode()
    day = timezone.localdate().isoformat()
    response = client.post(reverse("dashboard:briefing_new"), {"unit": world.township_a.pk, "day": day})
    assert response.status_code == 302
    briefing = Briefing.objects.get()
    assert briefing.org_unit == world.township_a and briefing.created_by == hq
    listed = client.get(reverse("dashboard:briefing_list"), {"unit": world.township_a.pk, "from": day, "to": day})
    assert reverse("dashboard:briefing_pdf", args=[briefing.pk]) in listed.content.decode()
    empty = client.get(reverse("dashboard:briefing_list"), {"unit": world.township_b.pk})
    assert reverse("dashboard:briefing_pdf", args=[briefing.pk]) not in empty.content.decode()
    pdf = client.get(reverse("dashboard:briefing_pdf", args=[briefing.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "木垒镇" in pdf_text(b"".join(pdf.streaming_content))  # type: ignore[attr-defined]
    xlsx = client.get(reverse("dashboard:briefing_xlsx", args=[briefing.pk]))
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True)  # type: ignore[attr-defined]


def _queries_to_gather(unit: OrgUnit) -> int:
    with CaptureQueriesContext(connection) as queries:
        briefing_gather(unit, timezone.localdate())
    return len(queries)


def test_the_briefing_gathers_in_a_constant_number_of_queries(world: World, county_post: CommandPost) -> None:
    a_report(world.village_a)
    an_item(county_post, "一件事", owner_unit=world.township_a)
    few = _queries_to_gather(world.county)
    for n in range(15):
        a_report((world.village_a, world.village_b, world.compound_b)[n % 3], hours_ago=n % 20)
        an_item(county_post, f"事项{n}", owner_unit=(world.township_a, world.township_b)[n % 2])
    township_post = command.post(world.township_b, groups=False)
    member = command.member(township_post, "周书记")
    action_item_create(
        by=None, command_post=township_post, title="东城镇的事", due_on=timezone.localdate(), owner_member=member
    )
    many = _queries_to_gather(world.county)
    assert few == many <= 10
    assert len(briefing_gather(world.county, timezone.localdate()).items) == 17
