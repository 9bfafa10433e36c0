"""The outreach activity and gathering API: record what a unit did and read the reach; gatherings and their
outcome.

No ``from __future__ import annotations`` here: django-ninja reads the annotations of a paginated operation in
the pagination module's namespace, where ``Query`` is not defined."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from bastion.core import selectors as core_selectors
from bastion.core.api import errors_named_as_sent, require_perm, unit_asked
from bastion.core.models import User
from bastion.outreach import schemas_activities as s
from bastion.outreach.models import Channel, Gathering, Notice, TargetGroup
from bastion.outreach.selectors import activities as selectors
from bastion.outreach.selectors import gatherings as gathering_selectors
from bastion.outreach.services.activities import activity_record
from bastion.outreach.services.gatherings import gathering_outcome, gathering_record

router = Router(tags=["outreach"])

SENT_AS = {"org_unit": "unit_id", "notice": "notice_id"}


def _channel(code: str) -> Channel:
    channel = selectors.entry_by_code(Channel, code)
    if channel is None:
        raise ValidationError({"channel": _("No channel with the code %(code)s.") % {"code": code or "—"}})
    return channel


def _group(code: str) -> TargetGroup:
    group = selectors.entry_by_code(TargetGroup, code)
    if group is None:
        raise ValidationError({"target_group": _("No target group with the code %(code)s.") % {"code": code}})
    return group


def _notice(user: User, notice_id: int | None) -> Notice | None:
    if notice_id is None:
        return None
    notice = selectors.notices_linkable(user).filter(pk=notice_id).first()
    if notice is None:
        raise ValidationError({"notice_id": _("No such notice.")})
    return notice


@router.get("/outreach/activities", response=list[s.ActivityOut])
@paginate(PageNumberPagination, page_size=100)
def list_activities(request: HttpRequest, filters: Query[s.ActivityFilters]) -> Any:
    user = require_perm(request, "outreach.view_activity")
    return selectors.activities_for_user(
        user,
        unit=unit_asked(user, filters.unit),
        channel=_channel(filters.channel) if filters.channel else None,
        target_group=_group(filters.target_group) if filters.target_group else None,
        date_from=filters.date_from,
        date_to=filters.date_to,
        q=filters.q[:100],
    )


@router.post("/outreach/activities", response={201: s.ActivityOut})
def record_activity(request: HttpRequest, payload: s.ActivityIn) -> Status[Any]:
    """What a unit did on a day: the reach is refused when negative or absurd for the unit's population."""
    user = require_perm(request, "outreach.add_activity")
    unit = core_selectors.orgunit_get_for_user(user, payload.unit_id)
    with errors_named_as_sent(SENT_AS):
        activity = activity_record(
            by=user,
            org_unit=unit,
            channel=_channel(payload.channel),
            target_group=_group(payload.target_group) if payload.target_group else None,
            notice=_notice(user, payload.notice_id),
            **payload.dict(exclude={"unit_id", "channel", "target_group", "notice_id"}),
        )
    return Status(201, activity)


@router.get("/outreach/activities/totals", response=s.TotalsOut)
def activity_totals(request: HttpRequest, period: Query[s.PeriodQuery]) -> dict[str, Any]:
    """Person-times reached in the unit's subtree (by default the top of the caller's scope) from ``from`` to
    ``to`` (by default the last seven days): by channel, target group and child unit, and in all."""
    user = require_perm(request, "outreach.view_activity")
    chosen = unit_asked(user, period.unit) or selectors.default_unit(user)
    if chosen is None:
        raise ValidationError({"unit": _("Choose a unit.")})
    last = period.date_to or timezone.localdate()
    first = period.date_from or last - dt.timedelta(days=6)
    totals = selectors.reach_totals(user, chosen, min(first, last), max(first, last))

    def line(entry: Any, reach: int, times: int, count: int) -> dict[str, Any]:
        return {"code": entry.code if entry else None, "reach": reach, "times": times, "activities": count}

    return {
        "unit_id": chosen.pk,
        "first": totals.first,
        "last": totals.last,
        "reach": totals.total.reach,
        "activities": totals.total.count,
        "by_channel": [line(x.key, x.reach, x.times, x.count) for x in totals.by_channel],
        "by_target_group": [line(x.key, x.reach, x.times, x.count) for x in totals.by_group],
        "by_unit": [
            {
                "unit_id": x.key.pk if x.key else None,
                "unit_name": x.key.display_name if x.key else chosen.display_name,
                "reach": x.reach,
                "times": x.times,
                "activities": x.count,
            }
            for x in totals.by_unit
        ],
    }


@router.get("/outreach/gatherings", response=list[s.GatheringOut])
@paginate(PageNumberPagination, page_size=100)
def list_gatherings(request: HttpRequest, filters: Query[s.GatheringFilters]) -> Any:
    """Gatherings of units in scope, the families masked."""
    user = require_perm(request, "outreach.view_gathering")
    return gathering_selectors.gatherings_for_user(
        user,
        unit=unit_asked(user, filters.unit),
        kind=filters.kind,
        outcome=filters.outcome,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )


@router.post("/outreach/gatherings", response={201: s.GatheringDetailOut})
def record_gathering(request: HttpRequest, payload: s.GatheringIn) -> Status[Any]:
    user = require_perm(request, "outreach.add_gathering")
    unit = core_selectors.orgunit_get_for_user(user, payload.unit_id)
    with errors_named_as_sent(SENT_AS):
        gathering = gathering_record(by=user, org_unit=unit, **payload.dict(exclude={"unit_id"}))
    return Status(201, gathering)


@router.get("/outreach/gatherings/{gathering_id}", response=s.GatheringDetailOut)
def gathering_detail(request: HttpRequest, gathering_id: int) -> Gathering:
    user = require_perm(request, "outreach.view_gathering")
    return gathering_selectors.gathering_get_for_user(user, gathering_id)


@router.post("/outreach/gatherings/{gathering_id}/outcome", response=s.GatheringDetailOut)
def record_outcome(request: HttpRequest, gathering_id: int, payload: s.OutcomeIn) -> Gathering:
    """How it went; held outcomes need the actual size. Recording it again replaces it (the audit keeps both)."""
    user = require_perm(request, "outreach.change_gathering")
    gathering = gathering_selectors.gathering_get_for_user(user, gathering_id)
    with errors_named_as_sent(SENT_AS):
        return gathering_outcome(by=user, gathering=gathering, **payload.dict())
