"""The work log (工作日志) of a command post: drafted from the day's records, edited and signed by the office; once
signed, it changes only by amendments, and the signed text stays as it was."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bastion.command.models import CommandPost, WorkLog, WorkLogAmendment
from bastion.command.selectors.worklog import day_records, worklog_text
from bastion.core.models import User
from bastion.core.scope import require_in_scope
from bastion.core.services.audit import audit_record

MAX_BODY = 50_000
MAX_AMENDMENT = 10_000


def _day(value: dt.date) -> str:
    return f"{value:%Y-%m-%d}"


def _signed_refusal() -> str:
    return _("This log is signed: add an amendment instead.")


def _locked(log: WorkLog) -> WorkLog:
    """The log's row, locked, as it stands now: a check on a stale copy could let two writers through."""
    return WorkLog.objects.select_for_update().select_related("command_post__org_unit").get(pk=log.pk)


def _clean_text(value: str, *, field: str, limit: int, empty: str) -> str:
    text = value.replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({field: empty})
    if len(text) > limit:
        raise ValidationError(
            {
                field: _("Keep it under %(limit)s characters (this has %(count)s).")
                % {"limit": limit, "count": len(text)}
            }
        )
    return text


@transaction.atomic
def worklog_draft(*, by: User | None, command_post: CommandPost, day: dt.date) -> WorkLog:
    """Draft the post's log of ``day`` from the day's records; a draft nobody has edited yet is drafted again, an
    edited or signed log is left alone (with a refusal that says why)."""
    require_in_scope(by, "command.change_worklog", command_post.org_unit)
    if day > timezone.localdate():
        raise ValidationError(
            {"day": _("%(day)s has not come yet: a log is drafted on the day or after.") % {"day": day}}
        )
    log = WorkLog.objects.select_for_update().filter(command_post=command_post, day=day).first()
    if log is not None and log.status == WorkLog.Status.SIGNED:
        raise ValidationError(
            {"day": _("The log of %(day)s is signed: add an amendment instead.") % {"day": _day(day)}}
        )
    if log is not None and log.edited_at is not None:
        raise ValidationError(
            {
                "day": _("The log of %(day)s was edited by the office: it is not drafted again over their work.")
                % {"day": _day(day)}
            }
        )
    body = worklog_text(day_records(command_post, day))
    if log is None:
        log = WorkLog.objects.create(command_post=command_post, day=day, body=body)
        refreshed = False
    else:
        log.body, log.drafted_at = body, timezone.now()
        log.save(update_fields=["body", "drafted_at"])
        refreshed = True
    audit_record(
        by=by,
        action="worklog.draft",
        obj=log,
        org_unit=command_post.org_unit,
        summary={"post": command_post.name, "day": _day(day), "refreshed": refreshed},
    )
    return log


@transaction.atomic
def worklog_edit(*, by: User | None, log: WorkLog, body: str) -> WorkLog:
    """The office's edit of a draft; a signed log is refused and stays exactly as it was signed."""
    log = _locked(log)
    require_in_scope(by, "command.change_worklog", log.command_post.org_unit)
    if log.status == WorkLog.Status.SIGNED:
        raise ValidationError({"body": _signed_refusal()})
    text = _clean_text(body, field="body", limit=MAX_BODY, empty=_("Write the log: it cannot be empty."))
    if text == log.body:
        return log
    before = len(log.body)
    log.body, log.edited_by, log.edited_at = text, by, timezone.now()
    log.save(update_fields=["body", "edited_by", "edited_at"])
    audit_record(
        by=by,
        action="worklog.edit",
        obj=log,
        org_unit=log.command_post.org_unit,
        summary={"day": _day(log.day), "length_before": before, "length": len(text)},
    )
    return log


@transaction.atomic
def worklog_sign(*, by: User | None, log: WorkLog) -> WorkLog:
    """The office signs the log off: from now on its text is final, and changes are amendments."""
    log = _locked(log)
    require_in_scope(by, "command.sign_worklog", log.command_post.org_unit)
    if log.status == WorkLog.Status.SIGNED:
        raise ValidationError({"log": _signed_refusal()})
    log.status, log.signed_by, log.signed_at = WorkLog.Status.SIGNED, by, timezone.now()
    log.save(update_fields=["status", "signed_by", "signed_at"])
    audit_record(
        by=by, action="worklog.sign", obj=log, org_unit=log.command_post.org_unit, summary={"day": _day(log.day)}
    )
    return log


@transaction.atomic
def worklog_amend(*, by: User, log: WorkLog, text: str) -> WorkLogAmendment:
    """An amendment to a signed log, kept after it with its author and time; the signed body never changes.

    ``by`` is a person, never the system: an amendment is someone's word on a signed record.
    """
    log = _locked(log)
    require_in_scope(by, "command.change_worklog", log.command_post.org_unit)
    if log.status != WorkLog.Status.SIGNED:
        raise ValidationError({"text": _("This log is not signed yet: edit it instead.")})
    cleaned = _clean_text(text, field="text", limit=MAX_AMENDMENT, empty=_("Say what the amendment changes."))
    amendment = WorkLogAmendment.objects.create(log=log, text=cleaned, by=by)
    audit_record(
        by=by,
        action="worklog.amend",
        obj=log,
        org_unit=log.command_post.org_unit,
        summary={"day": _day(log.day), "amendment": amendment.pk, "length": len(cleaned)},
    )
    return amendment


def worklogs_draft_all(day: dt.date | None = None) -> int:
    """The periodic job: draft the log of ``day`` (today by default) for every command post of an active unit that
    has none yet; returns how many were drafted. Run twice, it drafts nothing the second time.

    Each post's draft is its own transaction (``worklog_draft``), so one post's failure leaves the others drafted;
    the drafts are in the site's language, there being no user to ask.
    """
    day = day or timezone.localdate()
    posts = (
        CommandPost.objects.filter(org_unit__is_active=True)
        .exclude(work_logs__day=day)
        .select_related("org_unit")
        .order_by("org_unit__path")
    )
    drafted = 0
    with translation.override(settings.LANGUAGE_CODE):
        for post in posts:
            worklog_draft(by=None, command_post=post, day=day)
            drafted += 1
    return drafted
