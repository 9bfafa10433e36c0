"""Action items (任务, 督办): set, worked on, claimed done, verified or reopened by supervision, chased when late."""

from __future__ import annotations

import datetime as dt
import os

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.command.models import ActionItem, ActionNote, CommandPost, Decision, PostMember, Weakness, WorkingGroup
from bastion.command.services.common import group_of, member_current, owner_users, require, require_on_item, unit_within
from bastion.core.models import OrgUnit, User
from bastion.core.services.audit import audit_record
from bastion.core.services.notifications import notification_send
from bastion.dashboard.figures import figure_add
from bastion.residents.validation import plain

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".txt"}
Status = ActionItem.Status


def _owner(
    post: CommandPost, member: PostMember | None, group: WorkingGroup | None, unit: OrgUnit | None
) -> dict[str, object]:
    given = [owner for owner in (member, group, unit) if owner is not None]
    if len(given) != 1:
        message = _("Give the item one owner: a person, a working group or a unit.")
        raise ValidationError({"owner": message})
    if member is not None:
        member_current(post, member, "owner")
    if group is not None:
        group_of(post, group, "owner")
    if unit is not None:
        unit_within(post, unit, "owner")
    return {"owner_member": member, "owner_group": group, "owner_unit": unit}


@transaction.atomic
def action_item_create(
    *,
    by: User | None,
    command_post: CommandPost,
    title: str,
    due_on: dt.date | None,
    owner_member: PostMember | None = None,
    owner_group: WorkingGroup | None = None,
    owner_unit: OrgUnit | None = None,
    details: str = "",
    priority: int = ActionItem.Priority.NORMAL,
    origin: str = ActionItem.Origin.DIRECT,
    decision: Decision | None = None,
    weakness: Weakness | None = None,
    source_note: str = "",
) -> ActionItem:
    """An item with one owner and a due date no earlier than today; its owner is told at once."""
    require(by, "add_actionitem", command_post)
    errors: dict[str, str] = {}
    title = plain(title)[:200]
    if not title:
        errors["title"] = _("Say what is to be done.")
    today = timezone.localdate()
    if due_on is None:
        errors["due_on"] = _("Give a due date.")
    elif due_on < today:
        errors["due_on"] = _("The due date cannot be before the item is set (%(today)s).") % {
            "today": today.isoformat()
        }
    if weakness is not None and weakness.command_post_id != command_post.pk:
        errors["weakness"] = _("This weakness was found by another command post.")
    if priority not in ActionItem.Priority.values:
        errors["priority"] = _("Choose a priority.")
    try:
        owner = _owner(command_post, owner_member, owner_group, owner_unit)
    except ValidationError as exc:
        errors.update({field: str(messages[0]) for field, messages in exc.message_dict.items()})
    if errors or due_on is None:
        raise ValidationError(errors)
    item = ActionItem.objects.create(
        command_post=command_post,
        title=title,
        details=details.strip(),
        origin=origin,
        decision=decision,
        weakness=weakness,
        source_note=plain(source_note)[:200],
        due_on=due_on,
        priority=priority,
        created_by=by,
        **owner,
    )
    figure_add(command_post.org_unit_id, "command.open_by_due", 1, due_on)
    audit_record(
        by=by,
        action="action_item.create",
        obj=item,
        org_unit=command_post.org_unit,
        summary={"title": title, "owner": str(item.owner), "due_on": str(due_on), "origin": origin},
    )
    notification_send(
        recipients=owner_users(item),
        kind="command.action_item",
        title=_("New task for you: %(title)s (due %(due)s)") % {"title": title, "due": due_on},
        link=reverse("command:item_detail", args=[item.pk]),
        org_unit=command_post.org_unit,
    )
    return item


def _attachment(upload: UploadedFile | None) -> UploadedFile | None:
    if upload is None:
        return None
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            {
                "attachment": _("Attach a photo, a PDF, a Word or Excel document or a text file, not %(kind)s.")
                % {"kind": extension or _("a file without extension")}
            }
        )
    if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"attachment": _("The attachment is larger than 10 MB.")})
    return upload


def _note(
    *, by: User | None, item: ActionItem, text: str, status: str = "", attachment: UploadedFile | None = None
) -> ActionNote:
    text = text.strip()
    upload = _attachment(attachment)
    if not text and upload is None and not status:
        raise ValidationError({"text": _("Write a note or attach a file.")})
    note = ActionNote(item=item, text=text, status_to=status, by=by)
    if upload is not None:
        note.attachment.save(upload.name or "attachment", upload, save=False)
    note.save()
    if status:
        was_finished = item.is_finished
        item.status = status
        if was_finished != item.is_finished:  # claimed done (-1) or reopened (+1), on the item's due date
            figure_add(item.command_post.org_unit_id, "command.open_by_due", 1 if was_finished else -1, item.due_on)
    item.save(update_fields=["status", "claimed_at", "verified_at", "verified_by", "updated_at"])
    audit_record(
        by=by,
        action=f"action_item.{status or 'note'}",
        obj=item,
        org_unit=item.command_post.org_unit,
        summary={"status": item.status, "note": text[:200], "attachment": "yes" if upload else ""},
    )
    return note


def _locked(item: ActionItem) -> ActionItem:
    return ActionItem.objects.select_for_update().select_related("command_post__org_unit").get(pk=item.pk)


@transaction.atomic
def action_item_progress(
    *, by: User | None, item: ActionItem, text: str, attachment: UploadedFile | None = None, started: bool = True
) -> ActionNote:
    """A progress note; the first one moves an open or reopened item to "in progress"."""
    require_on_item(by, "add_actionnote", item)
    item = _locked(item)
    if item.is_finished:
        raise ValidationError(
            {"text": _("This item is %(status)s: reopen it first.") % {"status": item.get_status_display()}}
        )
    status = Status.IN_PROGRESS if started and item.status != Status.IN_PROGRESS else ""
    return _note(by=by, item=item, text=text, status=status, attachment=attachment)


@transaction.atomic
def action_item_claim(
    *, by: User | None, item: ActionItem, text: str, attachment: UploadedFile | None = None
) -> ActionNote:
    """The owner says it is done; supervision verifies it."""
    require_on_item(by, "change_actionitem", item)
    item = _locked(item)
    if item.is_finished:
        raise ValidationError({"text": _("This item is already %(status)s.") % {"status": item.get_status_display()}})
    if not text.strip():
        raise ValidationError({"text": _("Say what was done.")})
    item.claimed_at = timezone.now()
    return _note(by=by, item=item, text=text, status=Status.CLAIMED, attachment=attachment)


def _claimer(item: ActionItem) -> int | None:
    note = item.notes.filter(status_to=Status.CLAIMED).order_by("-at", "-pk").first()
    return note.by_id if note else None


@transaction.atomic
def action_item_verify(*, by: User | None, item: ActionItem, text: str = "") -> ActionNote:
    """Supervision confirms an item claimed done; nobody verifies their own claim."""
    require(by, "verify_actionitem", item.command_post)
    item = _locked(item)
    if item.status != Status.CLAIMED:
        raise ValidationError({"text": _("Only an item claimed done can be verified.")})
    if by is not None and _claimer(item) == by.pk:
        raise ValidationError({"text": _("You claimed this item done: someone else verifies it.")})
    item.verified_at = timezone.now()
    item.verified_by = by
    return _note(by=by, item=item, text=text or _("Verified."), status=Status.VERIFIED)


@transaction.atomic
def action_item_reopen(*, by: User | None, item: ActionItem, text: str) -> ActionNote:
    """Supervision finds the work not done: the item goes back to its owner with the reason."""
    require(by, "verify_actionitem", item.command_post)
    item = _locked(item)
    if item.status not in (Status.CLAIMED, Status.VERIFIED):
        raise ValidationError({"text": _("Only an item claimed done or verified can be reopened.")})
    if not text.strip():
        raise ValidationError({"text": _("Say why the item is reopened.")})
    item.claimed_at = item.verified_at = None
    item.verified_by = None
    note = _note(by=by, item=item, text=text, status=Status.REOPENED)
    notification_send(
        recipients=owner_users(item),
        kind="command.action_item",
        title=_("Task reopened: %(title)s") % {"title": item.title},
        body=text.strip(),
        link=reverse("command:item_detail", args=[item.pk]),
        org_unit=item.command_post.org_unit,
    )
    return note


@transaction.atomic
def action_items_chase(*, today: dt.date | None = None) -> int:
    """Remind the owner of every unfinished item past its due date, once a day; returns how many were chased."""
    today = today or timezone.localdate()
    overdue = (
        ActionItem.objects.select_for_update(of=("self",))
        .filter(status__in=ActionItem.UNFINISHED, due_on__lt=today)
        .exclude(chased_on=today)
        .select_related("command_post__org_unit", "owner_member__user", "owner_group__lead__user", "owner_unit")
    )
    chased = 0
    for item in overdue:
        days = (today - item.due_on).days
        notification_send(
            recipients=owner_users(item),
            kind="command.overdue",
            title=_("Overdue by %(days)s days: %(title)s") % {"days": days, "title": item.title},
            body=_("Due %(due)s. Report progress or claim it done.") % {"due": item.due_on},
            link=reverse("command:item_detail", args=[item.pk]),
            org_unit=item.command_post.org_unit,
        )
        item.chased_on = today
        item.chase_count += 1
        item.save(update_fields=["chased_on", "chase_count"])
        audit_record(
            by=None,
            action="action_item.chase",
            obj=item,
            org_unit=item.command_post.org_unit,
            summary={"days_overdue": days, "times": item.chase_count},
        )
        chased += 1
    return chased
