"""The supermarket story: the inspection team finds no temperature check at the entrance, sets a rectification with
a deadline, and the re-inspection that passes closes it; bad input changes nothing; photos stay in scope."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from bastion.command.models import ActionItem, CommandPost
from bastion.core.models import AuditEvent, User
from bastion.outreach.models import ChecklistItem, Inspection, InspectionAnswer, Place
from bastion.outreach.services.inspections import AnswerInput, inspection_record
from tests import factories
from tests.command import factories as command
from tests.conftest import World, english_client
from tests.outreach import factories as outreach

pytestmark = pytest.mark.django_db


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def county_post(world: World) -> CommandPost:
    return command.post(world.county, groups=False)


@pytest.fixture
def supermarket(world: World) -> Place:
    return outreach.place(world.village_a)


def checklist(place: Place) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(place_kind=place.kind, is_active=True))


def page_data(place: Place, failed: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    """The checklist page filled in: every item passed but those in ``failed`` (code: what was wrong)."""
    failed = failed or {}
    data: dict[str, Any] = {
        "inspected_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "inspectors": "县督查组 王、李",
        "note": "",
        "rectify_by": "",
    }
    for item in checklist(place):
        data[f"item_{item.pk}"] = "failed" if item.code in failed else "passed"
        data[f"note_{item.pk}"] = failed.get(item.code, "")
    return data | extra


def answers(place: Place, failed: dict[str, str] | None = None) -> list[AnswerInput]:
    failed = failed or {}
    return [AnswerInput(item, item.code not in failed, failed.get(item.code, "")) for item in checklist(place)]


def temperature(place: Place) -> ChecklistItem:
    return ChecklistItem.objects.get(place_kind=place.kind, code="temperature")


def test_a_failed_item_opens_a_rectification_and_the_reinspection_that_passes_closes_it(
    world: World, inspector: User, county_post: CommandPost, supermarket: Place
) -> None:
    client = english_client(inspector)
    deadline = timezone.localdate() + dt.timedelta(days=2)
    data = page_data(supermarket, {"temperature": "入口无人测温"}, rectify_by=deadline.isoformat())
    data[f"photo_{temperature(supermarket).pk}"] = png("entrance.png")

    # The inspection on the phone
    form = client.get(reverse("outreach:inspection_new", args=[supermarket.pk])).content.decode()
    assert "One metre kept in queues" in form and 'accept="image/*"' in form and 'name="rectify_by"' in form
    response = client.post(reverse("outreach:inspection_new", args=[supermarket.pk]), data)

    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "outreach:inspection_detail", args=[inspection.pk]
    )
    assert inspection.result == Inspection.Result.FAILED and inspection.rectify_by == deadline
    failed = InspectionAnswer.objects.get(inspection=inspection, passed=False)
    assert failed.item.code == "temperature" and failed.note == "入口无人测温" and failed.photo
    item = inspection.rectification
    assert item is not None and item.command_post == county_post and item.owner_unit == world.village_a
    assert item.due_on == deadline and item.origin == ActionItem.Origin.INSPECTION and item.status == "open"
    assert "万家福超市" in item.title and "Temperature check at the entrance" in item.title
    place_page = client.get(reverse("outreach:place_detail", args=[supermarket.pk])).content.decode()
    assert item.title in place_page and reverse("outreach:reinspection_new", args=[inspection.pk]) in place_page

    # The re-inspection finds the temperature checked
    response = client.post(reverse("outreach:reinspection_new", args=[inspection.pk]), page_data(supermarket))

    again = Inspection.objects.exclude(pk=inspection.pk).get()
    assert response.status_code == 302 and again.follows == inspection and again.result == Inspection.Result.PASSED
    item.refresh_from_db()
    assert item.status == ActionItem.Status.VERIFIED and item.verified_by == inspector
    assert list(item.notes.values_list("status_to", flat=True)) == ["claimed", "verified"]
    place_page = client.get(reverse("outreach:place_detail", args=[supermarket.pk])).content.decode()
    assert "No open rectification." in place_page
    assert reverse("outreach:inspection_detail", args=[inspection.pk]) in place_page
    assert reverse("outreach:inspection_detail", args=[again.pk]) in place_page
    listed = client.get(reverse("outreach:place_list"), {"open": "1"}).content.decode()
    assert "万家福超市" not in listed
    assert AuditEvent.objects.filter(action="inspection.record").count() == 2
    assert AuditEvent.objects.filter(action="action_item.verified", object_id=str(item.pk)).exists()


def test_the_place_list_flags_an_open_rectification(
    inspector: User, county_post: CommandPost, supermarket: Place, world: World
) -> None:
    outreach.place(world.village_a, "百货商场", "mall")
    inspection_record(
        by=inspector,
        place=supermarket,
        inspected_at=timezone.now(),
        inspectors="县督查组",
        answers=answers(supermarket, {"masks": "收银员未戴口罩"}),
        rectify_by=timezone.localdate(),
    )
    listed = english_client(inspector).get(reverse("outreach:place_list"), {"open": "1"}).content.decode()
    assert "万家福超市" in listed and "百货商场" not in listed


def test_a_reinspection_that_fails_again_keeps_the_item_open_with_a_note_and_the_new_deadline(
    inspector: User, county_post: CommandPost, supermarket: Place
) -> None:
    first = inspection_record(
        by=inspector,
        place=supermarket,
        inspected_at=timezone.now() - dt.timedelta(days=1),
        inspectors="县督查组",
        answers=answers(supermarket, {"temperature": "无人测温"}),
        rectify_by=timezone.localdate(),
    )
    later = timezone.localdate() + dt.timedelta(days=3)

    again = inspection_record(
        by=inspector,
        place=supermarket,
        inspected_at=timezone.now(),
        inspectors="县督查组",
        answers=answers(supermarket, {"temperature": "仍无人测温"}),
        rectify_by=later,
        follows=first,
    )

    item = ActionItem.objects.get()
    assert again.result == "failed" and again.rectification is None and again.rectify_by == later
    assert item.status == ActionItem.Status.OPEN and item.notes.count() == 1
    assert later.isoformat() in item.notes.get().text
    # The next re-inspection follows the latest one, and passing closes the same item.
    with pytest.raises(ValidationError, match="re-inspect the latest one"):
        inspection_record(
            by=inspector,
            place=supermarket,
            inspected_at=timezone.now(),
            inspectors="县督查组",
            answers=answers(supermarket),
            follows=first,
        )
    inspection_record(
        by=inspector,
        place=supermarket,
        inspected_at=timezone.now(),
        inspectors="县督查组",
        answers=answers(supermarket),
        follows=again,
    )
    item.refresh_from_db()
    assert item.status == ActionItem.Status.VERIFIED


def test_an_inspector_who_may_not_verify_leaves_the_item_claimed_for_supervision(
    world: World, township_cadre: User, supermarket: Place
) -> None:
    post = command.post(world.township_a, groups=False)
    first = inspection_record(
        by=township_cadre,
        place=supermarket,
        inspected_at=timezone.now() - dt.timedelta(hours=3),
        inspectors="木垒镇检查组",
        answers=answers(supermarket, {"ventilation": "门窗紧闭"}),
        rectify_by=timezone.localdate() + dt.timedelta(days=1),
    )
    assert first.rectification is not None and first.rectification.command_post == post

    inspection_record(
        by=township_cadre,
        place=supermarket,
        inspected_at=timezone.now(),
        inspectors="木垒镇检查组",
        answers=answers(supermarket),
        follows=first,
    )

    first.rectification.refresh_from_db()
    assert first.rectification.status == ActionItem.Status.CLAIMED
    page = english_client(township_cadre).get(reverse("outreach:place_detail", args=[supermarket.pk]))
    assert "claimed done" in page.content.decode()


def test_a_failed_inspection_without_a_deadline_is_refused_and_nothing_is_saved(
    inspector: User, county_post: CommandPost, supermarket: Place
) -> None:
    data = page_data(supermarket, {"temperature": "入口无人测温"})
    data[f"photo_{temperature(supermarket).pk}"] = png()

    response = english_client(inspector).post(reverse("outreach:inspection_new", args=[supermarket.pk]), data)

    assert response.status_code == 200
    assert "A failed inspection needs a deadline for the rectification." in response.content.decode()
    assert not Inspection.objects.exists() and not InspectionAnswer.objects.exists()
    assert not ActionItem.objects.exists()


def test_a_failed_item_needs_a_note_on_the_page(inspector: User, county_post: CommandPost, supermarket: Place) -> None:
    data = page_data(supermarket, {"temperature": ""}, rectify_by=timezone.localdate().isoformat())
    response = english_client(inspector).post(reverse("outreach:inspection_new", args=[supermarket.pk]), data)
    assert response.status_code == 200 and "Say what was wrong." in response.content.decode()
    assert not Inspection.objects.exists()


def test_a_missing_item_is_named_and_nothing_is_saved(
    inspector: User, county_post: CommandPost, supermarket: Place
) -> None:
    given = [answer for answer in answers(supermarket) if answer.item.code != "masks"]
    with pytest.raises(ValidationError) as refused:
        inspection_record(
            by=inspector, place=supermarket, inspected_at=timezone.now(), inspectors="县督查组", answers=given
        )
    assert "Answer Masks worn." in refused.value.message_dict["answers"][0]
    assert not Inspection.objects.exists()


def test_an_item_answered_twice_or_of_another_kind_is_named(
    inspector: User, county_post: CommandPost, supermarket: Place
) -> None:
    triage = ChecklistItem.objects.get(place_kind__code="hospital", code="triage")
    given = [*answers(supermarket), AnswerInput(temperature(supermarket), True), AnswerInput(triage, True)]
    with pytest.raises(ValidationError) as refused:
        inspection_record(
            by=inspector, place=supermarket, inspected_at=timezone.now(), inspectors="县督查组", answers=given
        )
    message = refused.value.message_dict["answers"][0]
    assert "Temperature check at the entrance is answered twice." in message
    assert "Pre-examination triage is not on the checklist of a Supermarket." in message
    assert not Inspection.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused(inspector: User, county_post: CommandPost, supermarket: Place) -> None:
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    given = [a._replace(photo=fake) if a.item.code == "temperature" else a for a in answers(supermarket)]
    with pytest.raises(ValidationError, match="is not a picture"):
        inspection_record(
            by=inspector, place=supermarket, inspected_at=timezone.now(), inspectors="县督查组", answers=given
        )
    assert not InspectionAnswer.objects.exists()


def test_without_a_command_post_above_a_failure_is_refused_clearly(inspector: User, supermarket: Place) -> None:
    with pytest.raises(ValidationError, match="No command post at or above 水磨沟村"):
        inspection_record(
            by=inspector,
            place=supermarket,
            inspected_at=timezone.now(),
            inspectors="县督查组",
            answers=answers(supermarket, {"temperature": "无人测温"}),
            rectify_by=timezone.localdate(),
        )
    assert not Inspection.objects.exists()


def test_a_place_outside_the_scope_cannot_be_inspected(
    world: World, township_cadre: User, county_post: CommandPost
) -> None:
    place_b = outreach.place(world.village_b, "沈家沟超市")
    client = english_client(township_cadre)

    page = client.get(reverse("outreach:inspection_new", args=[place_b.pk]))
    posted = client.post(reverse("outreach:inspection_new", args=[place_b.pk]), page_data(place_b))

    assert page.status_code == 404 and posted.status_code == 404
    with pytest.raises(PermissionDenied):
        inspection_record(
            by=township_cadre,
            place=place_b,
            inspected_at=timezone.now(),
            inspectors="木垒镇",
            answers=answers(place_b),
        )
    assert not Inspection.objects.exists() and not AuditEvent.objects.filter(action="inspection.record").exists()


def test_the_photo_is_served_only_in_scope(
    world: World, inspector: User, county_post: CommandPost, supermarket: Place, volunteer: User
) -> None:
    given = [
        a._replace(photo=png("entrance.png")) if a.item.code == "temperature" else a
        for a in answers(supermarket, {"temperature": "无人测温"})
    ]
    inspection = inspection_record(
        by=inspector,
        place=supermarket,
        inspected_at=timezone.now(),
        inspectors="县督查组",
        answers=given,
        rectify_by=timezone.localdate(),
    )
    answer = inspection.answers.get(item__code="temperature")
    url = reverse("outreach:answer_photo", args=[answer.pk])

    shown = english_client(inspector).get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert b"".join(shown.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    assert english_client(factories.account("village_cadre", world.village_b)).get(url).status_code == 404
    assert english_client(volunteer).get(url).status_code == 403
    detail = english_client(inspector).get(reverse("outreach:inspection_detail", args=[inspection.pk]))
    assert url in detail.content.decode() and "/media/" not in detail.content.decode()


def test_the_inspections_export_reads_back(inspector: User, county_post: CommandPost, supermarket: Place) -> None:
    inspection_record(
        by=inspector,
        place=supermarket,
        inspected_at=timezone.now(),
        inspectors="县督查组",
        answers=answers(supermarket, {"temperature": "无人测温"}),
        rectify_by=timezone.localdate(),
    )
    response = english_client(inspector).get(reverse("outreach:inspection_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Inspected at", "Unit", "Place")
    assert rows[1][2] == "万家福超市" and rows[1][5] == "failed"
    assert "Temperature check at the entrance: 无人测温" in str(rows[1][6])
    assert AuditEvent.objects.filter(action="outreach.export", object_type="outreach.inspection").exists()


def test_a_township_inspector_sets_the_rectification_at_the_county_post_above(
    world: World, township_cadre: User, county_post: CommandPost, supermarket: Place
) -> None:
    inspection = inspection_record(
        by=township_cadre,
        place=supermarket,
        inspected_at=timezone.now(),
        inspectors="木垒镇检查组",
        answers=answers(supermarket, {"temperature": "入口无人测温"}),
        rectify_by=timezone.localdate(),
    )
    item = inspection.rectification
    assert item is not None and item.command_post == county_post and item.owner_unit == supermarket.org_unit
    assert item.origin == ActionItem.Origin.INSPECTION and item.due_on == timezone.localdate()
