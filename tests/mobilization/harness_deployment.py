"""The scope harness's builders for secondments, teams, leaders and the configurable lists."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bastion.mobilization.models import (
    DutyType,
    LeaderAssignment,
    Responder,
    ResponderCategory,
    Secondment,
    Team,
    TeamKind,
)
from tests.mobilization import factories
from tests.scope_harness import Outsider, out_of_scope


def _of_b(b: Outsider, name: str, category: str = "cadre") -> Responder:
    found = Responder.objects.filter(name=name).first()
    return found or factories.responder(b.world.village_b, name, category=category)


@out_of_scope("secondment_id")
def _secondment(b: Outsider) -> int:
    secondment, _created = Secondment.objects.get_or_create(
        responder=_of_b(b, "沈家沟抽调干部"),
        defaults={
            "duty_type": DutyType.objects.get(code="screening"),
            "org_unit": b.world.village_b,
            "starts_on": timezone.localdate(),
            "created_by": b.cadre,
        },
    )
    return int(secondment.pk)


@out_of_scope("team_id")
def _team(b: Outsider) -> int:
    leader = _of_b(b, "沈家沟队长")
    team, created = Team.objects.get_or_create(
        name="沈家沟先锋队",
        defaults={"kind": TeamKind.objects.get(code="vanguard"), "org_unit": b.world.village_b, "leader": leader},
    )
    if created:
        team.members.set([leader, _of_b(b, "沈家沟抽调干部")])
    return int(team.pk)


@out_of_scope("leader_assignment_id")
def _leader_assignment(b: Outsider) -> int:
    assignment, _created = LeaderAssignment.objects.get_or_create(
        leader=_of_b(b, "沈家沟包村领导", category="leader"),
        org_unit=b.world.village_b,
        defaults={"starts_on": timezone.localdate()},
    )
    return int(assignment.pk)


@out_of_scope("list_name")
def _list_name(b: Outsider) -> str:  # type: ignore[misc]
    """County-wide lists: a user scoped below the top of the tree may not change them."""
    return "duty-types"


@out_of_scope("entry_id")
def _list_entry(b: Outsider) -> int:
    return int(DutyType.objects.get(code="screening").pk)


def deployment_of_b(in_b: dict[str, str]) -> dict[str, Any]:
    """Village B's secondments, teams (with their members) and leaders' units, and the county-wide lists."""
    teams = Team.objects.filter(**in_b).order_by("pk")
    return {
        "secondments": list(
            Secondment.objects.filter(**in_b).values_list(
                "pk", "responder_id", "duty_type_id", "org_unit_id", "starts_on", "ends_on", "note"
            )
        ),
        "teams": [
            (t.pk, t.name, t.kind_id, t.org_unit_id, t.leader_id, t.institution_id, t.tasks, t.is_active) for t in teams
        ],
        "team_members": list(
            Team.members.through.objects.filter(**{f"team__{k}": v for k, v in in_b.items()})
            .order_by("team_id", "responder_id")
            .values_list("team_id", "responder_id")
        ),
        "leader_assignments": list(
            LeaderAssignment.objects.filter(**in_b).values_list(
                "pk", "leader_id", "org_unit_id", "starts_on", "ends_on"
            )
        ),
        "mobilization_lists": [
            list(model.objects.order_by("pk").values_list("pk", "code", "names", "sort_order", "is_active"))
            for model in (ResponderCategory, DutyType, TeamKind)
        ],
    }
