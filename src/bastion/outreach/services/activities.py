"""Outreach activities: what a unit did on a day, by which channel, for whom, and how many person-times it reached.

The reach is checked against the unit's population so that a slip of the finger (100,000 in a village of 800)
does not swell the county's total.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.scope import require_in_scope, scope_paths
from bastion.core.services.audit import audit_record, field_changes
from bastion.dashboard.figures import figure_add
from bastion.outreach.models import Activity, Channel, Notice, TargetGroup
from bastion.residents.validation import plain

REACH_PER_RESIDENT = 3  # person-times one activity may reach per resident: a loudspeaker heard twice, and more
MAX_TIMES = 1000
DAYS_BACK = 366
# The most one activity may reach in a unit whose population is not known.
KIND_CAPS: dict[str, int] = {
    OrgUnit.Kind.PROVINCE: 200_000_000,
    OrgUnit.Kind.PREFECTURE: 20_000_000,
    OrgUnit.Kind.COUNTY: 2_000_000,
    OrgUnit.Kind.TOWNSHIP: 200_000,
    OrgUnit.Kind.VILLAGE: 20_000,
    OrgUnit.Kind.COMMUNITY: 20_000,
    OrgUnit.Kind.COMPOUND: 10_000,
    OrgUnit.Kind.BUILDING: 2_000,
    OrgUnit.Kind.TEN_HOUSEHOLD: 500,
}


@dataclass(frozen=True)
class ReachLimit:
    """The most one activity of a unit may reach, and how that figure was found (for the message)."""

    limit: int
    basis: str


def reach_limit(unit: OrgUnit) -> ReachLimit:
    """3 times the unit's population; else 3 times its children's populations added up, when every child has one;
    else the cap of its kind."""
    if unit.population:
        return ReachLimit(
            REACH_PER_RESIDENT * unit.population,
            _("%(times)s × the population of %(unit)s (%(population)s)")
            % {"times": REACH_PER_RESIDENT, "unit": unit.display_name, "population": unit.population},
        )
    populations = list(OrgUnit.objects.filter(parent=unit, is_active=True).values_list("population", flat=True))
    if populations and all(populations):
        total = sum(p for p in populations if p)
        return ReachLimit(
            REACH_PER_RESIDENT * total,
            _("%(times)s × the population of the units of %(unit)s (%(population)s)")
            % {"times": REACH_PER_RESIDENT, "unit": unit.display_name, "population": total},
        )
    return ReachLimit(
        KIND_CAPS.get(unit.kind, KIND_CAPS[OrgUnit.Kind.COUNTY]),
        _("the most for a %(kind)s whose population is not known; set the population on the unit's page")
        % {"kind": unit.get_kind_display().lower()},
    )


def reach_clean(value: object, unit: OrgUnit, field: str = "reach") -> int:
    """A whole number of person-times, zero or more, and not absurd for the unit's population."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError({field: _("Give the reach as a whole number of person-times, zero or more.")})
    limit = reach_limit(unit)
    if value > limit.limit:
        raise ValidationError(
            {
                field: _("%(reach)s person-times is too many for %(unit)s: at most %(limit)s (%(basis)s).")
                % {"reach": value, "unit": unit.display_name, "limit": limit.limit, "basis": limit.basis}
            }
        )
    return value


def _times_clean(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_TIMES:
        raise ValidationError({"times": _("Give how many times, from 1 to %(max)s.") % {"max": MAX_TIMES}})
    return value


def _date_clean(on: object, field: str = "on") -> dt.date:
    today = timezone.localdate()
    if not isinstance(on, dt.date):
        raise ValidationError({field: _("Give the date.")})
    if on > today:
        raise ValidationError({field: _("The date is in the future: record what was done.")})
    if on < today - dt.timedelta(days=DAYS_BACK):
        raise ValidationError({field: _("The date is more than a year back.")})
    return on


def notice_visible(user: User | None, notice: Notice) -> bool:
    """A notice of a unit in the user's scope, or of a unit above it (the county's notices reach every village)."""
    if user is None:
        return True
    paths = scope_paths(user)
    if paths is None:
        return True
    published_by = notice.org_unit.path
    return any(path.startswith(published_by) or published_by.startswith(path) for path in paths)


def _checked(
    *,
    by: User | None,
    org_unit: OrgUnit,
    on: object,
    channel: Channel,
    reach: object,
    times: object,
    target_group: TargetGroup | None,
    notice: Notice | None,
    current: Activity | None = None,
) -> tuple[dt.date, int, int]:
    """The date, reach and times, checked; every problem named at once."""
    errors: dict[str, str] = {}
    cleaned: list[object] = []
    for field, clean in (
        ("on", lambda: _date_clean(on)),
        ("reach", lambda: reach_clean(reach, org_unit)),
        ("times", lambda: _times_clean(times)),
    ):
        try:
            cleaned.append(clean())
        except ValidationError as exc:
            errors[field] = exc.message_dict[field][0]
    if not channel.is_active and (current is None or current.channel_id != channel.pk):
        errors["channel"] = _("%(channel)s is no longer in use: choose another channel.") % {"channel": channel}
    if (
        target_group is not None
        and not target_group.is_active
        and (current is None or current.target_group_id != target_group.pk)
    ):
        errors["target_group"] = _("%(group)s is no longer in use: choose another group.") % {"group": target_group}
    if notice is not None and not notice_visible(by, notice):
        errors["notice"] = _("This notice is not one you can see.")
    if errors:
        raise ValidationError(errors)
    day, count, repeats = cleaned
    return cast(dt.date, day), cast(int, count), cast(int, repeats)


def _count(activity: Activity, sign: int) -> None:
    """Add (1) or take back (-1) the activity in the live figures of its unit and day."""
    figure_add(activity.org_unit_id, "outreach.reach", sign * activity.reach, activity.on)
    figure_add(activity.org_unit_id, "outreach.activities", sign, activity.on)


@transaction.atomic
def activity_record(
    *,
    by: User | None,
    org_unit: OrgUnit,
    on: dt.date,
    channel: Channel,
    reach: int,
    times: int = 1,
    target_group: TargetGroup | None = None,
    materials: str = "",
    notice: Notice | None = None,
    note: str = "",
) -> Activity:
    """Record what a unit did on a day: the loudspeaker car ran twice, 200 leaflets, a briefing for 12 shop owners."""
    require_in_scope(by, "outreach.add_activity", org_unit)
    day, count, repeats = _checked(
        by=by,
        org_unit=org_unit,
        on=on,
        channel=channel,
        reach=reach,
        times=times,
        target_group=target_group,
        notice=notice,
    )
    activity = Activity.objects.create(
        org_unit=org_unit,
        on=day,
        channel=channel,
        target_group=target_group,
        times=repeats,
        reach=count,
        materials=plain(materials)[:200],
        notice=notice,
        note=plain(note)[:300],
        created_by=by,
    )
    _count(activity, 1)
    audit_record(
        by=by,
        action="outreach.activity_record",
        obj=activity,
        org_unit=org_unit,
        summary={
            "on": f"{activity.on:%Y-%m-%d}",
            "channel": channel.code,
            "target_group": target_group.code if target_group else None,
            "times": activity.times,
            "reach": activity.reach,
            "notice": notice.pk if notice else None,
        },
    )
    return activity


@transaction.atomic
def activity_update(
    *,
    by: User | None,
    activity: Activity,
    org_unit: OrgUnit,
    on: dt.date,
    channel: Channel,
    reach: int,
    times: int = 1,
    target_group: TargetGroup | None = None,
    materials: str = "",
    notice: Notice | None = None,
    note: str = "",
) -> Activity:
    """Correct a recorded activity: the HQ's (change_activity), within its scope."""
    require_in_scope(by, "outreach.change_activity", activity.org_unit)
    require_in_scope(by, "outreach.change_activity", org_unit)
    day, count, repeats = _checked(
        by=by,
        org_unit=org_unit,
        on=on,
        channel=channel,
        reach=reach,
        times=times,
        target_group=target_group,
        notice=notice,
        current=activity,
    )
    data = {
        "org_unit": org_unit,
        "on": day,
        "channel": channel,
        "target_group": target_group,
        "times": repeats,
        "reach": count,
        "materials": plain(materials)[:200],
        "notice": notice,
        "note": plain(note)[:300],
    }
    was = (activity.org_unit_id, activity.on, activity.reach)
    changes = field_changes(activity, data)
    if changes:
        activity.save(update_fields=list(changes))
        if was != (activity.org_unit_id, activity.on, activity.reach):
            figure_add(was[0], "outreach.reach", -was[2], was[1])
            figure_add(was[0], "outreach.activities", -1, was[1])
            _count(activity, 1)
        audit_record(by=by, action="outreach.activity_update", obj=activity, org_unit=org_unit, summary=changes)
    return activity


@transaction.atomic
def activity_delete(*, by: User | None, activity: Activity) -> None:
    """Remove an activity recorded by mistake (twice, or for the wrong unit): the HQ's, audited with its figures."""
    require_in_scope(by, "outreach.change_activity", activity.org_unit)
    summary = {
        "on": f"{activity.on:%Y-%m-%d}",
        "channel": activity.channel.code,
        "reach": activity.reach,
        "times": activity.times,
    }
    audit_record(by=by, action="outreach.activity_delete", obj=activity, org_unit=activity.org_unit, summary=summary)
    _count(activity, -1)
    activity.delete()
