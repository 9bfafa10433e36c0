"""The mobilization pages as their users see them: the register, batches, the QR check-in, the roster."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from bastion.checkpoints.models import Post
from bastion.core.models import Job, User
from bastion.mobilization.models import Assignment, Batch, Responder, Shift, ShiftPattern, ShiftTurn, SwapRequest
from bastion.mobilization.services.checkin import unit_token
from tests import factories as factories_core
from tests.conftest import World, english_client
from tests.mobilization import factories
from tests.mobilization.test_mobilisation import SHANGHAI
from tests.mobilization.workbooks import REGISTER_HEADER, workbook

pytestmark = pytest.mark.django_db


def form(**data: Any) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def test_a_responder_is_added_by_form_and_bad_input_stores_nothing(world: World, township_cadre: User) -> None:
    client = english_client(township_cadre)
    url = reverse("mobilization:responder_new")
    data = {"name": "王建国", "phone": "139 1234 5678", "category": 2, "org_unit": world.village_a.pk}
    from bastion.mobilization.models import ResponderCategory

    data["category"] = ResponderCategory.objects.get(code="cadre").pk
    bad = client.post(url, data | {"phone": "1391234"})
    assert bad.status_code == 400 and "is not a valid phone number" in bad.content.decode()
    assert not Responder.objects.exists()
    assert client.post(url, data).status_code == 302
    assert Responder.objects.get().phone == "13912345678"
    again = client.post(url, data | {"name": "王建军"})
    assert again.status_code == 400 and "already registered for a responder of 水磨沟村" in again.content.decode()
    outside = client.post(url, data | {"phone": "13912345679", "org_unit": world.village_b.pk})
    assert outside.status_code == 400 and Responder.objects.count() == 1


def test_the_register_is_searched_by_pinyin_filtered_and_exported_with_phones_masked(
    world: World, township_cadre: User
) -> None:
    factories.responder(world.village_a, "王建国", phone="13912345678")
    factories.responder(world.village_a, "李秀英", category="volunteer")
    factories.responder(world.village_b, "王沈家")
    client = english_client(township_cadre)
    url = reverse("mobilization:responder_list")
    page = client.get(url, {"q": "wjg"}).content.decode()
    assert "王建国" in page and "李秀英" not in page and "139****5678" in page and "13912345678" not in page
    assert "王沈家" not in client.get(url).content.decode(), "another township's responder"
    export = client.get(url, {"format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"13912345678" not in export.content


def test_the_register_list_costs_the_same_queries_for_2_and_12_responders(world: World, county_admin: User) -> None:
    client = english_client(county_admin)
    url = reverse("mobilization:responder_list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for i in range(2):
        factories.responder(world.village_a, f"队员{i}")
    two = queries()
    for i in range(10):
        factories.responder(world.village_b, f"队员{i + 2}", category="volunteer")
    assert queries() == two


def test_an_import_uploaded_on_the_page_runs_as_a_job(
    world: World, county_admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = english_client(county_admin)
    rows = [("李书记", "13900000001", "科级以上领导", "木垒镇", ""), ("错人", "139", "群众", "水磨沟村", "")]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("mobilization:responder_import"),
            {"file": SimpleUploadedFile("register.xlsx", workbook(REGISTER_HEADER, rows))},
        )
    job = Job.objects.latest("pk")
    assert job.status == Job.Status.FAILED and job.result["error_count"] == 2 and not Responder.objects.exists()
    page = client.get(reverse("core:job", kwargs={"job_id": job.pk})).content.decode()
    assert "Unknown category 群众" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("mobilization:responder_import"),
            {"file": SimpleUploadedFile("register.xlsx", workbook(REGISTER_HEADER, rows[:1]))},
        )
    assert Job.objects.latest("pk").status == Job.Status.DONE and Responder.objects.get().name == "李书记"
    template = client.get(reverse("mobilization:responder_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_batch_is_made_and_responders_assigned_by_phone_on_the_page(world: World, county_admin: User) -> None:
    client = english_client(county_admin)
    wang = factories.responder(world.village_a, "王建国", phone="13912345678")
    response = client.post(
        reverse("mobilization:batch_new"), {"org_unit": world.county.pk, "number": 3, "report_by": "2020-02-07"}
    )
    batch = Batch.objects.get()
    assert response.status_code == 302 and batch.number == 3
    again = client.post(
        reverse("mobilization:batch_new"), {"org_unit": world.county.pk, "number": 3, "report_by": "2020-02-07"}
    )
    assert again.status_code == 400 and "already has a batch 3" in again.content.decode()
    assign = reverse("mobilization:assignment_new", kwargs={"batch_id": batch.pk})
    unknown = client.post(assign, {"phone": "13900000000", "unit": world.village_a.pk})
    assert unknown.status_code == 400 and "No active responder" in unknown.content.decode()
    assert client.post(assign, {"phone": "13912345678", "unit": world.village_a.pk}).status_code == 302
    twice = client.post(assign, {"phone": "13912345678", "unit": world.village_a.pk})
    assert twice.status_code == 400 and "already in Batch 3" in twice.content.decode()
    assert Assignment.objects.get().responder == wang
    bad_sheet = workbook(["姓名", "手机号", "报到单位"], [("王建国", "13912345678", "不存在村")])
    imported = client.post(
        reverse("mobilization:assignment_import", kwargs={"batch_id": batch.pk}),
        {"file": SimpleUploadedFile("list.xlsx", bad_sheet)},
    )
    assert imported.status_code == 400 and "No unit 不存在村 was found in your scope" in imported.content.decode()
    overview = client.get(reverse("mobilization:overview")).content.decode()
    assert "Batch 3" in overview


def test_the_check_in_page_needs_no_login_and_stops_a_flood(world: World, anonymous: Any) -> None:
    cache.clear()
    responder = factories.responder(world.village_a, "王建国", phone="13912345678")
    hq = factories_core.account("county_admin", world.county)
    batch = Batch.objects.create(org_unit=world.county, number=1, report_by=dt.date(2020, 2, 7), created_by=hq)
    Assignment.objects.create(batch=batch, responder=responder, unit=world.village_a)
    url = reverse("mobilization:check_in", kwargs={"token": unit_token(world.village_a)})
    anonymous.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert "水磨沟村" in anonymous.get(url).content.decode()
    assert anonymous.get(url.replace(":", ":x")).status_code == 404
    done = anonymous.post(url, {"phone": "13912345678"})
    assert done.status_code == 200 and "Reported to 水磨沟村" in done.content.decode()
    for _i in range(19):
        anonymous.post(url, {"phone": "13900000000"})
    flooded = anonymous.post(url, {"phone": "13912345678"})
    assert flooded.status_code == 400 and "Too many attempts" in flooded.content.decode()


def test_the_unit_check_in_poster_carries_the_unit_and_its_code(world: World, township_cadre: User) -> None:
    response = english_client(township_cadre).get(
        reverse("mobilization:check_in_poster", kwargs={"unit_id": world.village_a.pk})
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "水磨沟村" in text and unit_token(world.village_a) in text


@pytest.fixture
def post(world: World) -> Post:
    return Post.objects.create(org_unit=world.township_a, name="木垒东高速出口", kind="highway_exit")


def test_the_weekly_roster_is_edited_on_one_page_and_a_day_can_be_changed(
    world: World, township_cadre: User, post: Post
) -> None:
    lead = factories.responder(world.township_a, "李带班", user=township_cadre)
    member = factories.responder(world.village_a, "王队员")
    spare = factories.responder(world.village_a, "赵替班")
    client = english_client(township_cadre)
    url = reverse("mobilization:roster_post", kwargs={"post_id": post.pk})
    week = {"weekdays": [0, 1], "starts_at": "08:00", "ends_at": "16:00", "lead": lead.pk, "members": [member.pk]}
    with time_machine.travel(dt.datetime(2020, 2, 2, 20, tzinfo=SHANGHAI), tick=False):
        added = client.post(url, week)
        assert added.status_code == 302, added.content.decode()[-3000:]
        clash = client.post(url, week | {"weekdays": [0], "starts_at": "12:00", "ends_at": "20:00", "lead": spare.pk})
        assert clash.status_code == 400 and "already on duty" in clash.content.decode()
        assert ShiftPattern.objects.count() == 2 and Shift.objects.count() == 4  # two Mondays, two Tuesdays
        page = client.get(url).content.decode()
        assert "李带班" in page and "王队员" in page
        post_page = client.get(reverse("checkpoints:post_detail", kwargs={"post_id": post.pk})).content.decode()
        assert "李带班" in post_page and "No shift planned." not in post_page
        monday = Shift.objects.filter(day=dt.date(2020, 2, 3)).get()
        change = reverse("mobilization:shift_change", kwargs={"shift_id": monday.pk})
        client.post(change, {"lead": lead.pk, "members": [lead.pk, spare.pk], "note": "王队员请假"})
        monday.refresh_from_db()
        assert monday.is_exception and {t.responder.name for t in monday.turns.all()} == {"李带班", "赵替班"}
        pattern = ShiftPattern.objects.get(weekday=0)
        edit = reverse("mobilization:pattern_edit", kwargs={"pattern_id": pattern.pk})
        edited = client.post(edit, week | {"weekday": 0, "starts_at": "09:00", "is_active": "on"})
        assert edited.status_code == 302, edited.context["form"].errors
        assert Shift.objects.get(pk=monday.pk).starts_at.astimezone(SHANGHAI).hour == 8, "a day changed by hand stays"
        later = Shift.objects.get(pattern=pattern, day=dt.date(2020, 2, 10))
        assert later.starts_at.astimezone(SHANGHAI).hour == 9
    with time_machine.travel(dt.datetime(2020, 2, 3, 7, 55, tzinfo=SHANGHAI), tick=False):
        turn = monday.turns.get(responder=spare)
        assert client.post(reverse("mobilization:turn_check_in", kwargs={"turn_id": turn.pk})).status_code == 302
        assert ShiftTurn.objects.get(pk=turn.pk).checked_in_at is not None
        on_duty = client.get(reverse("mobilization:on_duty")).content.decode()
    assert "Nobody is on duty now." in on_duty, "the shift has not begun at 07:55"
    with time_machine.travel(dt.datetime(2020, 2, 3, 9, tzinfo=SHANGHAI), tick=False):
        on_duty = client.get(reverse("mobilization:on_duty")).content.decode()
        assert "赵替班" in on_duty and "李带班" in on_duty
        tuesday = Shift.objects.get(day=dt.date(2020, 2, 4))
        swap_turn = tuesday.turns.get(responder=member)
        client.post(reverse("mobilization:turn_swap", kwargs={"turn_id": swap_turn.pk}), {"replacement": spare.pk})
        swap = SwapRequest.objects.get()
        client.post(reverse("mobilization:swap_decide", kwargs={"swap_id": swap.pk}), {"decision": "approve"})
    assert ShiftTurn.objects.get(pk=swap_turn.pk).responder == spare
