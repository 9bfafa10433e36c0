"""Report sources of outreach (DESIGN principle 5): person-times reached in all and by each default channel,
activities recorded, and gatherings planned and how they went, in a unit's subtree."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet, Sum
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit
from bastion.core.scope import paths_q
from bastion.outreach.models import Activity, Gathering
from bastion.reporting.sources import SourceFunction, report_source

# The channels the county starts with (migration 0002); a channel added later counts in outreach.reach.
DEFAULT_CHANNELS: dict[str, Promise] = {
    "loudspeaker": _("loudspeaker"),
    "vehicle_loudspeaker": _("vehicle loudspeaker"),
    "phone": _("phone calls"),
    "wechat": _("WeChat group"),
    "sms": _("SMS"),
    "banner": _("banners"),
    "leaflet": _("leaflets"),
    "tv": _("TV"),
    "internet": _("internet"),
    "briefing": _("face-to-face briefing"),
}


def _activities(unit: OrgUnit, first: dt.date, last: dt.date) -> QuerySet[Activity]:
    return Activity.objects.filter(paths_q([unit.path], "org_unit"), on__gte=first, on__lte=last)


def reach_between(unit: OrgUnit, first: dt.date, last: dt.date, channel: str = "") -> int:
    activities = _activities(unit, first, last)
    if channel:
        activities = activities.filter(channel__code=channel)
    return int(activities.aggregate(total=Sum("reach"))["total"] or 0)


@report_source("outreach.reach", _("Outreach: person-times reached in the period"))
def _reach(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return reach_between(unit, first, last)


@report_source("outreach.activities", _("Outreach: activities recorded in the period"))
def _activity_count(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return _activities(unit, first, last).count()


def _format_label(template: Promise, channel: Promise) -> str:
    return str(template) % {"channel": channel}


label_lazy = lazy(_format_label, str)


def _register_channel(code: str, label: Promise) -> None:
    def reach(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
        return reach_between(unit, first, last, code)

    function: SourceFunction = reach
    report_source(f"outreach.reach_{code}", label_lazy(_("Outreach: person-times reached by %(channel)s"), label))(
        function
    )


for _code, _label in DEFAULT_CHANNELS.items():
    _register_channel(_code, _label)


def _gatherings(unit: OrgUnit, first: dt.date, last: dt.date, *outcomes: str) -> int:
    gatherings = Gathering.objects.filter(paths_q([unit.path], "org_unit"), planned_on__gte=first, planned_on__lte=last)
    if outcomes:
        gatherings = gatherings.filter(outcome__in=outcomes)
    return gatherings.count()


@report_source("outreach.gatherings_planned", _("Gatherings (weddings, funerals…) planned for the period"))
def _planned(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return _gatherings(unit, first, last)


@report_source("outreach.gatherings_scaled_down", _("Gatherings of the period held simply or scaled down"))
def _scaled_down(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return _gatherings(unit, first, last, Gathering.Outcome.HELD_SIMPLY, Gathering.Outcome.SCALED_DOWN)


@report_source("outreach.gatherings_postponed", _("Gatherings of the period postponed or cancelled"))
def _postponed(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return _gatherings(unit, first, last, Gathering.Outcome.POSTPONED, Gathering.Outcome.CANCELLED)


@report_source("outreach.gatherings_as_planned", _("Gatherings of the period held as planned"))
def _as_planned(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return _gatherings(unit, first, last, Gathering.Outcome.AS_PLANNED)


@report_source("outreach.gatherings_open", _("Gatherings of the period whose outcome is not yet recorded"))
def _open(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return _gatherings(unit, first, last, Gathering.Outcome.PLANNED)
