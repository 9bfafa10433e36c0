"""Reads of notices: the scoped lists and getters of the staff pages and the API, and the public page's two reads.

The public page of a unit shows the current notices of the unit and of every unit above it (a village's page shows
the county's and its township's notices too): published (``publish_at`` passed) and not withdrawn.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import CharField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import StartsWith
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit, User
from bastion.core.models.orgunits import path_ids
from bastion.core.scope import scoped
from bastion.outreach.languages import NOTICE_LANGUAGES
from bastion.outreach.models import Notice, NoticeVersion

PUBLIC_LIMIT = 100  # notices on a public page: the newest; a board with more is no longer read

STATUSES: dict[str, Promise] = {
    "current": _("current"),
    "scheduled": _("scheduled"),
    "draft": _("draft"),
    "withdrawn": _("withdrawn"),
}


def status_q(status: str, now: dt.datetime) -> Q:
    """Notices in ``status`` at ``now``: current (published, not withdrawn), scheduled (published later), draft (no
    publication time) or withdrawn (the withdrawal time passed). An unknown status matches everything."""
    not_withdrawn = Q(withdraw_at__isnull=True) | Q(withdraw_at__gt=now)
    return {
        "current": Q(publish_at__lte=now) & not_withdrawn,
        "scheduled": Q(publish_at__gt=now),
        "draft": Q(publish_at__isnull=True),
        "withdrawn": Q(withdraw_at__lte=now),
    }.get(status, Q())


def notice_status(notice: Notice, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if notice.withdraw_at is not None and notice.withdraw_at <= now:
        return "withdrawn"
    if notice.publish_at is None:
        return "draft"
    return "current" if notice.publish_at <= now else "scheduled"


def notices_for_user(
    user: User, *, unit: OrgUnit | None = None, status: str = "", q: str = "", now: dt.datetime | None = None
) -> QuerySet[Notice]:
    """Notices of units in the user's scope (below ``unit`` if given), newest first; ``q`` searches the titles in
    every language, the Chinese body and the audience."""
    notices = scoped(Notice.objects.select_related("org_unit"), user, within=unit)
    if status in STATUSES:
        notices = notices.filter(status_q(status, now or timezone.now()))
    if q:
        found = Q(audience__icontains=q) | Q(**{f"texts__{NOTICE_LANGUAGES[0].code}__body__icontains": q})
        for language in NOTICE_LANGUAGES:
            found |= Q(**{f"texts__{language.code}__title__icontains": q})
        notices = notices.filter(found)
    return notices.order_by(F("publish_at").desc(nulls_first=True), "-pk")


def notice_get_for_user(user: User, notice_id: int) -> Notice:
    return get_object_or_404(notices_for_user(user), pk=notice_id)


def notice_versions(notice: Notice) -> QuerySet[NoticeVersion]:
    return notice.versions.select_related("by").order_by("-number")


# The public page -------------------------------------------------------------------------------------------------


def _current(now: dt.datetime) -> Q:
    return status_q("current", now) & Q(org_unit__is_active=True)


def public_unit_get(unit_id: int, now: dt.datetime | None = None) -> OrgUnit:
    """An active unit for its public page, in one query, with what its page's Last-Modified is made of: the latest
    change of the unit or a unit above it (``units_changed``: a name), and the latest edit, publication and
    withdrawal (up to ``now``) of the notices of the unit and the units above it (``notices_edited``,
    ``notices_published``, ``notices_withdrawn``; None when there is none)."""
    now = now or timezone.now()
    unit_path = ExpressionWrapper(OuterRef("path"), output_field=CharField())
    on_the_page = Notice.objects.filter(StartsWith(unit_path, F("org_unit__path")))

    def latest(field: str, rows: QuerySet[Any]) -> Subquery:
        return Subquery(rows.order_by(F(field).desc(nulls_last=True)).values(field)[:1])

    above = OrgUnit.objects.filter(StartsWith(unit_path, F("path")))
    units = OrgUnit.objects.filter(is_active=True).annotate(
        units_changed=latest("updated_at", above),
        notices_edited=latest("updated_at", on_the_page),
        notices_published=latest("publish_at", on_the_page.filter(publish_at__lte=now)),
        notices_withdrawn=latest("withdraw_at", on_the_page.filter(withdraw_at__lte=now)),
    )
    return get_object_or_404(units.only("id", "name", "short_name", "path", "updated_at"), pk=unit_id)


def public_notices(unit: OrgUnit, now: dt.datetime | None = None) -> list[Notice]:
    """The current notices of ``unit`` and of the units above it, newest first, at most ``PUBLIC_LIMIT``; one query,
    only what the page shows (no author, nothing personal)."""
    notices = (
        Notice.objects.filter(_current(now or timezone.now()), org_unit_id__in=path_ids(unit.path))
        .select_related("org_unit")
        .only("id", "texts", "audience", "publish_at", "org_unit__id", "org_unit__name", "org_unit__short_name")
        .order_by("-publish_at", "-pk")
    )
    return list(notices[:PUBLIC_LIMIT])


def public_notice_get(unit: OrgUnit, notice_id: int, now: dt.datetime | None = None) -> Notice:
    """A current notice shown on ``unit``'s public page (its own or a unit's above it); else not found."""
    notice = (
        Notice.objects.filter(_current(now or timezone.now()), org_unit_id__in=path_ids(unit.path), pk=notice_id)
        .select_related("org_unit")
        .only(
            "id",
            "texts",
            "audience",
            "publish_at",
            "updated_at",
            "org_unit__id",
            "org_unit__name",
            "org_unit__short_name",
        )
        .first()
    )
    if notice is None:
        raise Http404("no such notice on this page")
    return notice
