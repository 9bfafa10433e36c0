"""The meeting, action item and weakness pages: bad input refused with its message, funds decisions, attachments,
the owning unit's view, and a dispatch page whose query count does not grow with the items."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bastion.command.models import ActionItem, CommandPost, Meeting, MeetingKind, Weakness
from bastion.command.services import actions
from bastion.command.services.meetings import attendance_record, meeting_open
from bastion.core.models import User
from bastion.supplies.models import FundEntry
from tests import factories
from tests.command import factories as command
from tests.conftest import World, english_client
from tests.supplies import factories as supplies


def dispatch(post: CommandPost, by: User) -> Meeting:
    return meeting_open(by=by, command_post=post, kind=MeetingKind.objects.get(code="morning_dispatch"))


def item(post: CommandPost, by: User, title: str = "消毒公共场所", **owner: object) -> ActionItem:
    owner = owner or {"owner_group": command.group(post, "monitoring")}
    return actions.action_item_create(
        by=by,
        command_post=post,
        title=title,
        due_on=timezone.localdate(),
        **owner,  # type: ignore[arg-type]
    )


def test_an_item_without_owner_or_due_before_today_is_refused_and_nothing_is_saved(
    county_post: CommandPost, hq_office: User
) -> None:
    office = english_client(hq_office)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = office.post(
        reverse("command:item_new"), {"title": "排查", "owner": "", "due_on": yesterday, "priority": 2}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in page or "Choose an owner" in page
    response = office.post(
        reverse("command:item_new"),
        {"title": "排查", "owner": f"g:{command.group(county_post, 'medical').pk}", "due_on": yesterday, "priority": 2},
    )
    assert "The due date cannot be before the item is set" in response.content.decode()
    assert not ActionItem.objects.exists()


def test_an_attendee_outside_the_command_post_is_refused(
    world: World, county_post: CommandPost, hq_office: User
) -> None:
    township_member = command.member(command.post(world.township_a), "镇干部")
    meeting = dispatch(county_post, hq_office)
    response = english_client(hq_office).post(
        reverse("command:meeting_attendance", args=[meeting.pk]), {"member": township_member.pk, "present": "1"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError, match="is not a current member of 木垒哈萨克自治县疫情防控指挥部"):
        attendance_record(by=hq_office, meeting=meeting, member=township_member, present=True)
    assert not meeting.attendances.exists()


def test_a_funds_decision_allocates_the_budget(world: World, county_post: CommandPost, hq_office: User) -> None:
    fund = supplies.fund(world.county, name="疫情防控专项资金")
    meeting = meeting_open(by=hq_office, command_post=county_post, kind=MeetingKind.objects.get(code="weekly"))
    office = english_client(hq_office)
    form = {
        "text": "先期投入50万元用于防控物资",
        "owner": f"g:{command.group(county_post, 'logistics').pk}",
        "due_on": timezone.localdate() + dt.timedelta(days=3),
        "priority": 1,
    }
    response = office.post(reverse("command:meeting_decision", args=[meeting.pk]), form | {"amount": "500000"})
    assert "Choose the fund the money goes into." in response.content.decode()
    assert not FundEntry.objects.exists() and not meeting.decisions.exists()
    office.post(reverse("command:meeting_decision", args=[meeting.pk]), form | {"amount": "500000", "fund": fund.pk})
    decision = meeting.decisions.get()
    assert decision.fund_entry is not None and decision.fund_entry.amount == 500000
    assert decision.fund_entry.kind == FundEntry.Kind.BUDGET and decision.fund_entry.fund == fund
    assert decision.action_items.get().owner_group == command.group(county_post, "logistics")


def test_the_owning_village_sees_and_works_on_its_item_but_nothing_else_of_the_county(
    world: World, county_post: CommandPost, hq_office: User
) -> None:
    own = item(county_post, hq_office, "水磨沟村送菜", owner_unit=world.village_a)
    other = item(county_post, hq_office, "县城消杀")
    meeting = dispatch(county_post, hq_office)
    cadre = english_client(factories.account("village_cadre", world.village_a))
    listing = cadre.get(reverse("command:item_list")).content.decode()
    assert "水磨沟村送菜" in listing and "县城消杀" not in listing
    assert cadre.get(reverse("command:item_detail", args=[other.pk])).status_code == 404
    assert cadre.get(reverse("command:meeting_detail", args=[meeting.pk])).status_code == 404
    response = cadre.post(
        reverse("command:meeting_decision", args=[meeting.pk]), {"text": "x", "owner": "", "due_on": ""}
    )
    assert response.status_code == 404 and not meeting.decisions.exists()
    cadre.post(reverse("command:item_claim", args=[own.pk]), {"text": "已送菜"})
    own.refresh_from_db()
    assert own.status == ActionItem.Status.CLAIMED
    outsider = english_client(factories.account("village_cadre", world.village_b))
    assert outsider.get(reverse("command:item_detail", args=[own.pk])).status_code == 404
    assert outsider.post(reverse("command:item_claim", args=[other.pk]), {"text": "x"}).status_code == 404


def test_a_photo_goes_with_a_progress_note_and_only_those_in_scope_download_it(
    world: World, county_post: CommandPost, hq_office: User
) -> None:
    task = item(county_post, hq_office)
    office = english_client(hq_office)
    photo = SimpleUploadedFile("消杀现场.jpg", b"\xff\xd8\xff\xe0photo", content_type="image/jpeg")
    office.post(reverse("command:item_progress", args=[task.pk]), {"text": "已消杀", "attachment": photo})
    note = task.notes.get()
    assert note.attachment.name.endswith(".jpg")
    download = office.get(reverse("command:note_attachment", args=[note.pk]))
    assert b"".join(download.streaming_content) == b"\xff\xd8\xff\xe0photo"  # type: ignore[attr-defined]
    outsider = english_client(factories.account("village_cadre", world.village_b))
    assert outsider.get(reverse("command:note_attachment", args=[note.pk])).status_code == 404
    script = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = office.post(reverse("command:item_progress", args=[task.pk]), {"text": "x", "attachment": script})
    assert "not .exe" in response.content.decode() and task.notes.count() == 1


def test_a_weakness_is_verified_only_once_its_corrective_items_are(
    world: World, county_post: CommandPost, hq_office: User
) -> None:
    office = english_client(hq_office)
    office.post(
        reverse("command:weakness_new"),
        {
            "org_unit": world.village_a.pk,
            "found_by": "督导组",
            "found_on": timezone.localdate(),
            "description": "卡点夜间无人值守",
        },
    )
    weakness = Weakness.objects.get()
    office.post(
        reverse("command:weakness_item", args=[weakness.pk]),
        {"title": "落实夜间值守", "owner": f"u:{world.village_a.pk}", "due_on": timezone.localdate(), "priority": 1},
    )
    corrective = weakness.action_items.get()
    supervision = english_client(command.group(county_post, "supervision").lead.user)  # type: ignore[union-attr, arg-type]
    response = supervision.post(reverse("command:weakness_verify", args=[weakness.pk]), {"verification": "夜查"})
    assert "Some corrective items are not verified yet." in response.content.decode()
    actions.action_item_claim(by=hq_office, item=corrective, text="已排班")
    supervision.post(reverse("command:item_verify", args=[corrective.pk]), {"text": "夜查属实"})
    supervision.post(reverse("command:weakness_verify", args=[weakness.pk]), {"verification": "夜查两次均有人"})
    weakness.refresh_from_db()
    assert weakness.status == Weakness.Status.VERIFIED and weakness.verification == "夜查两次均有人"


def test_the_items_export_holds_the_listed_items(county_post: CommandPost, hq_office: User) -> None:
    item(county_post, hq_office, "消毒公共场所")
    item(county_post, hq_office, "张贴双语通知")
    response = english_client(hq_office).get(reverse("command:item_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    titles = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert titles == {"消毒公共场所", "张贴双语通知"}


def test_the_dispatch_page_costs_the_same_queries_for_2_items_as_for_10(
    county_post: CommandPost, hq_office: User
) -> None:
    meeting = dispatch(county_post, hq_office)
    office = english_client(hq_office)
    url = reverse("command:meeting_detail", args=[meeting.pk])
    office.get(url)

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office.get(url).status_code == 200
        return len(queries)

    for n in range(2):
        item(county_post, hq_office, f"任务{n}")
    few = counted()
    groups = ["medical", "logistics", "publicity", "supervision"]
    for n in range(8):
        item(county_post, hq_office, f"更多任务{n}", owner_group=command.group(county_post, groups[n % 4]))
    assert counted() == few


def test_the_start_page_lists_the_items_waiting_for_me_and_not_others(
    world: World, county_post: CommandPost, hq_office: User
) -> None:
    item(county_post, hq_office, "水磨沟村送菜", owner_unit=world.village_a)
    item(county_post, hq_office, "县城消杀")
    village = english_client(factories.account("village_cadre", world.village_a)).get("/").content.decode()
    assert "Action items waiting for you" in village and "水磨沟村送菜" in village and "县城消杀" not in village
    monitoring_lead = command.group(county_post, "monitoring").lead.user  # type: ignore[union-attr]
    lead_page = english_client(monitoring_lead).get("/").content.decode()  # type: ignore[arg-type]
    assert "县城消杀" in lead_page and "水磨沟村送菜" not in lead_page
    other = english_client(factories.account("village_cadre", world.village_b)).get("/").content.decode()
    assert "Action items waiting for you" not in other
