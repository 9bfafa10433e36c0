"""Notices (通知公告): written in Chinese and any of the county's other languages, published for a while, withdrawn;
every change is a new numbered version, the first written at creation."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.scope import require_in_scope
from bastion.core.services.audit import audit_record
from bastion.outreach.languages import BY_CODE, CHINESE, in_order
from bastion.outreach.models import Notice, NoticeVersion

TITLE_MAX = 200
BODY_MAX = 20_000
AUDIENCE_MAX = 100

Texts = dict[str, dict[str, str]]

# Control characters other than the tab and the line break: pasted from Word or WeChat they only do harm.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n{3,}")


def _clean_title(value: object) -> str:
    return " ".join(_CONTROL.sub(" ", str(value or "")).split())


def _clean_body(value: object) -> str:
    """Plain text, paragraphs kept (one blank line between them), trailing spaces and runs of blank lines gone.

    No markup is interpreted: every page escapes it when it shows the body.
    """
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text.replace("\t", " "))
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_texts(texts: Mapping[str, Any]) -> Texts:
    """The language versions, checked: Chinese required, known languages only, a title with a body, lengths capped.

    A language left wholly empty is dropped. Raises ``ValidationError({"texts": [...]})`` with every problem.
    """
    errors: list[str] = []
    cleaned: Texts = {}
    if not isinstance(texts, Mapping):
        raise ValidationError({"texts": _("Give the notice's texts by language.")})
    for code, version in texts.items():
        language = BY_CODE.get(str(code))
        if language is None:
            errors.append(_("Bastion has no notice language %(code)s.") % {"code": str(code)[:20]})
            continue
        if not isinstance(version, Mapping):
            errors.append(_("Give the %(language)s version as a title and a body.") % {"language": language.name})
            continue
        title, body = _clean_title(version.get("title")), _clean_body(version.get("body"))
        if not title and not body:
            continue
        names = {"language": language.name}
        if not title:
            errors.append(_("The %(language)s version has a body but no title.") % names)
        elif not body:
            errors.append(_("The %(language)s version has a title but no body.") % names)
        if len(title) > TITLE_MAX:
            errors.append(_("The %(language)s title is longer than %(max)s characters.") % {**names, "max": TITLE_MAX})
        if len(body) > BODY_MAX:
            errors.append(_("The %(language)s body is longer than %(max)s characters.") % {**names, "max": BODY_MAX})
        cleaned[language.code] = {"title": title, "body": body}
    chinese = cleaned.get(CHINESE, {})
    if not chinese.get("title") or not chinese.get("body"):
        errors.insert(0, _("A notice needs its Chinese version: a title and a body in Chinese."))
    if errors:
        raise ValidationError({"texts": errors})
    # Chinese first, then the others in the order of NOTICE_LANGUAGES, whatever order they came in.
    return {code: cleaned[code] for code in BY_CODE if code in cleaned}


def _check_times(publish_at: dt.datetime | None, withdraw_at: dt.datetime | None) -> None:
    if withdraw_at is not None and publish_at is None:
        raise ValidationError({"withdraw_at": _("Set when the notice is published before when it is withdrawn.")})
    if withdraw_at is not None and publish_at is not None and withdraw_at <= publish_at:
        raise ValidationError({"withdraw_at": _("A notice is withdrawn after it is published, not before.")})


def _clean_audience(audience: str) -> str:
    audience = _clean_title(audience)
    if len(audience) > AUDIENCE_MAX:
        raise ValidationError({"audience": _("Say who it is for in at most %(max)s characters.") % {"max": 100}})
    return audience


def _snapshot(notice: Notice, by: User | None) -> NoticeVersion:
    return NoticeVersion.objects.create(
        notice=notice,
        number=notice.version,
        texts=notice.texts,
        audience=notice.audience,
        publish_at=notice.publish_at,
        withdraw_at=notice.withdraw_at,
        by=by if by is not None and by.is_authenticated else None,
    )


def _summary(notice: Notice, **more: Any) -> dict[str, Any]:
    return {
        "title": notice.texts.get(CHINESE, {}).get("title", ""),
        "languages": in_order(notice.texts),
        "version": notice.version,
        **more,
    }


@transaction.atomic
def notice_create(
    *,
    by: User | None,
    org_unit: OrgUnit,
    texts: Mapping[str, Any],
    audience: str = "",
    publish_at: dt.datetime | None = None,
    withdraw_at: dt.datetime | None = None,
) -> Notice:
    """A notice of ``org_unit``, version 1; published from ``publish_at`` (None: a draft)."""
    require_in_scope(by, "outreach.add_notice", org_unit)
    if not org_unit.is_active:
        raise ValidationError({"org_unit": _("%(unit)s is no longer active.") % {"unit": org_unit.display_name}})
    cleaned = clean_texts(texts)
    audience = _clean_audience(audience)
    _check_times(publish_at, withdraw_at)
    notice = Notice.objects.create(
        org_unit=org_unit,
        texts=cleaned,
        audience=audience,
        publish_at=publish_at,
        withdraw_at=withdraw_at,
        version=1,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    _snapshot(notice, by)
    audit_record(by=by, action="notice.create", obj=notice, org_unit=org_unit, summary=_summary(notice))
    return notice


def _change(notice: Notice, by: User | None, action: str, values: dict[str, Any]) -> Notice:
    """Apply ``values`` to the locked notice; a new version and an audit event when anything changed."""
    changed = [field for field, value in values.items() if getattr(notice, field) != value]
    if not changed:
        return notice
    for field in changed:
        setattr(notice, field, values[field])
    notice.version += 1
    notice.save(update_fields=[*changed, "version", "updated_at"])
    _snapshot(notice, by)
    audit_record(by=by, action=action, obj=notice, org_unit=notice.org_unit, summary=_summary(notice, changed=changed))
    return notice


def _locked(notice: Notice) -> Notice:
    return Notice.objects.select_for_update().select_related("org_unit").get(pk=notice.pk)


@transaction.atomic
def notice_update(
    *,
    by: User | None,
    notice: Notice,
    texts: Mapping[str, Any],
    audience: str = "",
    publish_at: dt.datetime | None = None,
    withdraw_at: dt.datetime | None = None,
) -> Notice:
    """The notice as it now reads: a new version when anything changed (the old one is kept), else nothing."""
    require_in_scope(by, "outreach.change_notice", notice.org_unit)
    values = {
        "texts": clean_texts(texts),
        "audience": _clean_audience(audience),
        "publish_at": publish_at,
        "withdraw_at": withdraw_at,
    }
    _check_times(publish_at, withdraw_at)
    return _change(_locked(notice), by, "notice.update", values)


@transaction.atomic
def notice_publish(*, by: User | None, notice: Notice, at: dt.datetime | None = None) -> Notice:
    """Publish from ``at`` (now by default); a withdrawal time already passed is cleared (published again)."""
    require_in_scope(by, "outreach.change_notice", notice.org_unit)
    locked = _locked(notice)
    at = at or timezone.now()
    withdraw_at = locked.withdraw_at
    if withdraw_at is not None and withdraw_at <= at:
        withdraw_at = None
    return _change(locked, by, "notice.publish", {"publish_at": at, "withdraw_at": withdraw_at})


@transaction.atomic
def notice_withdraw(*, by: User | None, notice: Notice, at: dt.datetime | None = None) -> Notice:
    """Take a published notice down from ``at`` (now by default)."""
    require_in_scope(by, "outreach.change_notice", notice.org_unit)
    locked = _locked(notice)
    at = at or timezone.now()
    if locked.publish_at is None or locked.publish_at > at:
        raise ValidationError({"withdraw_at": _("This notice is not published: there is nothing to withdraw.")})
    if locked.withdraw_at is not None and locked.withdraw_at <= at:
        raise ValidationError({"withdraw_at": _("This notice is already withdrawn.")})
    return _change(locked, by, "notice.withdraw", {"withdraw_at": at})
