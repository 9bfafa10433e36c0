"""Where responders serve: secondments (抽调), teams (先锋队, 突击队, 服务小分队) and county leaders' units
(包乡联村)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import Institution, OrgUnit, User
from bastion.core.services.audit import audit_record
from bastion.mobilization.figures import secondment_count, secondment_end_count
from bastion.mobilization.models import DutyType, LeaderAssignment, Responder, Secondment, Team, TeamKind
from bastion.mobilization.services.common import require


def _period(starts_on: dt.date, ends_on: dt.date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end is before the start.")})


@transaction.atomic
def secondment_create(
    *,
    by: User,
    responder: Responder,
    duty_type: DutyType,
    org_unit: OrgUnit,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    note: str = "",
) -> Secondment:
    require(by, "add_secondment", org_unit)
    require(by, "view_responder", responder.org_unit)
    _period(starts_on, ends_on)
    if not duty_type.is_active:
        raise ValidationError({"duty_type": _("This duty type is no longer in use.")})
    overlapping = Secondment.objects.filter(responder=responder, starts_on__lte=ends_on or dt.date.max).exclude(
        ends_on__lt=starts_on
    )
    other = overlapping.select_related("org_unit").first()
    if other is not None:
        message = _("%(name)s is already seconded to %(unit)s from %(day)s; end that secondment first.")
        raise ValidationError(
            {"responder": message % {"name": responder.masked_name, "unit": other.org_unit, "day": other.starts_on}}
        )
    secondment = Secondment.objects.create(
        responder=responder,
        duty_type=duty_type,
        org_unit=org_unit,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip(),
        created_by=by,
    )
    secondment_count(secondment)
    audit_record(by=by, action="secondment.create", obj=secondment, org_unit=org_unit, summary={"duty": duty_type.code})
    return secondment


@transaction.atomic
def secondment_end(*, by: User, secondment: Secondment, ends_on: dt.date | None = None) -> Secondment:
    require(by, "change_secondment", secondment.org_unit)
    ends_on = ends_on or timezone.localdate()
    _period(secondment.starts_on, ends_on)
    was_ending = secondment.ends_on
    secondment.ends_on = ends_on
    secondment.save(update_fields=["ends_on"])
    secondment_end_count(secondment, was_ending)
    audit_record(
        by=by, action="secondment.end", obj=secondment, org_unit=secondment.org_unit, summary={"ends_on": str(ends_on)}
    )
    return secondment


def _members_in_scope(by: User, members: Iterable[Responder]) -> list[Responder]:
    chosen = list(members)
    for member in chosen:
        require(by, "view_responder", member.org_unit)
    return chosen


@transaction.atomic
def team_save(
    *,
    by: User,
    team: Team | None,
    kind: TeamKind,
    name: str,
    org_unit: OrgUnit,
    leader: Responder | None,
    members: Iterable[Responder],
    tasks: str = "",
    institution: Institution | None = None,
    is_active: bool = True,
) -> Team:
    """Form a team or change one: its leader is always one of its members."""
    require(by, "change_team" if team else "add_team", org_unit)
    if team is not None:
        require(by, "change_team", team.org_unit)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the team's name.")})
    if institution is not None and not institution.org_unit.path.startswith(org_unit.path):
        raise ValidationError({"institution": _("The institution is not in %(unit)s.") % {"unit": org_unit}})
    chosen = _members_in_scope(by, members)
    if leader is not None:
        require(by, "view_responder", leader.org_unit)
        if leader not in chosen:
            chosen.append(leader)
    created = team is None
    team = team or Team()
    for key, value in {
        "kind": kind,
        "name": name,
        "org_unit": org_unit,
        "leader": leader,
        "tasks": tasks.strip(),
        "institution": institution,
        "is_active": is_active,
    }.items():
        setattr(team, key, value)
    team.save()
    team.members.set(chosen)
    audit_record(
        by=by,
        action="team.create" if created else "team.update",
        obj=team,
        org_unit=org_unit,
        summary={"kind": kind.code, "members": len(chosen)},
    )
    return team


@transaction.atomic
def leader_assign(
    *, by: User, leader: Responder, org_unit: OrgUnit, starts_on: dt.date, ends_on: dt.date | None = None
) -> LeaderAssignment:
    """A county leader answers for a township or village (包乡联村) from ``starts_on``."""
    require(by, "add_leaderassignment", org_unit)
    require(by, "view_responder", leader.org_unit)
    _period(starts_on, ends_on)
    if org_unit.parent_id is None:
        raise ValidationError({"org_unit": _("Choose a township or a village, not the county itself.")})
    if LeaderAssignment.objects.filter(leader=leader, org_unit=org_unit, ends_on__isnull=True).exists():
        raise ValidationError(
            {"leader": _("%(name)s already answers for %(unit)s.") % {"name": leader, "unit": org_unit}}
        )
    assignment = LeaderAssignment.objects.create(leader=leader, org_unit=org_unit, starts_on=starts_on, ends_on=ends_on)
    audit_record(by=by, action="leader.assign", obj=assignment, org_unit=org_unit)
    return assignment


@transaction.atomic
def leader_release(*, by: User, assignment: LeaderAssignment, ends_on: dt.date | None = None) -> LeaderAssignment:
    require(by, "change_leaderassignment", assignment.org_unit)
    ends_on = ends_on or timezone.localdate()
    _period(assignment.starts_on, ends_on)
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    audit_record(by=by, action="leader.release", obj=assignment, org_unit=assignment.org_unit)
    return assignment
