"""Secondments, teams and leaders' units for the tests, written through the services (audit and checks)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bastion.core.models import OrgUnit, User
from bastion.mobilization.models import DutyType, LeaderAssignment, Responder, Secondment, Team, TeamKind
from bastion.mobilization.services.deployment import leader_assign, secondment_create, team_save


def duty(code: str) -> DutyType:
    return DutyType.objects.get(code=code)


def seconded(
    by: User,
    responder: Responder,
    org_unit: OrgUnit,
    duty_code: str = "screening",
    *,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Secondment:
    return secondment_create(
        by=by,
        responder=responder,
        duty_type=duty(duty_code),
        org_unit=org_unit,
        starts_on=starts_on or timezone.localdate(),
        ends_on=ends_on,
    )


def team(by: User, org_unit: OrgUnit, name: str, *members: Responder, kind: str = "vanguard") -> Team:
    """A team of ``members``, the first as its leader."""
    return team_save(
        by=by,
        team=None,
        kind=TeamKind.objects.get(code=kind),
        name=name,
        org_unit=org_unit,
        leader=members[0] if members else None,
        members=members,
    )


def answers_for(
    by: User, leader: Responder, org_unit: OrgUnit, *, starts_on: dt.date | None = None
) -> LeaderAssignment:
    return leader_assign(by=by, leader=leader, org_unit=org_unit, starts_on=starts_on or timezone.localdate())
