"""The notices API: list and read (with the versions), publish a new notice, change it (a new version), withdraw."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from bastion.core import selectors as core_selectors
from bastion.core.api import errors_named_as_sent, require_perm
from bastion.outreach import schemas_notices as s
from bastion.outreach.models import Notice
from bastion.outreach.selectors import notices as selectors
from bastion.outreach.services import notices as services

router = Router(tags=["outreach"])

SENT_AS = {"org_unit": "unit_id"}


@router.get("/outreach/notices", response=list[s.NoticeOut])
@paginate(PageNumberPagination, page_size=100)
def list_notices(request: HttpRequest, unit: int | None = None, status: str = "", q: str = "") -> Any:
    """Notices of units in scope, newest first; ``status``: current, scheduled, draft or withdrawn."""
    user = require_perm(request, "outreach.view_notice")
    within = core_selectors.orgunit_get_for_user(user, unit) if unit else None
    return selectors.notices_for_user(user, unit=within, status=status, q=q[:100])


@router.get("/outreach/notices/{notice_id}", response=s.NoticeDetailOut)
def get_notice(request: HttpRequest, notice_id: int) -> Notice:
    user = require_perm(request, "outreach.view_notice")
    return selectors.notice_get_for_user(user, notice_id)


def _texts(payload: s.NoticeChangeIn) -> dict[str, Any]:
    return {code: text.dict() for code, text in payload.texts.items()}


@router.post("/outreach/notices", response={201: s.NoticeDetailOut})
def create_notice(request: HttpRequest, payload: s.NoticeIn) -> Status[Any]:
    """A notice of a unit in scope; version 1. Chinese (``zh-hans``) title and body are required."""
    user = require_perm(request, "outreach.add_notice")
    unit = core_selectors.orgunit_get_for_user(user, payload.unit_id)
    with errors_named_as_sent(SENT_AS):
        notice = services.notice_create(
            by=user,
            org_unit=unit,
            texts=_texts(payload),
            audience=payload.audience,
            publish_at=payload.publish_at,
            withdraw_at=payload.withdraw_at,
        )
    return Status(201, notice)


@router.put("/outreach/notices/{notice_id}", response=s.NoticeDetailOut)
def update_notice(request: HttpRequest, notice_id: int, payload: s.NoticeChangeIn) -> Notice:
    """The notice as it now reads: a new version when anything changed; the old versions are kept."""
    user = require_perm(request, "outreach.change_notice")
    notice = selectors.notice_get_for_user(user, notice_id)
    with errors_named_as_sent(SENT_AS):
        notice = services.notice_update(
            by=user,
            notice=notice,
            texts=_texts(payload),
            audience=payload.audience,
            publish_at=payload.publish_at,
            withdraw_at=payload.withdraw_at,
        )
    return notice


@router.post("/outreach/notices/{notice_id}/withdraw", response=s.NoticeDetailOut)
def withdraw_notice(request: HttpRequest, notice_id: int) -> Notice:
    """Take a published notice down from the public page now."""
    user = require_perm(request, "outreach.change_notice")
    notice = selectors.notice_get_for_user(user, notice_id)
    with errors_named_as_sent(SENT_AS):
        notice = services.notice_withdraw(by=user, notice=notice)
    return notice
