"""Schemas of the notices API: what goes in and what comes out, never all fields."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from bastion.outreach.models import Notice, NoticeVersion
from bastion.outreach.selectors.notices import notice_status, notice_versions


class NoticeText(Schema):
    title: str = ""
    body: str = Field("", description="plain text; a blank line starts a new paragraph")


class NoticeChangeIn(Schema):
    texts: dict[str, NoticeText] = Field(
        description="by language code (zh-hans required; kk-arab, ug, kk-cyrl, mn, ru, en as the unit chooses)"
    )
    audience: str = ""
    publish_at: dt.datetime | None = Field(None, description="published from; none: a draft")
    withdraw_at: dt.datetime | None = None


class NoticeIn(NoticeChangeIn):
    unit_id: int = Field(description="the publishing unit")


class NoticeOut(Schema):
    id: int
    unit_id: int = Field(alias="org_unit_id")
    unit_name: str = Field(alias="org_unit.display_name")
    texts: dict[str, NoticeText]
    audience: str
    publish_at: dt.datetime | None
    withdraw_at: dt.datetime | None
    status: str = Field(description="current, scheduled, draft or withdrawn")
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_status(obj: Notice) -> str:
        return notice_status(obj)


class NoticeVersionOut(Schema):
    number: int
    texts: dict[str, NoticeText]
    audience: str
    publish_at: dt.datetime | None
    withdraw_at: dt.datetime | None
    at: dt.datetime
    by: str = Field(description="the account that saved the version; empty for the system")

    @staticmethod
    def resolve_by(obj: NoticeVersion) -> str:
        return obj.by.get_username() if obj.by is not None else ""


class NoticeDetailOut(NoticeOut):
    versions: list[NoticeVersionOut] = Field(description="newest first")

    @staticmethod
    def resolve_versions(obj: Notice) -> list[NoticeVersion]:
        return list(notice_versions(obj))
