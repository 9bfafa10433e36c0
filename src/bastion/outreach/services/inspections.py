"""Inspections of places with their kind's checklist; failures open a rectification (the command app's action
item) that the re-inspection which passes closes."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from bastion.command.models import ActionItem, CommandPost
from bastion.command.services.actions import (
    action_item_claim,
    action_item_create,
    action_item_progress,
    action_item_reopen,
    action_item_verify,
)
from bastion.core.models import OrgUnit, User
from bastion.core.scope import require_in_scope, unit_in_scope
from bastion.core.services.audit import audit_record
from bastion.outreach.models import ChecklistItem, Inspection, InspectionAnswer, Place
from bastion.outreach.selectors.places import rectification_of
from bastion.residents.validation import plain

MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif"}
# Phones save HEIC, which Pillow does not read: those are recognised by their ISO-BMFF brand instead.
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"}
FUTURE_SLACK = dt.timedelta(minutes=10)  # a phone's clock a few minutes ahead is not a visit in the future


class AnswerInput(NamedTuple):
    item: ChecklistItem
    passed: bool
    note: str = ""
    photo: UploadedFile | None = None


def command_post_above(unit: OrgUnit) -> CommandPost | None:
    """The command post of the unit itself or of its nearest unit above that has one."""
    ids = [*unit.ancestor_ids, unit.pk]
    return (
        CommandPost.objects.select_related("org_unit").filter(org_unit_id__in=ids).order_by("-org_unit__depth").first()
    )


def _photo_is_image(upload: UploadedFile, extension: str) -> bool:
    upload.seek(0)
    head = upload.read(32)
    upload.seek(0)
    if extension in (".heic", ".heif"):
        return head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS
    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    finally:
        upload.seek(0)
    return True


def _photo_error(item: ChecklistItem, upload: UploadedFile) -> str:
    extension = os.path.splitext(upload.name or "")[1].lower()
    if (upload.size or 0) > MAX_PHOTO_BYTES:
        return _("The photo of %(item)s is larger than 10 MB.") % {"item": item}
    if extension not in PHOTO_TYPES or not _photo_is_image(upload, extension):
        return _("The photo of %(item)s is not a picture (JPEG, PNG, GIF, WebP or HEIC).") % {"item": item}
    return ""


def _answers_errors(place: Place, answers: Sequence[AnswerInput]) -> list[str]:
    """Every active item of the place's kind answered exactly once; a failed one says what was wrong."""
    checklist = {item.pk: item for item in ChecklistItem.objects.filter(place_kind_id=place.kind_id, is_active=True)}
    errors: list[str] = []
    seen: set[int] = set()
    for answer in answers:
        item = answer.item
        if item.pk not in checklist:
            errors.append(_("%(item)s is not on the checklist of a %(kind)s.") % {"item": item, "kind": place.kind})
            continue
        if item.pk in seen:
            errors.append(_("%(item)s is answered twice.") % {"item": item})
            continue
        seen.add(item.pk)
        if not answer.passed and not plain(answer.note):
            errors.append(_("Say what was wrong with %(item)s.") % {"item": item})
        if answer.photo is not None:
            message = _photo_error(item, answer.photo)
            if message:
                errors.append(message)
    missing = [str(item) for pk, item in checklist.items() if pk not in seen]
    if missing:
        errors.append(_("Answer %(items)s.") % {"items": ", ".join(missing)})
    return errors


def _follows_errors(place: Place, follows: Inspection, inspected_at: dt.datetime | None) -> str:
    if follows.place_id != place.pk:
        return _("The inspection re-inspected is of another place.")
    if follows.result != Inspection.Result.FAILED:
        return _("Only a failed inspection is re-inspected.")
    if inspected_at is not None and inspected_at < follows.inspected_at:
        return _("The re-inspection cannot come before the inspection it checks (%(when)s).") % {
            "when": f"{timezone.localtime(follows.inspected_at):%Y-%m-%d %H:%M}"
        }
    later = follows.reinspections.order_by("inspected_at").first()
    if later is not None:
        return _("This inspection was re-inspected on %(when)s: re-inspect the latest one.") % {
            "when": f"{timezone.localtime(later.inspected_at):%Y-%m-%d}"
        }
    item = rectification_of(follows)
    if item is not None and item.status == ActionItem.Status.VERIFIED:
        return _("Its rectification is already verified.")
    return ""


def _may_verify(by: User, item: ActionItem) -> bool:
    return by.has_perm("command.verify_actionitem") and unit_in_scope(by, item.command_post.org_unit)


def _close(by: User, item: ActionItem, day: str) -> None:
    """A re-inspection passed: the system claims the item done; an inspector who may verify verifies it, else
    it waits for supervision."""
    if item.status in ActionItem.UNFINISHED:
        action_item_claim(by=None, item=item, text=_("The re-inspection of %(day)s passed.") % {"day": day})
        item.refresh_from_db()
    if item.status == ActionItem.Status.CLAIMED and _may_verify(by, item):
        action_item_verify(by=by, item=item, text=_("Verified by the re-inspection of %(day)s.") % {"day": day})


def _keep_open(by: User, item: ActionItem, day: str, failed: list[str], rectify_by: dt.date | None) -> None:
    text = _("The re-inspection of %(day)s failed again: %(items)s.") % {"day": day, "items": ", ".join(failed)}
    if rectify_by is not None:
        text += " " + _("New deadline: %(date)s.") % {"date": rectify_by.isoformat()}
    if item.status in ActionItem.UNFINISHED:
        action_item_progress(by=by, item=item, text=text, started=False)
    elif item.status == ActionItem.Status.CLAIMED and _may_verify(by, item):
        action_item_reopen(by=by, item=item, text=text)
    # An item claimed done that this inspector may not reopen stays with supervision, who see this inspection.


@transaction.atomic
def inspection_record(
    *,
    by: User,
    place: Place,
    inspected_at: dt.datetime | None,
    inspectors: str,
    answers: Sequence[AnswerInput | tuple[ChecklistItem, bool, str, UploadedFile | None]],
    rectify_by: dt.date | None = None,
    note: str = "",
    follows: Inspection | None = None,
) -> Inspection:
    """Record a visit with the checklist of the place's kind.

    A failure needs a deadline and opens a rectification: an action item of the nearest command post at or above
    the place's unit, owned by that unit. A re-inspection (``follows``) that passes closes it; one that fails keeps
    it open with a progress note."""
    require_in_scope(by, "outreach.add_inspection", place.org_unit)
    given = [AnswerInput(*answer) for answer in answers]
    errors: dict[str, str] = {}
    now = timezone.now()
    if not place.is_active:
        errors["place"] = _("%(place)s is closed: open it again before inspecting it.") % {"place": place}
    if inspected_at is None:
        errors["inspected_at"] = _("Say when the place was inspected.")
    elif inspected_at > now + FUTURE_SLACK:
        errors["inspected_at"] = _("An inspection cannot be in the future.")
    inspectors = plain(inspectors)[:200]
    if not inspectors:
        errors["inspectors"] = _("Say who inspected.")
    answer_errors = _answers_errors(place, given)
    if answer_errors:
        errors["answers"] = " ".join(answer_errors)
    if follows is not None:
        follows_error = _follows_errors(place, follows, inspected_at)
        if follows_error:
            errors["follows"] = follows_error
    failed = [answer for answer in given if not answer.passed]
    today = timezone.localdate()
    if rectify_by is not None and rectify_by < today and failed:
        errors["rectify_by"] = _("The deadline cannot be before today (%(today)s).") % {"today": today.isoformat()}
    elif failed and rectify_by is None and follows is None:
        errors["rectify_by"] = _("A failed inspection needs a deadline for the rectification.")
    post = None
    if failed and follows is None:
        post = command_post_above(place.org_unit)
        if post is None:
            errors["place"] = _(
                "No command post at or above %(unit)s to set the rectification: set up the command post first."
            ) % {"unit": place.org_unit.display_name}
    if errors or inspected_at is None:
        raise ValidationError(errors)
    rectification = rectification_of(follows) if follows is not None else None
    if rectify_by is None and follows is not None and failed:
        rectify_by = follows.rectify_by
    inspection = Inspection.objects.create(
        place=place,
        org_unit=place.org_unit,
        inspected_at=inspected_at,
        inspectors=inspectors,
        result=Inspection.Result.FAILED if failed else Inspection.Result.PASSED,
        note=note.strip(),
        follows=follows,
        rectify_by=rectify_by if failed else None,
        created_by=by,
    )
    photos = 0
    for answer in given:
        row = InspectionAnswer(
            inspection=inspection, item=answer.item, passed=answer.passed, note=plain(answer.note)[:300]
        )
        if answer.photo is not None:
            row.photo.save(answer.photo.name or "photo.jpg", answer.photo, save=False)
            photos += 1
        row.save()
    failed_names = [str(answer.item) for answer in failed]
    day = f"{timezone.localtime(inspected_at):%Y-%m-%d}"
    if post is not None:
        # The inspector's own rights were checked above; the rectification is the system's consequence of the
        # finding, set at the nearest command post even when that post is above the inspector's scope.
        item = action_item_create(
            by=None,
            command_post=post,
            title=_("Rectify: %(place)s: %(items)s") % {"place": place.name, "items": ", ".join(failed_names)},
            details="\n".join(f"{answer.item}: {plain(answer.note)}" for answer in failed),
            owner_unit=place.org_unit,
            due_on=rectify_by,
            origin=ActionItem.Origin.INSPECTION,
            source_note=_("Inspection of %(place)s on %(day)s") % {"place": place.name, "day": day},
        )
        inspection.rectification = item
        inspection.save(update_fields=["rectification"])
    elif rectification is not None:
        if failed:
            _keep_open(by, rectification, day, failed_names, rectify_by)
        else:
            _close(by, rectification, day)
    audit_record(
        by=by,
        action="inspection.record",
        obj=inspection,
        org_unit=place.org_unit,
        summary={
            "place": place.name,
            "result": inspection.result,
            "failed": [answer.item.code for answer in failed],
            "photos": photos,
            "follows": follows.pk if follows else None,
            "rectification": (inspection.rectification_id or (rectification.pk if rectification else None)),
        },
    )
    return inspection
